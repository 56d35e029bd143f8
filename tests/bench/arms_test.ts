import { strict as assert } from "node:assert";
import { armFigures } from "../../src/core/bench/figures.ts";
import { runScenario } from "../../src/core/bench/run.ts";
import { runLoop } from "../../src/core/bench/sim/loop.ts";
import { benchSummary, summaryJson } from "../../src/core/bench/summary.ts";
import { type CycleInputs, viaCycleInputs } from "../../src/core/bench/wva/cycle_adapter.ts";
import type { WvaRegistry } from "../../src/core/bench/wva/seam.ts";
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

Deno.test("HPA arms scale up after a step; the legacy path holds for the 300 s window, the fork's does not", () => {
  const [point] = runScenario(stepScenario(["hpa-fork", "hpa-default"]));
  const [fork, legacy] = point!.runs;
  for (const run of [fork!, legacy!]) {
    const f = armFigures(run);
    assert.ok(f.maxReplicas >= 3, `${f.name} max ${f.maxReplicas}`);
    const r = f.reactions.find((x) => x.stepAtSec === 120)!;
    assert.ok(
      r.scaleUpSec !== null && r.scaleUpSec <= 30,
      `${f.name} reacted after ${r.scaleUpSec} s`,
    );
    assert.ok(r.readySec !== null && r.readySec >= 60, "new pods need the 60 s load");
  }
  // Load drops at 420 s. The fork's HPA removes one pod per 15 s right away; the legacy HPA keeps
  // the highest recommendation of the last 300 s.
  assert.ok(specAt(fork!, 600) <= 2, `fork at 600 s: ${specAt(fork!, 600)}`);
  assert.ok(specAt(legacy!, 600) >= 3, `legacy at 600 s: ${specAt(legacy!, 600)}`);
  assert.ok(specAt(legacy!, 900) <= 2, `legacy at 900 s: ${specAt(legacy!, 900)}`);
});

Deno.test("a metric delay makes the HPA react later", () => {
  const react = (delaySec: number) => {
    const [p] = runScenario(stepScenario(["hpa-fork"], { faults: { metricDelaySec: delaySec } }));
    return armFigures(p!.runs[0]!).reactions.find((x) => x.stepAtSec === 120)!.scaleUpSec!;
  };
  assert.ok(react(60) >= react(0) + 45, `${react(60)} vs ${react(0)}`);
});

Deno.test("KEDA activates from zero and scales back to zero after the cooldown", () => {
  const s = scenario({
    models: [{
      name: "m",
      variants: [{ ...EXACT_VARIANT, minReplicas: 0, initialReplicas: 0 }],
      load: { stages: "60s@1rps,600s@0rps", arrival: "constant" },
    }],
    arms: [{
      name: "keda-zero",
      type: "keda",
      scaledObject: {
        minReplicaCount: 0,
        maxReplicaCount: 4,
        pollingInterval: 15,
        cooldownPeriod: 120,
        triggers: [{
          name: "queue",
          metadata: { query: "sum(llm_d_epp_flow_control_queue_size)", threshold: 1 },
        }],
      },
    }],
    gateway: { queueTtlSec: 120 },
  });
  const [p] = runScenario(s);
  const run = p!.runs[0]!;
  const f = armFigures(run);
  assert.equal(f.completed, f.requests, "every request waited for the cold start");
  const up = run.scaleEvents.find((e) => e.to === 1)!;
  assert.ok(up.atMs <= 15_000 + 15_000, `activated at ${up.atMs} ms (scrape + poll)`);
  const down = run.scaleEvents.find((e) => e.to === 0)!;
  assert.ok(down.atMs > 60_000 + 120_000, `scaled to zero at ${down.atMs} ms, after the cooldown`);
});

/** A stub rule through the cycle adapter: one replica per 32 requests running or waiting. */
function stubRegistry(seen: CycleInputs[]): WvaRegistry {
  return {
    stub: () =>
      viaCycleInputs((inputs) => {
        seen.push(inputs);
        let inSystem = 0;
        for (const r of inputs.metrics[0]?.replicas ?? []) {
          inSystem += (r.runningRequests ?? 0) + (r.queueLength ?? 0);
        }
        const v = inputs.snapshot.variants[0]!;
        return new Map([[v.name, Math.max(1, Math.ceil(inSystem / 32))]]);
      }),
  };
}

Deno.test("a wva arm applies its decision function directly or through an HPA", async (t) => {
  for (const actuation of [{ mode: "direct" }, { mode: "hpa" }]) {
    await t.step(actuation.mode, () => {
      const seen: CycleInputs[] = [];
      const s = stepScenario([{
        name: "wva-stub",
        type: "wva",
        decide: "stub",
        intervalSec: 30,
        actuation,
      }]);
      const [p] = runScenario(s, { registry: stubRegistry(seen) });
      const f = armFigures(p!.runs[0]!);
      assert.ok(f.maxReplicas >= 6, `max ${f.maxReplicas}`);
      assert.ok(seen.length >= 30, "called every 30 s");
      const busy = seen.find((x) => x.nowMs > 300_000)!;
      const v = busy.snapshot.variants[0]!;
      assert.equal(v.namespace, "bench");
      assert.equal(v.perf?.alphaMs, 10);
      assert.ok(
        busy.metrics[0]!.replicas.length >= 1 && busy.metrics[0]!.replicas[0]!.kvUsage01! > 0,
      );
    });
  }
  assert.throws(
    () => runScenario(stepScenario([{ name: "wva-x", type: "wva", decide: "missing" }])),
    /arm wva-x: no decision function "missing"/,
  );
});

Deno.test("same seed, same figures; another seed, other figures", () => {
  const s = stepScenario(["hpa-fork", "keda-queue-guard"], { faults: { scrapeLoss01: 0.2 } });
  const json = (seed: number) =>
    summaryJson(benchSummary(runScenario(s, { seed }), { scenario: "t", seed, wallSeconds: 1 }));
  const a = json(5), b = json(5), c = json(6);
  assert.equal(a, b);
  assert.notEqual(a, c);
});

Deno.test("prepared arms can be stepped: initial replicas are Ready at 0", () => {
  const p = prepare(stepScenario(["hpa-fork"]));
  runLoop(p.world, 0);
  assert.equal(p.world.variants[0]!.pods.length, 1);
  assert.equal(p.world.models[0]!.routable.length, 1);
});
