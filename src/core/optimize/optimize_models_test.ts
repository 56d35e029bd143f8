import assert from "node:assert/strict";
import type { z } from "zod";
import {
  type ModelAnalysis,
  type ModelObservation,
  parseModelObservation,
  type V1Analysis,
  type VariantObservationSchema,
} from "../contract/types.ts";
import { optimizeModels, type OptimizeRequest } from "./optimize_models.ts";

type VariantInput = z.input<typeof VariantObservationSchema>;

const busy = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    replicaId: `r${i}`,
    kvUsage01: 0.9,
    queueLength: 8,
    runningRequests: 16,
  }));

function variant(name: string, accelerator: string, cost: number, current: number, gpus = 1) {
  return {
    name,
    accelerator,
    costPerReplica: cost,
    gpusPerReplica: gpus,
    currentReplicas: current,
    readyReplicas: current,
    maxReplicas: 10,
    replicas: busy(current),
  } satisfies VariantInput;
}

const model = (modelId: string, priority: number, ...variants: VariantInput[]) =>
  parseModelObservation({ modelId, namespace: "ns", priority, variants });

const v1 = (scaleUp: boolean, scaleDownSafe = false): V1Analysis => ({
  kind: "saturation-v1",
  scaleUp,
  scaleDownSafe,
  avgSpareKv01: 0,
  avgSpareQueue: 0,
  nonSaturatedReplicas: 0,
  totalReplicas: 0,
  steps: [],
});

const request = (
  observation: ModelObservation,
  analysis: ModelAnalysis | undefined,
): OptimizeRequest => ({ observation, analysis });

function targets(outcomes: ReturnType<typeof optimizeModels>): Record<string, number> {
  return Object.fromEntries(
    outcomes.flatMap((o) => o.decision?.variants.map((v) => [v.variant, v.targetReplicas]) ?? []),
  );
}

Deno.test("optimizeModels() shares the GPU inventory", async (t) => {
  await t.step("priority first: the priority-1 model takes the last free GPU", () => {
    const low = model("low", 10, variant("low-a100", "A100", 40, 1));
    const high = model("high", 1, variant("high-a100", "A100", 40, 1));
    const out = optimizeModels([request(low, v1(true)), request(high, v1(true))], {
      inventory: { A100: 3 },
    });
    assert.deepEqual(targets(out), { "low-a100": 1, "high-a100": 2 });
    const blocked = out[0]!.decision!.variants[0]!.steps.map((s) => s.rule);
    assert.ok(blocked.includes("v1.scale-up-blocked"), blocked.join());
    assert.equal(low.variants[0]!.currentReplicas, 1, "input untouched");
  });
  await t.step("the cheaper replica first, then spill-over to the dearer accelerator", () => {
    const m = model("m", 1, variant("a100", "A100", 40, 2), variant("h100", "H100", 75, 0, 2));
    const free = optimizeModels([request(m, v1(true))], { inventory: { A100: 3, H100: 4 } });
    assert.deepEqual(targets(free), { a100: 3, h100: 0 });
    const full = optimizeModels([request(m, v1(true))], { inventory: { A100: 2, H100: 4 } });
    assert.deepEqual(targets(full), { a100: 2, h100: 1 });
  });
  await t.step("an accelerator missing from the inventory is not limited (fail open)", () => {
    const m = model("m", 1, variant("tpu", "TPU", 10, 3));
    const out = optimizeModels([request(m, v1(true))], { inventory: { A100: 0 } });
    assert.deepEqual(targets(out), { tpu: 4 });
  });
  await t.step("a scale-down does not return its GPUs in the same cycle", () => {
    const shrinking = model("a", 1, variant("x", "A100", 40, 4));
    const growing = model("b", 2, variant("y", "A100", 40, 1));
    const out = optimizeModels(
      [request(shrinking, v1(false, true)), request(growing, v1(true))],
      { inventory: { A100: 5 } },
    );
    assert.deepEqual(targets(out), { x: 3, y: 1 });
  });
  await t.step("without an inventory nothing is limited", () => {
    const m = model("m", 1, variant("a100", "A100", 40, 2));
    assert.deepEqual(targets(optimizeModels([request(m, v1(true))])), { a100: 3 });
  });
});

Deno.test("optimizeModels() priority order, unmanaged GPUs, failures and order", async (t) => {
  await t.step("priority order across all models, whatever their order in the request", () => {
    const low = model("p10", 10, variant("p10-a100", "A100", 40, 1));
    const high = model("p1", 1, variant("p1-a100", "A100", 40, 1));
    const out = optimizeModels(
      [request(low, v1(true)), request(high, v1(true))],
      { inventory: { A100: 3 } },
    );
    // one GPU free: the priority-1 model takes it (issue 12 case 10)
    assert.deepEqual(targets(out), { "p10-a100": 1, "p1-a100": 2 });
  });
  await t.step("GPUs held by pods no model manages are not free", () => {
    const m = model("m", 1, variant("a100", "A100", 40, 2));
    const out = optimizeModels([request(m, v1(true))], {
      inventory: { A100: 4 },
      unmanaged: { A100: 2 },
    });
    assert.deepEqual(targets(out), { a100: 2 });
    const some = optimizeModels([request(m, v1(true))], {
      inventory: { A100: 4 },
      unmanaged: { A100: 1, H100: 8 },
    });
    assert.deepEqual(targets(some), { a100: 3 });
  });
  await t.step("a model without analysis has no decision but keeps its GPUs", () => {
    const failed = model("failed", 1, variant("f", "A100", 40, 2));
    const other = model("other", 2, variant("o", "A100", 40, 1));
    const out = optimizeModels(
      [request(failed, undefined), request(other, v1(true))],
      { inventory: { A100: 3 } },
    );
    assert.deepEqual(out[0], {});
    assert.deepEqual(targets(out), { o: 1 });
  });
  await t.step("a model whose optimization throws gets the error; the others are decided", () => {
    const broken = { kind: "capacity", steps: [] } as unknown as ModelAnalysis;
    const m1 = model("m1", 1, variant("a", "A100", 40, 1));
    const m2 = model("m2", 1, variant("b", "A100", 40, 1));
    const out = optimizeModels([request(m1, broken), request(m2, v1(true))]);
    assert.equal(out[0]!.decision, undefined);
    assert.match(out[0]!.error!, /./);
    assert.deepEqual(targets(out), { b: 2 });
  });
  await t.step("outcomes follow the order of the requests", () => {
    const a = model("a", 5, variant("va", "A100", 40, 1));
    const b = model("b", 1, variant("vb", "A100", 40, 1));
    const out = optimizeModels([request(a, v1(false)), request(b, v1(false))]);
    assert.deepEqual(out.map((o) => o.decision!.modelId), ["a", "b"]);
  });
});
