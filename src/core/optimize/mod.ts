/**
 * The control cycle's optimizer (pure): from analyses to replica targets per variant. It imports
 * no analyzer: analyses arrive as data (src/core/contract/types.ts).
 *
 * - {@linkcode optimizeModels}`(requests, {inventory?})` — the optimize stage of a cycle: every
 *   model, sharing the GPU inventory by priority so demand spills over to the next-cheapest
 *   variant (src/core/cycle/decide_cycle.ts calls it after the analyze stage).
 * - {@linkcode optimizeModel}`(observation, analysis, {gpuBudget?, scaleToZero?})` — one model:
 *   scale-to/from-zero, guards, the V1 ±1 rule or the cost-aware RC/SC rule, clamps.
 *
 * ```ts
 * import { optimizeModels } from "./mod.ts";
 * import { parseModelObservation, type V1Analysis } from "../contract/types.ts";
 * const observation = parseModelObservation({
 *   modelId: "m",
 *   namespace: "ns",
 *   variants: [{
 *     name: "a100", accelerator: "A100", costPerReplica: 40, currentReplicas: 2, readyReplicas: 2,
 *     replicas: [{ replicaId: "p1", kvUsage01: 0.9, queueLength: 8, runningRequests: 16 }],
 *   }],
 * });
 * const analysis: V1Analysis = {
 *   kind: "saturation-v1", scaleUp: true, scaleDownSafe: false, avgSpareKv01: 0,
 *   avgSpareQueue: 0, nonSaturatedReplicas: 0, totalReplicas: 1, steps: [],
 * };
 * const [out] = optimizeModels([{ observation, analysis }], { inventory: { A100: 2 } });
 * out!.decision!.variants[0]!.targetReplicas; // 2: both A100 GPUs are in use, +1 does not fit
 * ```
 *
 * The seed's global system solver (`wva plan`) is a different optimizer: src/core/plan/mod.ts.
 *
 * @module
 */
export { optimizeModel, type OptimizeOptions, type ScaleToZero } from "./cost_aware.ts";
export {
  optimizeModels,
  type OptimizeModelsOptions,
  type OptimizeOutcome,
  type OptimizeRequest,
} from "./optimize_models.ts";
