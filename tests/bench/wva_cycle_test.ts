/**
 * wva's arms run the controller's real cycle (`decideCycle`) through the bench's adapter: they
 * scale up after a step and back down after it, keep the cycle's state from call to call, see
 * the gateway's flow-control queue as the cycle's `schedulerQueue`, actuate directly or through
 * KEDA/HPA, and give the same figures for the same seed.
 */
import { strict as assert } from "node:assert";
import { armFigures } from "../../src/core/bench/figures.ts";
import { runScenario } from "../../src/core/bench/run.ts";
import { runLoop } from "../../src/core/bench/sim/loop.ts";
import { benchSummary, summaryJson } from "../../src/core/bench/summary.ts";
import { toCycleInputs } from "../../src/core/bench/wva/cycle_adapter.ts";
import { cycleDecider, type CycleRecord } from "../../src/core/bench/wva/cycle_decider.ts";
import { EMPTY_CYCLE_STATE } from "../../src/core/contract/settings.ts";
import { observe } from "../../src/core/bench/wva/observe.ts";
import type { WvaRegistry } from "../../src/core/bench/wva/seam.ts";
import { ConfigError } from "../../src/core/util/validate.ts";
import { EXACT_VARIANT, prepare, scenario } from "./helpers.ts";

// 2 req/s, then 40 req/s for 5 min, then 1 req/s: one replica holds the low rate only.
const STEP = {
  stages: "120s@2rps,300s@40rps,600s@1rps",
  arrival: "poisson",
  promptTokens: 100,
  outputTokens: 200,
};
const stepScenario = (arms: unknown[], over: Record<string, unknown> = {}) =>
  scenario({
    inventory: { H100: 10 },
    slo: { ttftMs: 2000, itlMs: 60 },
    models: [{ name: "m", variants: [{ ...EXACT_VARIANT, maxNumSeqs: 64 }], load: STEP }],
    arms,
    ...over,
  });

function specAt(run: ReturnType<typeof runScenario>[number]["runs"][number], tSec: number): number {
  const tl = run.timeline;
  const i = tl.tSec.findIndex((t) => t >= tSec);
  return tl.variants[0]!.spec[i]!;
}

Deno.test("each analyzer's arm scales up after the step and back down after it", async (t) => {
  const [point] = runScenario(
    stepScenario(["wva-v1", "wva-v2", "wva-queueing", "wva-combined"]),
  );
  for (const run of point!.runs) {
    await t.step(run.arm.name, () => {
      const f = armFigures(run);
      assert.ok(f.maxReplicas >= 3, `${f.name} max ${f.maxReplicas}`);
      assert.ok(
        run.scaleEvents.every((e) => e.by === run.arm.name),
        "only the arm scaled",
      );
      const r = f.reactions.find((x) => x.stepAtSec === 120)!;
      assert.ok(r.scaleUpSec !== null && r.scaleUpSec <= 120, `${f.name}: ${r.scaleUpSec} s`);
      assert.ok(specAt(run, 1100) <= 2, `${f.name} at 1100 s: ${specAt(run, 1100)}`);
    });
  }
});

Deno.test("the throughput arm scales up and down when the KV cache is in its range", () => {
  // 1600-token requests: 64 sequences hold up to ~21 % of the H100 preset's KV (the analyzer
  // fits ITL(k) over k in [0.15, 0.85]; the 300-token step above stays below 4 % and never fits).
  const load = {
    stages: "120s@1rps,300s@8rps,600s@0.5rps",
    arrival: "poisson",
    promptTokens: 1000,
    outputTokens: 600,
  };
  const [point] = runScenario(scenario({
    inventory: { H100: 10 },
    slo: { ttftMs: 4000, itlMs: 100 },
    models: [{ name: "m", variants: [{ ...EXACT_VARIANT, maxNumSeqs: 64 }], load }],
    arms: ["wva-throughput"],
  }));
  const run = point!.runs[0]!;
  const f = armFigures(run);
  assert.ok(f.maxReplicas >= 3, `max ${f.maxReplicas}`);
  assert.ok(specAt(run, 1000) <= 1, `at 1000 s: ${specAt(run, 1000)}`);
});

Deno.test("the decision function keeps the cycle's state between calls, fresh per run", () => {
  const cycles: CycleRecord[] = [];
  const registry: WvaRegistry = {
    spy: cycleDecider("saturation-v2", { onCycle: (r) => cycles.push(r) }),
  };
  const s = stepScenario([{ name: "a", type: "wva", decide: "spy" }, {
    name: "b",
    type: "wva",
    decide: "spy",
  }]);
  runScenario(s, { registry });
  const starts = cycles.flatMap((c, i) => (c.stateIn === EMPTY_CYCLE_STATE ? [i] : []));
  assert.equal(starts.length, 2, "each run starts from the empty state");
  cycles.forEach((c, i) => {
    if (i > 0 && !starts.includes(i)) {
      assert.equal(c.stateIn, cycles[i - 1]!.stateOut, `cycle ${i}`);
    }
  });
  // V2 remembers the replicas' capacity: the state after a busy cycle is not the empty one.
  const busy = cycles.find((c) => c.nowMs > 200_000)!;
  assert.notDeepEqual(busy.stateOut.analyzer, EMPTY_CYCLE_STATE.analyzer);
  assert.ok(busy.report.models[0]!.steps.length > 0, "the report explains the decision");
});

Deno.test("the gateway's flow-control queue reaches the cycle as schedulerQueue", () => {
  const p = prepare(stepScenario(["wva-v2"]), "wva-v2");
  runLoop(p.world, 200_000);
  const obs = observe(p.world, { windowMs: 60_000, warmupMs: 90_000 });
  const m = obs.models[0]!;
  assert.ok(m.gatewayQueue! > 0, `queue ${m.gatewayQueue}`);
  assert.ok(m.gatewayQueueBytes! >= 4 * 100 * m.gatewayQueue!, "4 bytes per prompt token");
  const inputs = toCycleInputs(obs);
  assert.deepEqual(inputs.metrics[0]!.schedulerQueue, {
    requests: m.gatewayQueue,
    bytes: m.gatewayQueueBytes,
  });
});

Deno.test("a new pod counts as pending until the controller's warm-up has passed", () => {
  const p = prepare(stepScenario(["wva-v1"]), "wva-v1");
  runLoop(p.world, 400_000);
  const v = p.world.variants[0]!;
  const young = v.pods.filter((x) => x.readyMs > 0 && p.world.nowMs - x.readyMs < 90_000);
  assert.ok(young.length > 0, "a pod became Ready in the last 90 s");
  const at = (warmupMs: number) =>
    observe(p.world, { windowMs: 60_000, warmupMs }).models[0]!.variants[0]!;
  assert.equal(at(0).readyReplicas - at(90_000).readyReplicas, young.length);
  assert.equal(at(90_000).pendingReplicas - at(0).pendingReplicas, young.length);
});

Deno.test("a wva arm actuates through KEDA or an HPA in the samples' shapes", async (t) => {
  for (const actuation of [{ mode: "keda" }, { mode: "hpa" }]) {
    await t.step(actuation.mode, () => {
      const [p] = runScenario(stepScenario([{ preset: "wva-v2", name: "w", actuation }]));
      const run = p!.runs[0]!;
      const scaler = actuation.mode === "keda" ? ["hpa", "keda"] : ["hpa"];
      const followers = run.syncs.filter((s) => scaler.includes(s.scaler));
      assert.ok(followers.length > 50, "the HPA synced every 15 s");
      assert.ok(armFigures(run).maxReplicas >= 3);
      // Every scale-up follows a published desired count at least as large.
      for (const e of run.scaleEvents.filter((x) => x.to > x.from)) {
        const published = run.syncs.filter((s) => s.scaler === "wva" && s.atMs <= e.atMs);
        assert.ok(published.some((s) => s.replicas >= e.to), `${e.to} at ${e.atMs}`);
      }
    });
  }
});

Deno.test("same seed, same figures for wva arms; another seed, other figures", () => {
  const s = stepScenario(["wva-v1", "wva-v2", "wva-queueing", {
    preset: "wva-v2",
    name: "wva-v2-keda",
    actuation: { mode: "keda" },
  }]);
  const json = (seed: number) =>
    summaryJson(benchSummary(runScenario(s, { seed }), { scenario: "t", seed, wallSeconds: 1 }));
  const a = json(5), b = json(5), c = json(6);
  assert.equal(a, b);
  assert.notEqual(a, c);
});

Deno.test("bad settings of a wva arm are reported when the scenario is parsed", async (t) => {
  const cases = [
    {
      arm: { preset: "wva-v1", settings: { limiter: "yes" } },
      want: /arms\[0\]\.settings\.limiter/,
    },
    {
      arm: { preset: "wva-v2", settings: { saturation: { kvCacheThreshold: 2 } } },
      want: /arms\[0\]\.settings\.saturation\.kvCacheThreshold: .*\(got 2\)/,
    },
    { arm: { preset: "wva-v1", settings: { nope: 1 } }, want: /arms\[0\]\.settings: .*nope/ },
    {
      arm: { preset: "wva-combined", settings: { analyzers: [{ name: "magic" }] } },
      want: /arms\[0\]\.settings\.analyzers\[0\]\.name: unknown analyzer.*\(got "magic"\)/,
    },
    {
      arm: { preset: "wva-v1", actuation: { mode: "keda", scaledObject: { pollingInterval: 0 } } },
      want: /arms\[0\]\.actuation\.scaledObject\.pollingInterval/,
    },
  ];
  for (const c of cases) {
    await t.step(String(c.want), () => {
      try {
        stepScenario([c.arm]);
        assert.fail("parsed");
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.ok(err.problems.some((p) => c.want.test(p)), err.problems.join("\n"));
      }
    });
  }
});
