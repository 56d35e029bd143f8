import assert from "node:assert/strict";
import { createAllocation, isSaturated, scaleAllocation, transitionPenalty } from "./allocation.ts";
import { indexSystem, type ServerSpec, type SystemSpec } from "./system.ts";

/** The pkg/core fixture of model.md §13.2. */
function fixture(server: Partial<ServerSpec> = {}, model: "gen1" | "gen2" = "gen2"): SystemSpec {
  return {
    accelerators: [{ name: "test-gpu", type: "T", multiplicity: 1, cost: 100 }],
    serviceClasses: [{
      name: "c",
      model: "m",
      priority: 10,
      sloItlMs: 50,
      sloTtwMs: 0,
      sloTtftMs: 100,
      sloTps: 0,
    }],
    models: [{
      model: "m",
      accelerator: "test-gpu",
      accCount: 1,
      alphaMs: 5,
      betaMs: 2,
      gammaMs: 10,
      deltaMs: 1.5,
      maxBatchSize: 16,
      atTokens: 200,
    }],
    servers: [{
      name: "s",
      serviceClass: "c",
      model: "m",
      keepAccelerator: false,
      minNumReplicas: 1,
      maxBatchSize: 0,
      currentAlloc: undefined,
      load: { arrivalRateRpm: 0, avgLength: 200, avgInTokens: 100, avgOutTokens: 200 },
      ...server,
    }],
    capacity: [],
    optimizer: { unlimited: true, saturationPolicy: "None", delayedBestEffort: false, model },
  };
}

const alloc = (spec: SystemSpec) =>
  createAllocation(indexSystem(spec), spec.servers[0]!, "test-gpu");

Deno.test("createAllocation() zero load on the core fixture (model.md §13.2)", async (t) => {
  await t.step("replicas 1, batch 16, cost 100, value 100, max rate 0.3298969/ms", () => {
    const a = alloc(fixture());
    assert.ok(!("reason" in a));
    assert.deepEqual([a.accelerator, a.numReplicas, a.maxBatch, a.cost, a.value], [
      "test-gpu",
      1,
      16,
      100,
      100,
    ]);
    assert.ok(Math.abs(a.maxArrvRatePerReplicaPerMs - 0.3298969) < 1e-6);
  });
  await t.step("minReplicas 0 → empty allocation", () => {
    const a = alloc(fixture({ minNumReplicas: 0 }));
    assert.ok(!("reason" in a));
    assert.deepEqual([a.accelerator, a.numReplicas, a.maxBatch, a.cost], ["", 0, 0, 0]);
  });
  await t.step("server batch 8, unit cost 50, accCount 2 → 1 replica, batch 8, cost 100", () => {
    const spec = fixture({ maxBatchSize: 8 });
    const s2: SystemSpec = {
      ...spec,
      accelerators: [{ ...spec.accelerators[0]!, cost: 50 }],
      models: [{ ...spec.models[0]!, accCount: 2 }],
    };
    const a = alloc(s2);
    assert.ok(!("reason" in a));
    assert.deepEqual([a.numReplicas, a.maxBatch, a.cost], [1, 8, 100]);
  });
  await t.step("infeasible: 1200 rpm with TTFT 1 ms and ITL 0.1 ms", () => {
    const spec = fixture({
      load: { arrivalRateRpm: 1200, avgLength: 200, avgInTokens: 100, avgOutTokens: 200 },
    });
    const s2 = {
      ...spec,
      serviceClasses: [{ ...spec.serviceClasses[0]!, sloItlMs: 0.1, sloTtftMs: 1 }],
    };
    assert.ok("reason" in alloc(s2));
  });
});

Deno.test("isSaturated() compares the rate with replicas × maxRPM (§13.2: 15000 F, 19794 T, 25000 T, 0 F)", async (t) => {
  const a = alloc(fixture());
  assert.ok(!("reason" in a));
  for (const [rpm, want] of [[15000, false], [19794, true], [25000, true], [0, false]] as const) {
    await t.step(`${rpm} rpm → ${want}`, () => assert.equal(isSaturated(a, rpm), want));
  }
});

Deno.test("transitionPenalty() (§13.2)", async (t) => {
  const from = { accelerator: "test-gpu", numReplicas: 1, cost: 100 };
  await t.step(
    "same accelerator and replicas → 0",
    () => assert.equal(transitionPenalty(from, from), 0),
  );
  await t.step("same accelerator, cost 150 → 50", () => {
    assert.equal(
      transitionPenalty(from, { accelerator: "test-gpu", numReplicas: 2, cost: 150 }),
      50,
    );
  });
  await t.step("other accelerator, cost 120 → 0.1·220 + 20 = 42", () => {
    const p = transitionPenalty(from, { accelerator: "other", numReplicas: 1, cost: 120 });
    assert.ok(Math.abs(p - 42) < 1e-4);
  });
});

Deno.test("scaleAllocation() scales cost and value by granted/needed", () => {
  const a = alloc(fixture({ minNumReplicas: 4 }));
  assert.ok(!("reason" in a));
  const half = scaleAllocation(a, 2);
  assert.deepEqual([half.numReplicas, half.cost, half.value], [2, 200, 200]);
});
