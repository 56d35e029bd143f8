/**
 * The second-thread experiment of issue 16 (docs/emulator.md, "A second HTTP thread"): how many
 * short POSTs per second Deno answers, and at what server CPU per request, when HTTP runs
 *
 * - `main`: on the main thread (as `wva emulator` does today);
 * - `workers`: on N worker threads sharing the port (`Deno.serve({ reusePort })`, which needs
 *   `--unstable-net` in Deno 2.9), each answering on its own;
 * - `forward`: on N worker threads that forward every request to the main thread — where the
 *   emulator's one engine would stay — and back, over postMessage, batched per turn.
 *
 * The handler parses the JSON body and returns a fixed completion: no emulator work, so the
 * figures bound what threading can give and show what the forwarding alone costs. Run through
 * `deno run -A scripts/bench_emulator.ts --threads` (the servers are subprocesses of this file
 * with `--unstable-net`; the client is `wrk`).
 *
 * @module
 */
import { freePort, waitForHttp } from "../../tests/helpers/ports.ts";
import { processCpuTicks } from "./proc.ts";
import { wrkRate } from "./bench_wrk.ts";

/** Where the HTTP work runs. */
export type ThreadMode = "main" | "workers" | "forward";

/** One measurement. */
export interface ThreadRow {
  readonly mode: ThreadMode;
  readonly workers: number;
  readonly concurrency: number;
  readonly requestsPerSec: number;
  /** Server CPU (user + system, every thread) per request, ms. */
  readonly cpuPerRequestMs: number;
  /** /proc/loadavg (1, 5, 15 min) when the row started. */
  readonly load: string;
}

const ANSWER = JSON.stringify({
  id: "cmpl-bench",
  object: "text_completion",
  created: 0,
  model: "wva-bench",
  choices: [{ index: 0, text: " hello", logprobs: null, finish_reason: "length" }],
  usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
});
const JSON_HEADERS = { "content-type": "application/json" };
const WORKER_NAME = "wva-bench-http";

function answer(text: string): string {
  const body = JSON.parse(text) as { prompt?: unknown };
  if (typeof body.prompt !== "string") throw new Error("prompt must be a string");
  return ANSWER;
}

/** The main thread's side of `forward`: answers each batch a worker posts. */
function serveForwarded(worker: Worker): void {
  worker.onmessage = (e: MessageEvent<[number, string][]>) => {
    worker.postMessage(e.data.map(([id, text]) => [id, answer(text)]));
  };
}

/** A worker: serves on the shared port, answering itself or through the main thread. */
function runWorker(port: number, forward: boolean): void {
  const scope = globalThis as unknown as {
    postMessage(m: unknown): void;
    onmessage: ((e: MessageEvent) => void) | null;
  };
  const pending = new Map<number, (text: string) => void>();
  let nextId = 0, batch: [number, string][] = [], flushing = false;
  const flush = () => {
    flushing = false;
    scope.postMessage(batch);
    batch = [];
  };
  scope.onmessage = (e: MessageEvent<[number, string][]>) => {
    for (const [id, text] of e.data) {
      pending.get(id)?.(text);
      pending.delete(id);
    }
  };
  Deno.serve({ port, reusePort: true, onListen() {} }, async (req) => {
    if (req.method !== "POST") return new Response("ok");
    const text = await req.text();
    if (!forward) return new Response(answer(text), { headers: JSON_HEADERS });
    const id = nextId++;
    const reply = new Promise<string>((resolve) => pending.set(id, resolve));
    batch.push([id, text]);
    if (!flushing) {
      flushing = true;
      queueMicrotask(flush);
    }
    return new Response(await reply, { headers: JSON_HEADERS });
  });
}

/** The server process: `serve MODE PORT WORKERS`. */
function serve(mode: ThreadMode, port: number, workers: number): void {
  if (mode === "main") {
    Deno.serve(
      { port, onListen() {} },
      async (req) =>
        req.method === "POST"
          ? new Response(answer(await req.text()), { headers: JSON_HEADERS })
          : new Response("ok"),
    );
    return;
  }
  for (let i = 0; i < workers; i++) {
    const w = new Worker(import.meta.url, { type: "module", name: WORKER_NAME });
    if (mode === "forward") serveForwarded(w);
    else w.onmessage = () => {};
    w.postMessage({ port, forward: mode === "forward" });
  }
}

function loadavg(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}

async function measure(
  mode: ThreadMode,
  o: { readonly workers: number; readonly concurrency: number; readonly seconds: number },
): Promise<ThreadRow> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      import.meta.url,
      "serve",
      mode,
      `${port}`,
      `${o.workers}`,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, 30_000);
    await new Promise((r) => setTimeout(r, 300)); // every worker listening
    await wrkRate(url, o.concurrency, 1); // warm-up
    const load = loadavg(), c0 = processCpuTicks(child.pid);
    const rps = await wrkRate(url, o.concurrency, o.seconds);
    const cpuSec = (processCpuTicks(child.pid) - c0) / 100;
    const cpuPerRequestMs = (1000 * cpuSec) / Math.max(1, rps * o.seconds);
    return {
      mode,
      workers: o.workers,
      concurrency: o.concurrency,
      requestsPerSec: rps,
      cpuPerRequestMs,
      load,
    };
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Runs every mode `rounds` times, interleaved (the machine's load moves between rows). */
export async function threadsExperiment(o: {
  readonly rounds: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly workers: number;
}): Promise<ThreadRow[]> {
  const rows: ThreadRow[] = [];
  for (let r = 0; r < o.rounds; r++) {
    for (const mode of ["main", "workers", "forward"] as const) rows.push(await measure(mode, o));
  }
  return rows;
}

/** The rows as a text table. */
export function formatThreads(rows: readonly ThreadRow[]): string {
  const lines = [
    "Second HTTP thread (no emulator work: JSON in, fixed JSON out; wrk client)",
    "| where HTTP runs | workers | concurrency | requests/s | server CPU per request | load 1/5/15 |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.mode} | ${r.mode === "main" ? "—" : r.workers} | ${r.concurrency} | ${
        Math.round(r.requestsPerSec)
      } | ${r.cpuPerRequestMs.toFixed(3)} ms | ${r.load} |`,
    );
  }
  return lines.join("\n");
}

if ("WorkerGlobalScope" in globalThis && (globalThis as { name?: string }).name === WORKER_NAME) {
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null };
  scope.onmessage = (e: MessageEvent<{ port: number; forward: boolean }>) => {
    scope.onmessage = null;
    runWorker(e.data.port, e.data.forward);
  };
} else if (import.meta.main && Deno.args[0] === "serve") {
  serve(Deno.args[1] as ThreadMode, Number(Deno.args[2]), Number(Deno.args[3] ?? 2));
}
