/**
 * Benchmark of one `wva emulator` process on loopback (bounded: about a minute by default).
 *
 * 1. ITL accuracy: N concurrent streams (default 1, 64, 512, 2000) against the A100 preset
 *    (alpha 20.58 ms, beta 0.41 ms). Each stream asks for a fixed number of tokens; the
 *    client timestamps every token. In the window where all N streams are decoding, the
 *    batch is N, so the model's inter-token latency is alpha + beta·N; the measured mean gap
 *    is compared with it (error in %), with the p50/p99 gap as a ratio of the model.
 * 2. Throughput: closed-loop clients send short non-streaming completions (max_tokens 4,
 *    alpha 1 ms, beta 0) for a few seconds at several concurrencies; the best requests/s is
 *    the highest sustained rate.
 *
 * The emulator runs in its own process (spawned from main.ts); this script is the load
 * generator (raw fetch + a byte scanner, no JSON parsing). CPU use of both processes and of
 * the whole machine (2 cores shared with other work) is printed with each figure.
 *
 * A second ITL row runs 2000 streams with a faster model (alpha 20 ms, beta 0.1 ms: a 220 ms
 * step, about 9,000 tokens/s) to load the server harder than the A100 preset does.
 *
 * Usage: deno run -A scripts/bench_emulator.ts [--streams 1,64,512,2000] [--fast-streams 2000]
 *        [--fast-beta 0.1] [--max-tokens-time 6000] [--throughput-concurrency 16,64,256]
 *        [--throughput-sec 4] [--json FILE]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { freePort, waitForHttp } from "../tests/helpers/ports.ts";
import { percentile } from "../src/core/util/stats.ts";
import { processCpuTicks } from "./lib/proc.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const A100 = { alphaMs: 20.58, betaMs: 0.41 };

/** Latency model of one ITL scenario. */
interface Model {
  readonly alphaMs: number;
  readonly betaMs: number;
}

interface Emulator {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function spawnEmulator(flags: readonly string[]): Promise<Emulator> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "emulator",
      "--port",
      String(port),
      "--log-level",
      "warn",
      ...flags,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/ready`, 30_000);
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

function flagArgs(flags: Readonly<Record<string, number>>): string[] {
  return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]);
}

/** CPU ticks (1/100 s) of a process, and busy/total ticks of the machine. */
function cpuTicks(pid: number): { proc: number; busy: number; total: number } {
  const proc = processCpuTicks(pid);
  const cpu = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.trim().split(/\s+/).slice(1).map(
    Number,
  );
  const idle = cpu[3]! + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { proc, busy: total - idle, total };
}

interface CpuUse {
  readonly emulatorPct: number;
  readonly clientPct: number;
  /** Share of all cores busy (100 % = every core busy). */
  readonly machinePct: number;
}

async function measureCpu<T>(
  emuPid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: CpuUse }> {
  const e0 = cpuTicks(emuPid), c0 = cpuTicks(Deno.pid), t0 = performance.now();
  const result = await fn();
  const e1 = cpuTicks(emuPid), c1 = cpuTicks(Deno.pid), sec = (performance.now() - t0) / 1000;
  return {
    result,
    cpu: {
      emulatorPct: (e1.proc - e0.proc) / sec,
      clientPct: (c1.proc - c0.proc) / sec,
      machinePct: (100 * (e1.busy - e0.busy)) / Math.max(1, e1.total - e0.total),
    },
  };
}

/** Streams one completion and returns the arrival time of each token frame. */
async function streamTokens(url: string, maxTokens: number): Promise<Float64Array> {
  const res = await fetch(`${url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: "bench", max_tokens: maxTokens, stream: true }),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const times = new Float64Array(maxTokens);
  const reader = res.body.getReader();
  let frames = 0, prevNewline = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = performance.now();
    for (let i = 0; i < value.length; i++) {
      if (value[i] !== 10) {
        prevNewline = false;
        continue;
      }
      if (prevNewline) {
        if (frames < maxTokens) times[frames] = now;
        frames++;
        prevNewline = false;
      } else prevNewline = true;
    }
  }
  if (frames < maxTokens) throw new Error(`stream ended after ${frames} of ${maxTokens} frames`);
  return times;
}

interface ItlResult {
  readonly model: Model;
  readonly streams: number;
  readonly tokensPerStream: number;
  readonly modelItlMs: number;
  readonly meanItlMs: number;
  readonly errorPct: number;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly windowMs: number;
  readonly rampMs: number;
  readonly tokensPerSec: number;
  readonly cpu: CpuUse;
}

async function itlScenario(n: number, model: Model, budgetMs: number): Promise<ItlResult> {
  const modelItlMs = model.alphaMs + model.betaMs * n;
  const tokens = Math.max(20, Math.ceil(budgetMs / modelItlMs));
  const emu = await spawnEmulator(flagArgs({
    alpha: model.alphaMs,
    beta: model.betaMs,
    gamma: 0,
    delta: 0,
    "max-num-seqs": Math.max(256, n),
    "max-waiting-queue": n,
    "max-model-len": tokens + 64,
    "kv-cache-blocks": Math.ceil(((tokens + 64) * n) / 16) + 64,
  }));
  try {
    const t0 = performance.now();
    const { result: runs, cpu } = await measureCpu(
      emu.pid,
      () => Promise.all(Array.from({ length: n }, () => streamTokens(emu.url, tokens))),
    );
    const start = Math.max(...runs.map((t) => t[0]!));
    const end = Math.min(...runs.map((t) => t[t.length - 1]!));
    const perStream: number[] = [], gaps: number[] = [];
    for (const t of runs) {
      const inside = Array.from(t).filter((x) => x >= start && x <= end);
      if (inside.length < 2) continue;
      perStream.push((inside.at(-1)! - inside[0]!) / (inside.length - 1));
      for (let i = 1; i < inside.length; i++) gaps.push(inside[i]! - inside[i - 1]!);
    }
    const meanItlMs = perStream.reduce((a, b) => a + b, 0) / Math.max(1, perStream.length);
    const totalSec = (Math.max(...runs.map((t) => t[t.length - 1]!)) - t0) / 1000;
    return {
      model,
      streams: n,
      tokensPerStream: tokens,
      modelItlMs,
      meanItlMs,
      errorPct: (100 * (meanItlMs - modelItlMs)) / modelItlMs,
      p50Ratio: percentile(gaps, 50) / modelItlMs,
      p99Ratio: percentile(gaps, 99) / modelItlMs,
      windowMs: end - start,
      rampMs: start - t0,
      tokensPerSec: (n * tokens) / totalSec,
      cpu,
    };
  } finally {
    await emu.stop();
  }
}

interface ThroughputResult {
  readonly concurrency: number;
  readonly requestsPerSec: number;
  readonly errors: number;
  readonly meanLatencyMs: number;
  readonly cpu: CpuUse;
}

async function throughputScenario(concurrency: number, seconds: number): Promise<ThroughputResult> {
  const emu = await spawnEmulator(flagArgs({
    alpha: 1,
    beta: 0,
    gamma: 0,
    delta: 0,
    "max-num-seqs": 1024,
    "max-waiting-queue": 10_000,
  }));
  const body = JSON.stringify({ prompt: "short", max_tokens: 4 });
  let done = 0, errors = 0, latencySum = 0;
  async function worker(until: number, count: boolean): Promise<void> {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(`${emu.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await res.arrayBuffer();
      if (!count) continue;
      if (res.ok) {
        done++;
        latencySum += performance.now() - t;
      } else errors++;
    }
  }
  try {
    const warm = performance.now() + 500;
    await Promise.all(Array.from({ length: concurrency }, () => worker(warm, false)));
    const t0 = performance.now();
    const { cpu } = await measureCpu(
      emu.pid,
      () =>
        Promise.all(Array.from({ length: concurrency }, () => worker(t0 + seconds * 1000, true))),
    );
    const sec = (performance.now() - t0) / 1000;
    return {
      concurrency,
      requestsPerSec: done / sec,
      errors,
      meanLatencyMs: latencySum / Math.max(1, done),
      cpu,
    };
  } finally {
    await emu.stop();
  }
}

function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

function cpuText(c: CpuUse): string {
  return `emu ${fmt(c.emulatorPct, 0)}%/core, client ${fmt(c.clientPct, 0)}%/core, ` +
    `machine ${fmt(c.machinePct, 0)}% busy`;
}

function itlRow(r: ItlResult): string {
  const sign = r.errorPct >= 0 ? "+" : "";
  return [
    `${r.model.alphaMs}/${r.model.betaMs}`,
    r.streams,
    r.tokensPerStream,
    fmt(r.modelItlMs, 2),
    fmt(r.meanItlMs, 2),
    `${sign}${fmt(r.errorPct, 2)}`,
    fmt(r.p50Ratio, 3),
    fmt(r.p99Ratio, 3),
    fmt(r.tokensPerSec, 0),
    fmt(r.rampMs, 0),
    cpuText(r.cpu),
  ].join(" | ");
}

async function main(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      streams: { type: "string", default: "1,64,512,2000" },
      "fast-streams": { type: "string", default: "2000" },
      "fast-beta": { type: "string", default: "0.1" },
      "max-tokens-time": { type: "string", default: "6000" },
      "throughput-concurrency": { type: "string", default: "16,64,256" },
      "throughput-sec": { type: "string", default: "4" },
      json: { type: "string" },
    },
  });
  const list = (s: string) => s.split(",").map((x) => Number(x.trim())).filter((x) => x > 0);
  const budgetMs = Number(values["max-tokens-time"]);
  const fast: Model = { alphaMs: 20, betaMs: Number(values["fast-beta"]) };
  const scenarios = [
    ...list(values.streams!).map((n) => ({ n, model: A100 })),
    ...(fast.betaMs > 0 ? list(values["fast-streams"]!).map((n) => ({ n, model: fast })) : []),
  ];
  const load0 = Deno.readTextFileSync("/proc/loadavg").trim();
  console.log(`# wva emulator benchmark: loopback, ${navigator.hardwareConcurrency} cores`);
  console.log(`loadavg before: ${load0}`);
  console.log("\n## ITL accuracy (batch = streams; model ITL = alpha + beta * streams)");
  console.log(
    "alpha/beta ms | streams | tokens | model ms | measured ms | error % | p50/model | " +
      "p99/model | tok/s | ramp ms | cpu",
  );
  const itl: ItlResult[] = [];
  for (const { n, model } of scenarios) {
    const r = await itlScenario(n, model, budgetMs);
    itl.push(r);
    console.log(itlRow(r));
  }
  console.log("\n## Throughput: short non-streaming completions (max_tokens 4, alpha 1 ms)");
  console.log("concurrency | requests/s | mean latency ms | errors | cpu");
  const thr: ThroughputResult[] = [];
  for (const c of list(values["throughput-concurrency"]!)) {
    const r = await throughputScenario(c, Number(values["throughput-sec"]));
    thr.push(r);
    const row = [c, fmt(r.requestsPerSec, 0), fmt(r.meanLatencyMs, 2), r.errors, cpuText(r.cpu)];
    console.log(row.join(" | "));
  }
  const within = itl.filter((r) => Math.abs(r.errorPct) <= 5).map((r) => r.streams);
  const best = Math.max(0, ...thr.map((r) => r.requestsPerSec));
  console.log("\n## Summary");
  console.log(`most concurrent streams with |ITL error| <= 5 %: ${Math.max(0, ...within)}`);
  console.log(`highest sustained requests/s (short completions): ${fmt(best, 0)}`);
  console.log(`loadavg after: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
  if (values.json) {
    const report = { loadavgBefore: load0, itl, throughput: thr };
    await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2));
  }
}

if (import.meta.main) await main(Deno.args);
