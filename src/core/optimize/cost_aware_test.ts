import assert from "node:assert/strict";
import type { z } from "zod";
import {
  type CapacityAnalysis,
  parseModelObservation,
  type V1Analysis,
  type VariantObservationSchema,
} from "../contract/types.ts";
import { optimizeModel } from "./cost_aware.ts";

type VariantInput = z.input<typeof VariantObservationSchema>;

const metrics = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => ({ replicaId: `r${i}`, kvUsage01: 0.5, queueLength: 1, runningRequests: 2 }),
  );

function variant(
  name: string,
  cost: number,
  replicas: number,
  extra: Partial<VariantInput> = {},
): VariantInput {
  return {
    name,
    accelerator: name.toUpperCase(),
    costPerReplica: cost,
    currentReplicas: replicas,
    readyReplicas: replicas,
    replicas: metrics(replicas),
    ...extra,
  };
}

const model = (...variants: VariantInput[]) =>
  parseModelObservation({ modelId: "m", namespace: "ns", variants });

const v1 = (scaleUp: boolean, scaleDownSafe: boolean): V1Analysis => ({
  kind: "saturation-v1",
  scaleUp,
  scaleDownSafe,
  avgSpareKv01: 0,
  avgSpareQueue: 0,
  nonSaturatedReplicas: 0,
  totalReplicas: 0,
  steps: [],
});

const targets = (d: ReturnType<typeof optimizeModel>) =>
  Object.fromEntries(d.variants.map((v) => [v.variant, v.targetReplicas]));

Deno.test("V1 targets follow model.md §13.4", async (t) => {
  const three = model(variant("a", 20, 2), variant("b", 5, 2), variant("c", 15, 2));
  await t.step("scale-up: the cheapest (cost 5) → 3, others stay 2", () => {
    const d = optimizeModel(three, v1(true, false));
    assert.deepEqual(targets(d), { a: 2, b: 3, c: 2 });
    assert.equal(d.variants[1]!.reason, "scale-up");
    assert.equal(d.variants[1]!.steps[0]!.rule, "v1.scale-up");
  });
  await t.step("scale-down: the most expensive (cost 20) → 1, others stay 2", () => {
    const d = optimizeModel(three, v1(false, true));
    assert.deepEqual(targets(d), { a: 1, b: 2, c: 2 });
    assert.equal(d.variants[0]!.reason, "scale-down");
  });
  await t.step(
    "one variant desired 4 ≠ current 2 is not a transition (issue 12 case 3): the cheapest +1",
    () => {
      // model.md §13.4 (WVA) held the model here, forever if the target never reaches 4.
      const m = model(
        variant("a", 20, 2, { previousDesiredReplicas: 4 }),
        variant("b", 5, 2),
        variant("c", 15, 2),
      );
      const d = optimizeModel(m, v1(true, false));
      assert.deepEqual(targets(d), { a: 2, b: 3, c: 2 });
    },
  );
  await t.step("pending pods also hold the model", () => {
    const m = model(variant("a", 20, 2, { pendingReplicas: 1 }), variant("b", 5, 2));
    assert.deepEqual(targets(optimizeModel(m, v1(true, false))), { a: 2, b: 2 });
  });
  await t.step("the cheapest at its maximum: the next cheapest scales up", () => {
    const m = model(
      variant("a", 20, 2),
      variant("b", 5, 2, { maxReplicas: 2 }),
      variant("c", 15, 2),
    );
    assert.deepEqual(targets(optimizeModel(m, v1(true, false))), { a: 2, b: 2, c: 3 });
  });
  await t.step("scale-down keeps each variant's minReplicas and the model's last replica", () => {
    const m = model(
      variant("a", 20, 1, { minReplicas: 1 }),
      variant("b", 5, 3, { minReplicas: 3 }),
      variant("c", 15, 2),
    );
    assert.deepEqual(targets(optimizeModel(m, v1(false, true))), { a: 1, b: 3, c: 1 });
    // minReplicas 0: the variant may go to zero while another serves (issue 12 case 5; the rule
    // was "never below 1 per variant", which kept idle expensive replicas)
    const zeroMin = model(variant("a", 20, 1), variant("b", 5, 3, { minReplicas: 3 }));
    assert.deepEqual(targets(optimizeModel(zeroMin, v1(false, true))), { a: 0, b: 3 });
    const last = model(variant("a", 20, 1), variant("b", 5, 0));
    assert.deepEqual(targets(optimizeModel(last, v1(false, true))), { a: 1, b: 0 });
  });
});

const capacity = (rc: number, sc: number, prc: Record<string, number>): CapacityAnalysis => ({
  kind: "capacity",
  analyzer: "saturation-v2",
  unit: "tokens",
  totalDemand: 0,
  totalSupply: 0,
  totalAnticipatedSupply: 0,
  requiredCapacity: rc,
  spareCapacity: sc,
  variants: Object.entries(prc).map(([variant, c]) => ({
    variant,
    perReplicaCapacity: c,
    readyReplicas: 0,
    pendingReplicas: 0,
    demand: 0,
    supply: 0,
    hasData: c > 0,
    steps: [],
  })),
  steps: [],
});

Deno.test("cost-aware targets on capacity signals (controller.md §3.6)", async (t) => {
  await t.step("golden A1: RC 15000, PRC 10000, 2 replicas → 4", () => {
    const d = optimizeModel(model(variant("a", 10, 2)), capacity(15000, 0, { a: 10000 }));
    assert.deepEqual(targets(d), { a: 4 });
  });
  await t.step(
    "scale-up picks the lowest cost per capacity, then spills over at maxReplicas",
    () => {
      const m = model(variant("cheap", 40, 1, { maxReplicas: 2 }), variant("fast", 75, 1));
      const d = optimizeModel(m, capacity(30000, 0, { cheap: 8000, fast: 20000 }));
      // cost/PRC: cheap 0.005, fast 0.00375 → fast first: +2 covers 30000
      assert.deepEqual(targets(d), { cheap: 1, fast: 3 });
      const d2 = optimizeModel(m, capacity(30000, 0, { cheap: 20000, fast: 20000 }));
      // cheap first: +1 (max 2) → 10000 left → fast +1
      assert.deepEqual(targets(d2), { cheap: 2, fast: 2 });
    },
  );
  await t.step(
    "scale-down removes from the most expensive first and keeps the model above zero",
    () => {
      const m = model(variant("cheap", 40, 2), variant("dear", 75, 2));
      assert.deepEqual(
        targets(optimizeModel(m, capacity(0, 25000, { cheap: 10000, dear: 10000 }))),
        { cheap: 2, dear: 0 },
      );
      assert.deepEqual(targets(optimizeModel(m, capacity(0, 1e9, { cheap: 10000, dear: 10000 }))), {
        cheap: 1,
        dear: 0,
      });
    },
  );
  await t.step("pending pods block neither scale-down nor scale-up (issue 12 case 9)", () => {
    // They count in the anticipated supply only; a Pending pod used to freeze the model.
    const m = model(variant("a", 40, 3, { pendingReplicas: 1 }));
    const down = optimizeModel(m, capacity(0, 50000, { a: 10000 }));
    assert.deepEqual(targets(down), { a: 1 });
    assert.ok(!down.steps.some((s) => s.rule === "guard.scale-down"));
    assert.deepEqual(targets(optimizeModel(m, capacity(5000, 0, { a: 10000 }))), { a: 4 });
  });
});

Deno.test("optimizeModel() guards", async (t) => {
  await t.step("no replica reported: hold with reason no-metrics", () => {
    const m = model(variant("a", 40, 3, { replicas: [] }));
    const d = optimizeModel(m, v1(false, true));
    assert.deepEqual(targets(d), { a: 3 });
    assert.equal(d.variants[0]!.reason, "no-metrics");
  });
  await t.step("a ready variant without metrics blocks scale-down", () => {
    const m = model(variant("a", 40, 2), variant("b", 75, 2, { replicas: [] }));
    const d = optimizeModel(m, v1(false, true));
    assert.deepEqual(targets(d), { a: 2, b: 2 });
    assert.match(d.steps.at(-1)!.message, /b report no metrics/);
  });
  await t.step("no replicas at all: the cheapest variant gets 1 only on demand", () => {
    // issue 12 case 4: it was raised 0 → 1 every cycle without demand
    const idle = model(variant("a", 40, 0), variant("b", 23, 0));
    assert.deepEqual(targets(optimizeModel(idle, v1(false, false))), { a: 0, b: 0 });
    const m = parseModelObservation({
      ...idle,
      schedulerQueue: { requests: 2 },
    });
    const d = optimizeModel(m, v1(false, false));
    assert.deepEqual(targets(d), { a: 0, b: 1 });
    assert.equal(d.variants[1]!.reason, "scale-from-zero");
  });
  await t.step("scale-to-zero when enabled and idle; stays at zero", () => {
    const m = model(variant("a", 40, 2), variant("b", 23, 1, { minReplicas: 1 }));
    const d = optimizeModel(m, v1(false, false), { scaleToZero: { enabled: true, idle: true } });
    assert.deepEqual(targets(d), { a: 0, b: 1 });
    const zero = optimizeModel(model(variant("a", 40, 0)), v1(false, false), {
      scaleToZero: { enabled: true, idle: true },
    });
    assert.deepEqual(targets(zero), { a: 0 });
    const waiting = optimizeModel(
      parseModelObservation({ ...m, schedulerQueue: { requests: 1 } }),
      v1(false, false),
      { scaleToZero: { enabled: true, idle: true } },
    );
    assert.deepEqual(targets(waiting), { a: 2, b: 1 }, "requests wait: not idle");
  });
  await t.step(
    "scale-to-zero disabled: the model keeps one replica, on its cheapest variant",
    () => {
      const m = model(variant("a", 40, 2), variant("b", 23, 1));
      const d = optimizeModel(m, v1(false, false), { scaleToZero: { enabled: false, idle: true } });
      assert.deepEqual(targets(d), { a: 2, b: 1 });
    },
  );
  await t.step("targets are clamped to [min, max]", () => {
    const m = model(variant("a", 40, 5, { maxReplicas: 3 }));
    const d = optimizeModel(m, v1(false, false));
    assert.deepEqual(targets(d), { a: 3 });
    assert.equal(d.variants[0]!.reason, "clamped");
  });
  await t.step("the GPU budget limits the scale-up and the next variant takes over", () => {
    const m = model(variant("a", 40, 1), variant("b", 75, 1));
    const d = optimizeModel(m, capacity(30000, 0, { a: 10000, b: 10000 }), {
      gpuBudget: { A: 1, B: 8 },
    });
    assert.deepEqual(targets(d), { a: 2, b: 3 });
  });
});
