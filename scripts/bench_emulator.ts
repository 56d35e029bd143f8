/**
 * Benchmark of one `wva emulator` process on loopback, with every client in its own process
 * (scripts/lib/bench_clients.ts, or `wrk`), printed side by side with the model and with the
 * llm-d-inference-sim figures of issue 16 (v0.10.2, same machine type).
 *
 * 1. Short requests: closed-loop `max_tokens: 1` completions at concurrency 64 and 256, zero
 *    model latency, measured with `wrk` (Debian package; installed when missing and running as
 *    root) or the Deno fallback client. Server CPU per request from /proc.
 * 2. Streams: N concurrent streams (default 500, 1000, 2000, 4000) all connecting at once,
 *    against step = 20 + 0.05·batch ms (the model). Reported: time until every stream
 *    has its first token, listen-queue overflows (TcpExt ListenOverflows, whole machine), the
 *    mean inter-token gap where all N decode (from `--settle-ms` after the last first token)
 *    against the model, p50/p99 gap over the model, `/metrics` latency p50/p99 from a separate
 *    scraper process (every 100 ms over the middle half of the run), server CPU per 1,000 tokens
 *    and peak RSS.
 *
 * The machine load (`/proc/loadavg`) is printed with every row: on a shared machine the figures
 * move with it.
 *
 * Usage: deno run -A scripts/bench_emulator.ts [--streams 500,1000,2000,4000]
 *        [--stream-seconds 12] [--settle-ms 1000] [--rate-concurrency 64,256] [--rate-seconds 5] [--no-wrk]
 *        [--alpha 20] [--beta 0.05] [--sim PATH] [--json FILE] [--threads]
 *
 * `--sim PATH` also measures an llm-d-inference-sim binary at PATH with the same clients and
 * the same model (see scripts/lib/bench_servers.ts), scenario by scenario.
 *
 * `--threads` runs only the second-thread experiment (scripts/lib/bench_threads.ts): bare Deno
 * HTTP on the main thread, on two `reusePort` workers, and on two workers forwarding to the
 * main thread, three interleaved rounds at each `--rate-concurrency`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { percentile } from "../src/core/util/stats.ts";
import { processCpuTicks } from "./lib/proc.ts";
import { formatReport, type RateRow, type StreamRow } from "./lib/bench_report.ts";
import { type ServerKind, spawnServer } from "./lib/bench_servers.ts";
import { haveWrk, wrkRate } from "./lib/bench_wrk.ts";
import { formatThreads, threadsExperiment } from "./lib/bench_threads.ts";

const CLIENTS = new URL("./lib/bench_clients.ts", import.meta.url).pathname;

/** Runs a client process and parses the JSON it prints. */
async function runClient<T>(args: readonly string[]): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLIENTS, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`client ${args[0]} exited with ${out.code}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

function loadavg(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}

/** TcpExt ListenOverflows of the whole machine. */
function listenOverflows(): number {
  const lines = Deno.readTextFileSync("/proc/net/netstat").split("\n");
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!lines[i]!.startsWith("TcpExt:")) continue;
    const keys = lines[i]!.split(/\s+/), values = lines[i + 1]!.split(/\s+/);
    return Number(values[keys.indexOf("ListenOverflows")] ?? 0);
  }
  return 0;
}

function peakRssMb(pid: number): number {
  const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : 0;
}

function serverName(kind: ServerKind): string {
  return kind.kind === "wva" ? "wva" : "sim";
}

async function rateScenario(
  kind: ServerKind,
  concurrency: number,
  o: { readonly seconds: number; readonly useWrk: boolean },
): Promise<RateRow> {
  const { seconds, useWrk } = o;
  const emu = await spawnServer(kind, {
    alphaMs: 1,
    betaMs: 0,
    maxNumSeqs: 1024,
    maxWaiting: 10_000,
    maxModelLen: 4096,
  });
  try {
    const measure = () =>
      useWrk ? wrkRate(emu.url, concurrency, seconds) : runClient<{ requestsPerSec: number }>([
        "requests",
        emu.url,
        String(concurrency),
        String(seconds),
      ]).then((r) => r.requestsPerSec);
    await (useWrk ? wrkRate(emu.url, concurrency, 1) : Promise.resolve(0)); // warm-up
    const load = loadavg();
    const c0 = processCpuTicks(emu.pid);
    const rps = await measure();
    const cpuSec = (processCpuTicks(emu.pid) - c0) / 100;
    const cpuPerRequestMs = (1000 * cpuSec) / Math.max(1, rps * seconds);
    return {
      server: serverName(kind),
      concurrency,
      requestsPerSec: rps,
      cpuPerRequestMs,
      client: useWrk ? "wrk" : "deno",
      load,
    };
  } finally {
    await emu.stop();
  }
}

interface StreamOptions {
  readonly alphaMs: number;
  readonly betaMs: number;
  readonly seconds: number;
  /** Gaps are measured from this long after every stream decodes (ms). */
  readonly settleMs: number;
}

/**
 * Gap statistics over the window where every stream decodes, starting `settleMs` after the last
 * stream's first token (the server catches up after the connection burst).
 */
function gapStats(times: Float64Array, n: number, tokens: number, settleMs: number) {
  let allDecoding = -Infinity, end = Infinity;
  for (let s = 0; s < n; s++) {
    allDecoding = Math.max(allDecoding, times[s * tokens]!);
    end = Math.min(end, times[s * tokens + tokens - 1]!);
  }
  const start = Math.min(allDecoding + settleMs, end);
  const means: number[] = [], gaps: number[] = [];
  for (let s = 0; s < n; s++) {
    let first = -1, last = -1, count = 0, prev = -1;
    for (let i = 0; i < tokens; i++) {
      const t = times[s * tokens + i]!;
      if (t < start || t > end) continue;
      if (first < 0) first = t;
      if (prev >= 0) gaps.push(t - prev);
      prev = last = t;
      count++;
    }
    if (count >= 2) means.push((last - first) / (count - 1));
  }
  const mean = means.reduce((a, b) => a + b, 0) / Math.max(1, means.length);
  return {
    allDecoding,
    mean,
    p50: percentile(gaps, 50),
    p99: percentile(gaps, 99),
    windowMs: end - start,
  };
}

async function streamScenario(kind: ServerKind, n: number, o: StreamOptions): Promise<StreamRow> {
  const modelItlMs = o.alphaMs + o.betaMs * n;
  const tokens = Math.max(20, Math.ceil((o.seconds * 1000) / modelItlMs));
  const emu = await spawnServer(kind, {
    alphaMs: o.alphaMs,
    betaMs: o.betaMs,
    maxNumSeqs: n,
    maxWaiting: n,
    maxModelLen: tokens + 64,
    kvCacheBlocks: Math.ceil(((tokens + 64) * n) / 16) + 64,
  });
  const out = await Deno.makeTempFile({ suffix: ".f64" });
  try {
    const startAt = performance.timeOrigin + performance.now() + 1500;
    const runMs = tokens * modelItlMs;
    const overflow0 = listenOverflows(), cpu0 = processCpuTicks(emu.pid), load = loadavg();
    // The scraper covers the middle half of the run, when every stream decodes.
    const scraping = runClient<{ latencies: number[]; failures: number }>([
      "scrape",
      emu.url,
      "100",
      String(Math.max(1000, runMs * 0.5)),
      String(startAt + runMs * 0.25),
    ]).catch(() => ({ latencies: [], failures: -1 }));
    const streaming = runClient<{ failures: number; firstError: string | null }>([
      "streams",
      emu.url,
      String(n),
      String(tokens),
      String(startAt),
      out,
    ]);
    const [client, scrape] = await Promise.all([streaming, scraping]);
    const cpuSec = (processCpuTicks(emu.pid) - cpu0) / 100;
    const rssMb = peakRssMb(emu.pid);
    const times = new Float64Array((await Deno.readFile(out)).buffer);
    const g = gapStats(times, n, tokens, o.settleMs);
    let lastToken = 0;
    for (const t of times) lastToken = Math.max(lastToken, t);
    return {
      server: serverName(kind),
      streams: n,
      tokens,
      modelItlMs,
      meanItlMs: g.mean,
      p50Ratio: g.p50 / modelItlMs,
      p99Ratio: g.p99 / modelItlMs,
      allDecodingMs: g.allDecoding - startAt,
      windowMs: g.windowMs,
      listenOverflows: listenOverflows() - overflow0,
      failures: client.failures,
      firstError: client.firstError,
      scrapeP50Ms: percentile(scrape.latencies, 50),
      scrapeP99Ms: percentile(scrape.latencies, 99),
      scrapes: scrape.latencies.length,
      cpuPer1kTokensSec: (1000 * cpuSec) / (n * tokens),
      peakRssMb: rssMb,
      tokensPerSec: (n * tokens) / ((lastToken - startAt) / 1000),
      load,
    };
  } finally {
    await emu.stop();
    await Deno.remove(out);
  }
}

async function main(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      streams: { type: "string", default: "500,1000,2000,4000" },
      "stream-seconds": { type: "string", default: "12" },
      "settle-ms": { type: "string", default: "1000" },
      "rate-concurrency": { type: "string", default: "64,256" },
      "rate-seconds": { type: "string", default: "5" },
      "no-wrk": { type: "boolean", default: false },
      alpha: { type: "string", default: "20" },
      beta: { type: "string", default: "0.05" },
      sim: { type: "string" },
      json: { type: "string" },
      threads: { type: "boolean", default: false },
    },
  });
  const list = (s: string) => s.split(",").map((x) => Number(x.trim())).filter((x) => x > 0);
  if (values.threads) {
    if (!await haveWrk(true)) throw new Error("--threads needs wrk (Debian package wrk)");
    const seconds = Number(values["rate-seconds"]);
    const rows = [];
    for (const concurrency of list(values["rate-concurrency"]!)) {
      rows.push(...await threadsExperiment({ rounds: 3, seconds, concurrency, workers: 2 }));
    }
    console.log(formatThreads(rows));
    return;
  }
  const useWrk = !values["no-wrk"] && await haveWrk(true);
  const kinds: ServerKind[] = [
    { kind: "wva" },
    ...(values.sim ? [{ kind: "sim", path: values.sim } as const] : []),
  ];
  const rate: RateRow[] = [];
  for (const c of list(values["rate-concurrency"]!)) {
    for (const kind of kinds) {
      rate.push(await rateScenario(kind, c, { seconds: Number(values["rate-seconds"]), useWrk }));
    }
  }
  const o = {
    alphaMs: Number(values.alpha),
    betaMs: Number(values.beta),
    seconds: Number(values["stream-seconds"]),
    settleMs: Number(values["settle-ms"]),
  };
  const streams: StreamRow[] = [];
  for (const n of list(values.streams!)) {
    for (const kind of kinds) streams.push(await streamScenario(kind, n, o));
  }
  console.log(formatReport({ rate, streams, cores: navigator.hardwareConcurrency, model: o }));
  if (values.json) {
    await Deno.writeTextFile(values.json, JSON.stringify({ rate, streams }, null, 2));
  }
}

if (import.meta.main) await main(Deno.args);
