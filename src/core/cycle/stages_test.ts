import assert from "node:assert/strict";
import { analyzeModels, type AnalyzerState } from "../analyze/mod.ts";
import type { GpuInventory } from "../contract/gpus.ts";
import {
  type AnalyzerName,
  type ModelDecision,
  type ModelObservation,
  parseModelObservation,
} from "../contract/types.ts";
import { optimizeModels } from "../optimize/mod.ts";

/** The two stages of a cycle, as src/core/cycle/decide_cycle.ts calls them. */
function runStages(
  observations: readonly ModelObservation[],
  options: { analyzer: AnalyzerName; nowMs: number; inventory?: GpuInventory },
): { decisions: ModelDecision[]; state: AnalyzerState } {
  const analyzed = analyzeModels(
    observations.map((observation) => ({ observation, analyzer: options.analyzer })),
    { nowMs: options.nowMs },
  );
  const optimized = optimizeModels(
    observations.map((observation, i) => ({
      observation,
      analysis: analyzed.analyses[i]!.analysis,
    })),
    { inventory: options.inventory },
  );
  return { decisions: optimized.map((o) => o.decision!), state: analyzed.state };
}

function runStagesOne(obs: ModelObservation, options: { analyzer: AnalyzerName; nowMs: number }) {
  const r = runStages([obs], options);
  return { decision: r.decisions[0]!, state: r.state };
}

const hot = (id: string) => ({
  replicaId: id,
  kvUsage01: 0.9,
  queueLength: 8,
  runningRequests: 16,
});
const calm = (id: string) => ({
  replicaId: id,
  kvUsage01: 0.2,
  queueLength: 0,
  runningRequests: 2,
});

const model = (modelId: string, priority: number, cheapReplicas: ReturnType<typeof hot>[]) =>
  parseModelObservation({
    modelId,
    namespace: "ns",
    priority,
    variants: [
      {
        name: `${modelId}-a100`,
        accelerator: "A100",
        costPerReplica: 40,
        currentReplicas: cheapReplicas.length,
        readyReplicas: cheapReplicas.length,
        replicas: cheapReplicas,
      },
      {
        name: `${modelId}-h100`,
        accelerator: "H100",
        costPerReplica: 75,
        currentReplicas: 0,
        readyReplicas: 0,
      },
    ],
  });

Deno.test("analyze then optimize, V1: saturated replicas scale the cheap variant first", () => {
  const r = runStages([model("m", 1, [hot("a"), hot("b")])], {
    analyzer: "saturation-v1",
    nowMs: 0,
  });
  const d = r.decisions[0]!;
  assert.equal(d.variants[0]!.targetReplicas, 3);
  assert.equal(d.variants[1]!.targetReplicas, 0);
  assert.ok(d.steps.some((s) => s.rule === "v1.spare"));
});

Deno.test("analyze then optimize with an inventory: priority first, then spill-over to the dearer variant", () => {
  const obs = [model("low", 10, [hot("a")]), model("high", 1, [hot("b"), hot("c")])];
  const r = runStages(obs, {
    analyzer: "saturation-v1",
    nowMs: 0,
    inventory: { A100: 4, H100: 4 },
  });
  // 3 A100 in use, 1 free: the priority-1 model takes it; the other spills to H100
  assert.equal(r.decisions[1]!.variants[0]!.targetReplicas, 3);
  assert.equal(r.decisions[0]!.variants[0]!.targetReplicas, 1);
  assert.equal(r.decisions[0]!.variants[1]!.targetReplicas, 1);
});

Deno.test("analyze then optimize, V2: the stages thread the analyzer state and scale down calm models", () => {
  const calmModel = parseModelObservation({
    modelId: "m",
    namespace: "ns",
    load: { arrivalRatePerSec: 1, avgInputTokens: 100, avgOutputTokens: 100 },
    variants: [{
      name: "v",
      accelerator: "A100",
      costPerReplica: 40,
      currentReplicas: 3,
      readyReplicas: 3,
      replicas: ["a", "b", "c"].map((id) => ({
        ...calm(id),
        tokensInUse: 1000,
        kvCapacityTokens: 20000,
      })),
    }],
  });
  const r = runStagesOne(calmModel, { analyzer: "saturation-v2", nowMs: 5 });
  assert.equal(r.decision.variants[0]!.targetReplicas, 1);
  assert.equal(r.state.v2.capacity["ns/m/v"]!.effectiveCapacity, 16000);
});

Deno.test("analyze then optimize: every variant decision carries at least one step, for every analyzer", async (t) => {
  const scenarios = [
    model("hot", 1, [hot("a"), hot("b")]),
    model("calm", 1, [calm("a"), calm("b"), calm("c")]),
    model("silent", 1, []),
    parseModelObservation({
      ...model("x", 1, [calm("a")]),
      load: { arrivalRatePerSec: 2, avgInputTokens: 10, avgOutputTokens: 50 },
    }),
  ];
  for (const analyzer of ["saturation-v1", "saturation-v2", "queueing-model"] as const) {
    await t.step(analyzer, () => {
      const r = runStages(scenarios, { analyzer, nowMs: 0 });
      for (const d of r.decisions) {
        for (const v of d.variants) assert.ok(v.steps.length > 0, `${d.modelId}/${v.variant}`);
      }
    });
  }
});

Deno.test("analyze then optimize, queueing model: sizes from load and perf params without per-replica metrics", () => {
  const obs = parseModelObservation({
    modelId: "m",
    namespace: "ns",
    load: { arrivalRatePerSec: 2, avgInputTokens: 0, avgOutputTokens: 178 },
    slo: { ttftMs: 500, itlMs: 24 },
    variants: [{
      name: "a100",
      accelerator: "A100",
      costPerReplica: 40,
      currentReplicas: 1,
      readyReplicas: 1,
      perf: { alphaMs: 20.58, betaMs: 0.41, maxBatchSize: 4 },
    }],
  });
  // 2 req/s = 120 rpm; the Gen2 SLO rate is 33.8899 rpm per replica → ⌈3.54⌉ = 4 replicas
  const r = runStagesOne(obs, { analyzer: "queueing-model", nowMs: 0 });
  assert.equal(r.decision.variants[0]!.targetReplicas, 4);
  const noLoad = runStagesOne(parseModelObservation({ ...obs, load: undefined }), {
    analyzer: "queueing-model",
    nowMs: 0,
  });
  assert.equal(noLoad.decision.variants[0]!.reason, "no-metrics");
});
