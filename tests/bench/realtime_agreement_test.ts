/**
 * `wva bench` against `wva demo` in real time (issue 14, "faithful to real time"): the demo's
 * quick schedule runs for real — emulator servers on loopback, the gateway, the load generator
 * over HTTP, the controller's cycle on real timers — and the same setup, written as a scenario by
 * `demoScenario()` (src/core/bench/scenario/from_demo.ts) from the configuration the demo
 * recorded in its report.json, runs on the bench's virtual clock. They agree within 10 % on
 * completed requests, failures, goodput and GPU cost.
 *
 * Takes real time: the last case runs `wva demo --quick` in a subprocess, 90 s of load and about
 * 95 s of wall time with the model loading and the drain (the bench's run of the same schedule
 * takes a fraction of a second). The other cases check, in milliseconds, what the mapping relies
 * on: the bench replays the very requests the demo's load generator sends, the demo's built-in
 * constants are the ones its parts use, and examples/bench/demo-quick.yaml is the mapping.
 *
 * How small numbers are compared: a figure agrees when |bench − demo| ≤ 10 % of the demo's. For
 * failures, which are usually 0 on both sides, the bound is at least 1 % of the requests (12 of
 * the quick run's 1162): a relative bound means nothing near 0 (0 vs 1 would be "100 % off"),
 * and 1 % of the requests is the share by which those failures could move completed requests
 * and goodput, each of which must agree within 10 % anyway.
 *
 * @module
 */
import { strict as assert } from "node:assert";
import { parse as parseYaml } from "yaml";
import { engineParamsOf } from "../../emulator/core_params.ts";
import { countChatTokens } from "../../emulator/http/tokens.ts";
import { resolveEmulatorConfig } from "../../emulator/mod.ts";
import { DEFAULT_QUEUE_LIMITS } from "../../src/adapters/gateway/router.ts";
import { startLoadRun } from "../../src/adapters/loadgen/runner.ts";
import { type ArmFigures, armFigures } from "../../src/core/bench/figures.ts";
import { buildRequestPlan } from "../../src/core/bench/load/plan.ts";
import { runScenario } from "../../src/core/bench/run.ts";
import { DEMO_RUNTIME, demoScenario } from "../../src/core/bench/scenario/from_demo.ts";
import { parseScenario, type Scenario } from "../../src/core/bench/scenario/scenario.ts";
import { LoadgenOptionsSchema } from "../../src/core/load/options.ts";
import { promptText } from "../../src/core/load/request_body.ts";
import { type DemoConfig, DemoConfigSchema } from "../../src/modes/demo/config.ts";
import type { DemoReport } from "../../src/modes/demo/report.ts";
import { resolveSchedule, SCHEDULE_PROFILES } from "../../src/modes/demo/schedules.ts";

const ROOT = new URL("../../", import.meta.url);

/** The demo's setup as a bench scenario; the engines resolved as the emulator resolves them. */
function demoAsScenario(config: DemoConfig, stages: string): Scenario {
  const engines = Object.fromEntries(
    config.variants.map((v) => [
      v.name,
      engineParamsOf(resolveEmulatorConfig({ ...v.emulator, model: config.model })),
    ]),
  );
  return parseScenario(demoScenario(config, stages, engines), "demo");
}

/**
 * What the demo's load generator sends on the quick schedule, request by request: the planned
 * time (its record's `scheduledAtMs`) and the body. Its clock jumps instead of sleeping.
 */
async function loadgenSends(
  config: DemoConfig,
): Promise<{ atMs: number; body: Record<string, unknown> }[]> {
  const bodies: Record<string, unknown>[] = [];
  const planned = new Map<number, number>();
  let now = 0;
  const clock = {
    nowMs: () => now,
    sleep: (ms: number) => ((now += Math.max(0, ms)), Promise.resolve()),
  };
  const options = LoadgenOptionsSchema.parse({ // as run_demo.ts asks prepareRun
    url: "http://127.0.0.1:9/v1",
    model: config.model,
    stages: [...resolveSchedule("quick").stages],
    seed: config.load.seed,
    promptTokens: config.load.promptTokens,
    outputTokens: config.load.outputTokens,
    slo: config.load.slo,
    drainMs: config.load.drainMs,
  });
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return Promise.resolve(new Response("no", { status: 500 }));
  };
  await startLoadRun({ ...options, model: config.model }, {
    clock,
    fetch: fetch as typeof globalThis.fetch,
    onRecord: (r) => planned.set(r.index, r.scheduledAtMs),
  }).done;
  return bodies.map((body, i) => ({ atMs: planned.get(i) ?? NaN, body }));
}

Deno.test("the bench replays the very requests the demo's load generator sends", async () => {
  const config = DemoConfigSchema.parse({});
  const scenario = demoAsScenario(config, SCHEDULE_PROFILES.quick!);
  const plan = buildRequestPlan([scenario.models[0]!.load!], { seed: scenario.seed });
  const sends = await loadgenSends(config);
  assert.equal(plan.count, sends.length);
  sends.forEach(({ atMs, body }, i) => {
    const at = plan.atMs[i]!;
    assert.ok(Math.abs(at - atMs) <= 0.001, `request ${i}: at ${at} ms vs ${atMs} ms`);
    const messages = body.messages as { content: string }[];
    const engineCount = countChatTokens(messages.map((m) => ({ texts: [m.content] })));
    assert.equal(plan.promptTokens[i], engineCount, `request ${i}: prompt tokens`);
    assert.equal(plan.outputTokens[i], body.max_tokens, `request ${i}: output tokens`);
  });
});

Deno.test("the demo's built-in constants in the mapping are the ones its parts use", () => {
  assert.equal(DEFAULT_QUEUE_LIMITS.maxRequests, DEMO_RUNTIME.queueCapacity);
  assert.equal(DEFAULT_QUEUE_LIMITS.maxWaitMs, DEMO_RUNTIME.queueTtlSec * 1000);
  const loadgen = LoadgenOptionsSchema.parse({
    url: "http://x/v1",
    stages: resolveSchedule("quick").stages,
  });
  assert.equal(loadgen.timeoutMs, DEMO_RUNTIME.clientTimeoutSec * 1000);
  assert.equal(loadgen.arrival, DEMO_RUNTIME.arrival);
  const words = 100;
  assert.equal(
    countChatTokens([{ texts: [promptText(words)] }]),
    words + DEMO_RUNTIME.chatTemplateTokens,
  );
});

Deno.test("examples/bench/demo-quick.yaml is the built-in demo on the quick schedule", async () => {
  const file = parseYaml(await Deno.readTextFile(new URL("examples/bench/demo-quick.yaml", ROOT)));
  const expected = demoAsScenario(DemoConfigSchema.parse({}), SCHEDULE_PROFILES.quick!);
  assert.deepEqual(parseScenario(file, "demo-quick.yaml"), expected);
});

/** Runs `wva demo --quick` for real and returns its report.json. */
async function runDemo(): Promise<DemoReport> {
  const out = await Deno.makeTempDir({ prefix: "wva-agree-" });
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", "demo", "--quick", "--plain", "--out", out],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, `wva demo failed:\n${err}`);
    return JSON.parse(await Deno.readTextFile(`${out}/report.json`));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

interface Row {
  readonly figure: string;
  readonly demo: number;
  readonly bench: number;
  /** Largest |bench − demo| that agrees. */
  readonly bound: number;
}

function rows(report: DemoReport, f: ArmFigures): Row[] {
  const s = report.summary;
  const rel = (x: number) => 0.1 * Math.abs(x);
  const failed = s.requests - s.succeeded; // failed, cancelled or dropped: not answered in full
  return [
    { figure: "completed", demo: s.succeeded, bench: f.completed, bound: rel(s.succeeded) },
    {
      figure: "failed",
      demo: failed,
      bench: f.failed,
      bound: Math.max(rel(failed), 0.01 * s.requests),
    },
    {
      figure: "goodput/s",
      demo: s.goodput.ratePerSec ?? NaN,
      bench: f.goodputPerSec,
      bound: rel(s.goodput.ratePerSec ?? NaN),
    },
    { figure: "GPU cost", demo: s.cost.total, bench: f.cost, bound: rel(s.cost.total) },
  ];
}

function table(report: DemoReport, f: ArmFigures, out: readonly Row[], wallSec: number): string {
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));
  const events = (list: readonly { t: number; v: string; from: number; to: number }[]) =>
    list.map((e) => `${e.v} ${e.from}→${e.to} @${e.t.toFixed(0)}s`).join(", ");
  return [
    `wva demo --quick (real time, ${wallSec.toFixed(0)} s wall) vs wva bench (virtual):`,
    `  requests   ${report.summary.requests} vs ${f.requests}`,
    ...out.map((r) =>
      `  ${r.figure.padEnd(10)} ${n(r.demo).padStart(8)} ${n(r.bench).padStart(8)}` +
      `   |Δ| ${n(Math.abs(r.bench - r.demo))} ≤ ${n(r.bound)}`
    ),
    `  demo  scaling: ${
      events(report.events.map((e) => ({ t: e.tMs / 1000, v: e.variant, ...e })))
    }`,
  ].join("\n");
}

/**
 * A real run measures the system only while its one process keeps real time. On a crowded host
 * it does not get the CPU it needs (at the spike it relays some 2 000 streamed tokens a second
 * through the emulators, the gateway and the load generator): sends go out late, tokens arrive in
 * bursts and latencies grow by hundreds of ms that the emulated GPUs never caused. The load
 * generator's schedule lag shows it: p90 under 10 ms on a quiet machine, over 100 ms when
 * starved. Completed requests, failures and GPU cost do not depend on it; goodput does (a TTFT
 * bound of 500 ms). So a run whose p90 lag exceeds this is run again, and if every attempt fell
 * behind, goodput is reported but not compared.
 */
const MAX_LAG_P90_MS = 50;
const ATTEMPTS = 2;

const lagP90 = (r: DemoReport) => r.loadgen.summary.scheduleLagMs.p90;

Deno.test("wva demo --quick in real time and wva bench agree within 10 %", async () => {
  const started = performance.now();
  let report = await runDemo();
  for (let i = 1; i < ATTEMPTS && !(lagP90(report) <= MAX_LAG_P90_MS); i++) {
    console.log(`wva demo fell behind real time (schedule lag p90 ${lagP90(report)} ms): again`);
    report = await runDemo();
  }
  const wallSec = (performance.now() - started) / 1000;
  const scenario = demoAsScenario(report.config, report.schedule.spec);
  const run = runScenario(scenario)[0]!.runs[0]!;
  const f = armFigures(run);
  const kept = lagP90(report) <= MAX_LAG_P90_MS;
  const out = rows(report, f).filter((r) => kept || r.figure !== "goodput/s");
  const bench = run.scaleEvents.map((e) => `${e.variant} ${e.from}→${e.to} @${e.atMs / 1000}s`);
  const lag = report.loadgen.summary.scheduleLagMs;
  console.log(
    `${table(report, f, rows(report, f), wallSec)}\n  bench scaling: ${bench.join(", ")}\n` +
      `  demo schedule lag p50/p90/p99 ${lag.p50}/${lag.p90}/${lag.p99} ms` +
      (kept ? "" : ` — fell behind real time: goodput not compared`),
  );
  assert.equal(f.requests, report.summary.requests, "the same requests");
  for (const r of out) {
    assert.ok(
      Math.abs(r.bench - r.demo) <= r.bound,
      `${r.figure}: demo ${r.demo}, bench ${r.bench}`,
    );
  }
});
