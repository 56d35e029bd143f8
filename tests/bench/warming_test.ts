/**
 * The bench names the pods still in the controller's warm-up to the cycle (as the Kubernetes
 * backend does), so a warming pod that already reports load no longer holds saturation V1's
 * scale-up for the rest of the 90 s (src/core/cycle/warm.ts).
 */
import { strict as assert } from "node:assert";
import { runLoop } from "../../src/core/bench/sim/loop.ts";
import { toCycleInputs } from "../../src/core/bench/wva/cycle_adapter.ts";
import { cycleDecider, type CycleRecord } from "../../src/core/bench/wva/cycle_decider.ts";
import { observe } from "../../src/core/bench/wva/observe.ts";
import type { WvaRegistry } from "../../src/core/bench/wva/seam.ts";
import { READY } from "../../src/core/bench/sim/types.ts";
import { EXACT_VARIANT, prepare, scenario } from "./helpers.ts";

const STEP = {
  stages: "60s@2rps,600s@40rps",
  arrival: "poisson",
  promptTokens: 100,
  outputTokens: 200,
};
const stepScenario = (arms: unknown[]) =>
  scenario({
    inventory: { H100: 10 },
    slo: { ttftMs: 2000, itlMs: 60 },
    models: [{ name: "m", variants: [{ ...EXACT_VARIANT, maxNumSeqs: 64 }], load: STEP }],
    arms,
  });

Deno.test("the pods within the warm-up reach the cycle as warmingReplicaIds", () => {
  const p = prepare(stepScenario(["wva-v1"]), "wva-v1");
  runLoop(p.world, 300_000);
  const w = p.world;
  const young = w.variants[0]!.pods.filter((x) =>
    x.state === READY && x.readyMs > 0 && w.nowMs - x.readyMs < 90_000
  ).map((x) => x.name);
  assert.ok(young.length > 0, "a pod became Ready in the last 90 s");
  const v = toCycleInputs(observe(w, { windowMs: 60_000, warmupMs: 90_000 })).snapshot.variants[0]!;
  assert.deepEqual(v.warmingReplicaIds, young);
  const none = toCycleInputs(observe(w, { windowMs: 60_000, warmupMs: 0 })).snapshot.variants[0]!;
  assert.equal(none.warmingReplicaIds, undefined, "no warm-up: none warming");
});

Deno.test("V1 decides on a warming pod's own report instead of holding for the warm-up", () => {
  const cycles: CycleRecord[] = [];
  const registry: WvaRegistry = {
    spy: cycleDecider("saturation-v1", { onCycle: (r) => cycles.push(r) }),
  };
  const p = prepare(stepScenario([{ name: "v1", type: "wva", decide: "spy" }]), "v1", registry);
  runLoop(p.world, 600_000);
  // A cycle that saw a warming pod report load and still decided (not "in-transition").
  const decidedOnWarm = cycles.filter((c) => {
    const v = c.inputs.snapshot.variants[0]!;
    const warming = new Set(v.warmingReplicaIds ?? []);
    const reported = c.inputs.metrics[0]!.replicas.some((r) =>
      warming.has(r.replicaId) && (r.runningRequests ?? 0) > 0
    );
    return reported && v.pendingReplicas === warming.size &&
      c.report.variants[0]!.reason !== "in-transition";
  });
  // before: every such cycle was "in-transition" (held until 90 s after Ready)
  assert.ok(decidedOnWarm.length > 0, "a warming pod's report was used");
});
