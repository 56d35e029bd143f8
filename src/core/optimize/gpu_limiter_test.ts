import assert from "node:assert/strict";
import type { ModelDecision, VariantDecision } from "../contract/types.ts";
import { baselineGpus, limitByGpuInventory } from "./gpu_limiter.ts";

const v = (
  variant: string,
  accelerator: string,
  cost: number,
  current: number,
  target: number,
  gpus = 1,
): VariantDecision => ({
  variant,
  accelerator,
  gpusPerReplica: gpus,
  costPerReplica: cost,
  currentReplicas: current,
  targetReplicas: target,
  reason: target > current ? "scale-up" : "hold",
  steps: [],
});

const d = (modelId: string, priority: number, ...variants: VariantDecision[]): ModelDecision => ({
  modelId,
  namespace: "ns",
  analyzer: "saturation-v2",
  priority,
  variants,
  steps: [],
});

Deno.test("limitByGpuInventory() serves priority first, then the cheaper replica", () => {
  const decisions = [
    d("low", 10, v("low-a100", "A100", 40, 1, 4)),
    d("high", 1, v("high-a100", "A100", 40, 1, 3), v("high-h100", "H100", 75, 0, 2, 2)),
  ];
  const r = limitByGpuInventory(decisions, { A100: 5, H100: 2 });
  const t = (m: number, i: number) => r.decisions[m]!.variants[i]!;
  // baseline 2 A100 in use → 3 free: high +2 first, low gets +1 of 3
  assert.equal(t(1, 0).targetReplicas, 3);
  assert.equal(t(0, 0).targetReplicas, 2);
  assert.equal(t(0, 0).reason, "limited");
  // H100: 2 GPUs free, 2 per replica → +1 of 2
  assert.equal(t(1, 1).targetReplicas, 1);
  assert.match(t(1, 1).steps.at(-1)!.message, /wanted \+2, granted \+1/);
  assert.equal(r.steps.length, 2);
  assert.equal(decisions[0]!.variants[0]!.targetReplicas, 4, "input untouched");
});

Deno.test("limitByGpuInventory() counts scale-downs first and fails open for unknown accelerators", () => {
  const decisions = [
    d("a", 1, v("x", "A100", 40, 4, 2), v("y", "A100", 50, 0, 3)),
    d("b", 1, v("z", "TPU", 10, 0, 5)),
  ];
  const r = limitByGpuInventory(decisions, { A100: 4 });
  assert.equal(r.decisions[0]!.variants[1]!.targetReplicas, 2);
  assert.equal(r.decisions[1]!.variants[0]!.targetReplicas, 5);
  assert.match(r.decisions[1]!.variants[0]!.steps.at(-1)!.message, /not in the GPU inventory/);
  assert.deepEqual(baselineGpus(decisions), { A100: 2, TPU: 0 });
});
