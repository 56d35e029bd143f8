/**
 * Load clients of scripts/bench_emulator.ts, each run as its own process so that no client
 * shares the emulator's event loop (or another client's):
 *
 * - `streams URL N TOKENS START_EPOCH_MS OUT_FILE`: opens N raw HTTP/1.1 connections at
 *   START_EPOCH_MS, each streaming a completion of TOKENS tokens, and timestamps every SSE frame
 *   (epoch ms, so processes can be compared). Writes the token times as float64 (N × TOKENS) to
 *   OUT_FILE and prints a JSON summary (connect times, failures).
 * - `scrape URL INTERVAL_MS DURATION_MS [START_EPOCH_MS]`: from START_EPOCH_MS on, GETs /metrics
 *   every INTERVAL_MS for DURATION_MS and prints the latencies (ms) as JSON.
 * - `requests URL CONCURRENCY SECONDS`: closed-loop short completions (max_tokens 1), the
 *   fallback when `wrk` is not installed; prints requests/s as JSON.
 *
 * @module
 */

const ENCODER = new TextEncoder();
/** The served model name of every benchmarked server. */
const MODEL = "wva-bench";

function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, epochMs - nowEpochMs())));
}

function httpPost(host: string, path: string, body: string): Uint8Array {
  const bytes = ENCODER.encode(body);
  const head = `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
    `content-length: ${bytes.length}\r\nconnection: close\r\n\r\n`;
  const out = new Uint8Array(head.length + bytes.length);
  out.set(ENCODER.encode(head));
  out.set(bytes, head.length);
  return out;
}

interface StreamResult {
  readonly connectMs: number;
  /** When the request was written (epoch ms). */
  readonly sentAt?: number;
  readonly frames: number;
  readonly error?: string;
}

/** One stream: connect, send, count SSE frames (a blank line ends each), stamp the first `tokens`. */
async function oneStream(
  url: URL,
  request: Uint8Array,
  times: Float64Array,
  offset: number,
  tokens: number,
): Promise<StreamResult> {
  const t0 = nowEpochMs();
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  } catch (err) {
    return { connectMs: nowEpochMs() - t0, frames: 0, error: (err as Error).message };
  }
  const connectMs = nowEpochMs() - t0;
  const buf = new Uint8Array(16 * 1024);
  let frames = 0, prevNewline = false, headerDone = false, sentAt = 0;
  try {
    await conn.write(request);
    sentAt = nowEpochMs();
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      const at = nowEpochMs();
      for (let i = 0; i < n; i++) {
        if (buf[i] === 13) continue; // CR of the head and of the chunked framing
        if (buf[i] !== 10) {
          prevNewline = false;
          continue;
        }
        if (!prevNewline) {
          prevNewline = true;
          continue;
        }
        prevNewline = false;
        if (!headerDone) headerDone = true; // the blank line after the response head
        else if (frames++ < tokens) times[offset + frames - 1] = at;
      }
    }
  } catch (err) {
    return { connectMs, sentAt, frames, error: (err as Error).message };
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
  return { connectMs, sentAt, frames };
}

async function streams(args: readonly string[]): Promise<void> {
  const [base, nText, tokensText, startText, outFile] = args;
  const url = new URL(base!);
  const n = Number(nText), tokens = Number(tokensText);
  const body = JSON.stringify({
    model: MODEL,
    prompt: "bench",
    max_tokens: tokens,
    stream: true,
    ignore_eos: true,
  });
  const request = httpPost(url.host, "/v1/completions", body);
  const times = new Float64Array(n * tokens);
  await sleepUntil(Number(startText));
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => oneStream(url, request, times, i * tokens, tokens)),
  );
  await Deno.writeFile(outFile!, new Uint8Array(times.buffer));
  const failures = results.filter((r) => r.error !== undefined || r.frames < tokens);
  const connect = results.map((r) => r.connectMs).sort((a, b) => a - b);
  const lastSent = Math.max(...results.map((r) => r.sentAt ?? 0));
  console.log(JSON.stringify({
    streams: n,
    failures: failures.length,
    firstError: failures[0]?.error ?? (failures[0] ? `${failures[0].frames} frames` : null),
    connectP50Ms: connect[Math.floor(connect.length / 2)] ?? 0,
    connectMaxMs: connect.at(-1) ?? 0,
    allSentAfterMs: lastSent - Number(startText),
  }));
}

async function scrape(args: readonly string[]): Promise<void> {
  const [base, intervalText, durationText, startText] = args;
  if (startText) await sleepUntil(Number(startText));
  const until = nowEpochMs() + Number(durationText);
  const latencies: number[] = [];
  let failures = 0;
  while (nowEpochMs() < until) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/metrics`);
      await res.arrayBuffer();
      if (res.ok) latencies.push(performance.now() - t0);
      else failures++;
    } catch {
      failures++;
    }
    await new Promise((r) => setTimeout(r, Number(intervalText)));
  }
  console.log(JSON.stringify({ latencies, failures }));
}

async function requests(args: readonly string[]): Promise<void> {
  const [base, concurrencyText, secondsText] = args;
  const body = JSON.stringify({ model: MODEL, prompt: "short", max_tokens: 1, ignore_eos: true });
  let done = 0, errors = 0;
  const until = performance.now() + Number(secondsText) * 1000;
  async function worker(): Promise<void> {
    while (performance.now() < until) {
      const res = await fetch(`${base}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await res.arrayBuffer();
      if (res.ok) done++;
      else errors++;
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
  const sec = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ requestsPerSec: done / sec, errors }));
}

if (import.meta.main) {
  const [mode, ...rest] = Deno.args;
  if (mode === "streams") await streams(rest);
  else if (mode === "scrape") await scrape(rest);
  else if (mode === "requests") await requests(rest);
  else throw new Error(`unknown mode ${mode}; use streams, scrape or requests`);
}
