/**
 * Fuzzing a real emulator process with malformed and hostile requests (tests/emulator/
 * fuzz_corpus.ts), 10 MB bodies (declared and chunked), and slow clients: no answer is a 5xx,
 * the server keeps serving, and its memory stays bounded (its JS heap and external memory after
 * a GC, read through the inspector, are the same after another pass of everything). Bounded in time (about 15 s).
 */
import { strict as assert } from "node:assert";
import { freePort, waitForHttp } from "../helpers/ports.ts";
import { type FuzzCase, fuzzCorpus } from "./fuzz_corpus.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TEN_MB = 10 * 1024 * 1024;
const MODEL = { alphaMs: 1, betaMs: 0, gammaMs: 0, deltaMs: 0 };

interface Server {
  readonly url: string;
  readonly pid: number;
  /** The V8 inspector port of the server process (to measure its memory after a GC). */
  readonly inspectPort: number;
  stop(): Promise<void>;
}

async function spawnServer(config: Record<string, unknown>): Promise<Server> {
  const port = freePort(), inspectPort = freePort();
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify({ ...config, port, logLevel: "error" }));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--inspect=127.0.0.1:${inspectPort}`,
      "main.ts",
      "emulator",
      "--config",
      file,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Read stderr all along: a full pipe would block the server.
  let errors = "";
  const reading = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      if (errors.length < 100_000) errors += text;
    }
  })();
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/ready`, 30_000);
  return {
    url,
    pid: child.pid,
    inspectPort,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reading;
      await Deno.remove(file);
      assert.doesNotMatch(errors, /emulator-request-failed/, "a handler threw");
    },
  };
}

/**
 * The server's memory after a full GC (MB): JS heap plus external memory (array buffers), read
 * through the inspector protocol.
 */
async function memoryAfterGcMb(inspectPort: number): Promise<number> {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (result: { result?: { value?: string } }) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    pending.get(m.id)?.(m.result);
    pending.delete(m.id);
  };
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<{ result?: { value?: string } }>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("HeapProfiler.enable");
  await call("HeapProfiler.collectGarbage");
  const out = await call("Runtime.evaluate", {
    expression: "JSON.stringify(Deno.memoryUsage())",
    returnByValue: true,
  });
  ws.close();
  await new Promise((r) => ws.onclose = r);
  const m = JSON.parse(out.result?.value ?? "{}");
  return (m.heapUsed + m.external) / 1024 / 1024;
}

function rssMb(pid: number): number {
  const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : 0;
}

async function send(url: string, c: FuzzCase): Promise<number> {
  const res = await fetch(`${url}${c.path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: c.body,
  });
  await res.body?.cancel();
  return res.status;
}

/** Sends every case with `concurrency` in flight; returns the cases answered with a 5xx. */
async function sendAll(url: string, cases: readonly FuzzCase[], concurrency: number) {
  const bad: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < cases.length) {
      const c = cases[next++]!;
      const status = await send(url, c);
      if (status >= 500) bad.push(`${c.name}: ${status}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return bad;
}

/** A body stream of `bytes` bytes in 64 KiB chunks, or one byte every `trickleMs`. */
function bodyStream(bytes: number, trickleMs = 0): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(trickleMs > 0 ? 1 : 64 * 1024).fill(0x20);
  return new ReadableStream({
    async pull(controller) {
      if (sent >= bytes) return controller.close();
      if (trickleMs > 0) await new Promise((r) => setTimeout(r, trickleMs));
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

/** Status of a POST with a streamed body, or "reset" when the server closed the connection. */
async function postStream(url: string, body: ReadableStream<Uint8Array>): Promise<number | string> {
  try {
    const res = await fetch(`${url}/v1/chat/completions`, { method: "POST", body });
    await res.body?.cancel();
    return res.status;
  } catch {
    return "reset";
  }
}

async function stillServes(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "ok?" }], max_tokens: 2 }),
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).usage.completion_tokens, 2);
}

Deno.test("fuzz: hostile bodies never get a 5xx, the server keeps serving, memory is bounded", async (t) => {
  const server = await spawnServer({
    alphaMs: 1,
    betaMs: 0,
    gammaMs: 0,
    deltaMs: 0,
    bodyTimeoutMs: 400,
  });
  try {
    await stillServes(server.url);
    const rss0 = rssMb(server.pid);
    await t.step("the corpus: every answer is a 2xx or 4xx", async () => {
      const cases = fuzzCorpus(16, 40);
      assert.ok(cases.length > 2500);
      assert.deepEqual(await sendAll(server.url, cases, 8), []);
      // the corpus also sent valid admin changes (e.g. a 1-hour decode step): undo them
      const reset = await fetch(`${server.url}/admin/config`, {
        method: "PATCH",
        body: JSON.stringify({ ...MODEL, maxNumSeqs: 256, maxWaitingQueue: 1000 }),
      });
      assert.equal(reset.status, 200);
      await stillServes(server.url);
    });
    await t.step("10 MB bodies are refused (413) without being read", async () => {
      const declared = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        body: new Uint8Array(TEN_MB).fill(0x20),
      }).then(async (r) => (await r.body?.cancel(), r.status), () => "reset");
      assert.ok(declared === 413 || declared === "reset", `declared: ${declared}`);
      const chunked = await Promise.all(
        Array.from({ length: 4 }, () => postStream(server.url, bodyStream(TEN_MB))),
      );
      assert.ok(chunked.every((s) => s === 413 || s === "reset"), `chunked: ${chunked}`);
      await stillServes(server.url);
    });
    await t.step("slow clients get 408 and hold nothing", async () => {
      const slow = await Promise.all(
        Array.from({ length: 30 }, () => postStream(server.url, bodyStream(100, 50))),
      );
      assert.ok(slow.every((s) => s === 408 || s === "reset"), `slow: ${slow}`);
      assert.ok(slow.some((s) => s === 408));
      await stillServes(server.url);
    });
    await t.step(
      "memory stays bounded: another pass of everything leaves the heap as it was",
      async () => {
        const pass = async () => {
          assert.deepEqual(await sendAll(server.url, fuzzCorpus(16, 40), 8), []);
          const slow = Array.from(
            { length: 30 },
            () => postStream(server.url, bodyStream(100, 50)),
          );
          await Promise.all(slow);
          await stillServes(server.url);
        };
        await pass();
        const mem1 = await memoryAfterGcMb(server.inspectPort);
        await pass();
        const mem2 = await memoryAfterGcMb(server.inspectPort);
        assert.ok(
          mem2 - mem1 < 5,
          `JS heap + external after GC: ${mem1.toFixed(1)} MB, then ${mem2.toFixed(1)} MB`,
        );
        const rss = rssMb(server.pid);
        assert.ok(
          rss < 1024 && rss - rss0 < 512,
          `RSS ${rss.toFixed(0)} MB (started at ${rss0.toFixed(0)} MB)`,
        );
      },
    );
  } finally {
    await server.stop();
  }
});
