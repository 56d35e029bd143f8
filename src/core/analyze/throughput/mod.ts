/**
 * The throughput analyzer (controller.md §3.5): ITL(k) = A·k + B fitted online, decode supply
 * μ_dec = N(k*)/ITL(k*) per replica against demand λ × mean output tokens, as a capacity
 * analysis in tokens/s that joins the multi-analyzer pipeline (../combine.ts). Pure.
 *
 * ```ts
 * import { analyzeThroughput, EMPTY_THROUGHPUT_STATE } from "./mod.ts";
 * import { parseModelObservation } from "../../contract/types.ts";
 * const obs = parseModelObservation({
 *   modelId: "m", namespace: "ns",
 *   load: { arrivalRatePerSec: 2, avgInputTokens: 500, avgOutputTokens: 200 },
 *   variants: [{ name: "a100", accelerator: "A100", costPerReplica: 40, currentReplicas: 1,
 *     readyReplicas: 1, replicas: [{ replicaId: "p0", kvUsage01: 0.4, queueLength: 0,
 *     runningRequests: 8, kvCapacityTokens: 100_000 }] }],
 * });
 * const r = analyzeThroughput(obs, {
 *   nowMs: 0, state: EMPTY_THROUGHPUT_STATE, decode: { p0: { itlSec: 0.035 } },
 * });
 * console.assert(r.analysis.unit === "tokens/s" && r.analysis.totalDemand === 400);
 * ```
 *
 * @module
 */
export {
  analyzeThroughput,
  decodeSignalsOf,
  type ReplicaDecodeSignal,
  type ThroughputAnalysis,
  type ThroughputOptions,
  type ThroughputResult,
} from "./analyze.ts";
export {
  DEFAULT_THROUGHPUT_CONFIG,
  THROUGHPUT_DEFAULTS,
  type ThroughputConfig,
  ThroughputConfigSchema,
} from "./config.ts";
export {
  type FitFailure,
  fitItl,
  fitItlPinned,
  type FitResult,
  itlAt,
  type ItlModel,
  type ItlSample,
  type ItlTier,
  kSpread,
  type ResolvedItl,
  resolveItlModel,
  windowReadiness,
} from "./itl_fit.ts";
export {
  decodeDemand,
  localDecodeDemand,
  queueDecodeDemand,
  type ReplicaDecodeSupply,
  replicaDecodeSupply,
} from "./capacity.ts";
export {
  EMPTY_THROUGHPUT_STATE,
  forgetIdleVariants,
  kvTokensPerRequest,
  observeWindow,
  shapeChanged,
  throughputKey,
  type ThroughputState,
  type ThroughputVariantState,
  type WindowUpdate,
  type WorkloadShape,
} from "./window.ts";
