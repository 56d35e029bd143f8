/**
 * The decision contract between the stages of one control cycle:
 * collect → **analyze** → **optimize** → actuate.
 *
 * - The collector (controller, demo) builds one {@linkcode ModelObservation} per model: plain data,
 *   timestamps as numbers, no I/O handles. The zod schema is the source of truth; shells that read
 *   observations from files or HTTP validate them with it, code that builds them gets the types.
 * - The analyze stage, `analyzeModels` (src/core/analyze/mod.ts), turns each observation into a
 *   {@linkcode ModelAnalysis}: the signals of one analyzer (saturation V1, saturation V2 or the
 *   queueing model).
 * - The optimize stage, `optimizeModels` (src/core/optimize/mod.ts), turns each analysis into a
 *   {@linkcode ModelDecision}: a target replica count per variant, a {@linkcode DecisionReason},
 *   and the {@linkcode DecisionStep}s that explain the number, sharing the GPUs that exist
 *   between the models (src/core/contract/gpus.ts).
 *
 * Units: rates per **second**, times in **ms**, token counts, usage fractions in [0, 1]
 * (`…01`), costs per replica in the operator's unit (e.g. cents/hour).
 *
 * @module
 */
import { z } from "zod";

const count = z.number().int().min(0);
const nonNegative = z.number().min(0);

/** Metrics of one replica (pod) in the latest scrape. */
export const ReplicaMetricsSchema = z.object({
  /** Pod or replica id. */
  replicaId: z.string().min(1),
  /** KV-cache usage fraction in [0, 1] (`vllm:kv_cache_usage_perc`). */
  kvUsage01: z.number().min(0).max(1),
  /** Requests waiting for a batch slot (`vllm:num_requests_waiting`). */
  queueLength: nonNegative,
  /** Requests being decoded (`vllm:num_requests_running`). */
  runningRequests: nonNegative,
  /** KV tokens in use; when absent, saturation V2 estimates kvUsage01 × capacity. */
  tokensInUse: nonNegative.optional(),
  /** Total KV-cache capacity in tokens (`vllm:cache_config_info` blocks × block size). */
  kvCapacityTokens: nonNegative.optional(),
  numGpuBlocks: count.optional(),
  blockSize: count.optional(),
  /**
   * Mean inter-token latency of the replica over the last window (ms/token:
   * `rate(vllm:inter_token_latency_seconds_sum[1m]) / rate(…_count[1m])`); the throughput
   * analyzer's ITL samples. Absent = not reported (or nothing decoded in the window).
   */
  itlMs: z.number().positive().optional(),
  /**
   * KV-cache usage now (the newest sample, not the window maximum `kvUsage01` is), 0..1: the
   * throughput analyzer pairs it with the ITL. Absent = use `kvUsage01`.
   */
  kvUsageInstant01: z.number().min(0).max(1).optional(),
}).readonly();

/** One replica's metrics. */
export type ReplicaMetrics = z.infer<typeof ReplicaMetricsSchema>;

/** Queueing-model parameters of a variant (ms): decode step α + β·n, prefill γ + δ·i·n. */
export const PerfParamsSchema = z.object({
  alphaMs: z.number().positive(),
  betaMs: nonNegative,
  gammaMs: nonNegative.default(0),
  deltaMs: nonNegative.default(0),
  maxBatchSize: z.number().int().positive(),
}).readonly();

/** Queueing-model parameters. */
export type PerfParams = z.infer<typeof PerfParamsSchema>;

/** Engine arguments that bound compute capacity (saturation V2's derived k2). */
export const EngineParamsSchema = z.object({
  /** `--max-num-batched-tokens` (default 8192). */
  maxNumBatchedTokens: z.number().int().positive().default(8192),
  /** `--max-num-seqs` (default 256). */
  maxNumSeqs: z.number().int().positive().default(256),
}).readonly();

/** Engine arguments. */
export type EngineParams = z.infer<typeof EngineParamsSchema>;

/** One variant (a way of serving the model: accelerator, replica shape, cost). */
export const VariantObservationSchema = z.object({
  /** Variant name (the VariantAutoscaling / scale target name). */
  name: z.string().min(1),
  /** Accelerator name, e.g. `A100`; the GPU limiter keys its inventory by it. */
  accelerator: z.string().min(1),
  /** Cost of one replica per unit time (e.g. cents/hour). */
  costPerReplica: nonNegative,
  gpusPerReplica: count.default(1),
  /** Replicas the scale target asks for now (spec), ready or not. */
  currentReplicas: count,
  readyReplicas: count,
  /** Replicas created but not yet ready, or ready but still warming up. */
  pendingReplicas: count.default(0),
  /**
   * Of `pendingReplicas`, those still warming up that already report fresh metrics showing them
   * serving: they no longer hold saturation V1's scale-up (src/core/cycle/warm.ts).
   */
  warmedReplicas: count.optional(),
  /** What the previous cycle asked for, when known (transition detection). */
  previousDesiredReplicas: count.optional(),
  minReplicas: count.default(0),
  maxReplicas: count.default(Number.MAX_SAFE_INTEGER),
  perf: PerfParamsSchema.optional(),
  engine: EngineParamsSchema.optional(),
  /** KV-cache capacity per replica in tokens when no replica reports it (V2 fallback). */
  kvCapacityTokens: nonNegative.optional(),
  /** Latest metrics of each replica that reported (may be fewer than ready). */
  replicas: z.array(ReplicaMetricsSchema).readonly().default([]),
  /**
   * How many of the ready replicas are among those that reported; absent =
   * min(replicas.length, readyReplicas) (see {@linkcode reportingReady}).
   */
  reportingReadyReplicas: count.optional(),
}).readonly();

/** One variant's state. */
export type VariantObservation = z.infer<typeof VariantObservationSchema>;

/**
 * Ready replicas of a variant that reported metrics this cycle. Fewer than `readyReplicas` means
 * some ready replica is silent (its scrape failed or is stale): its load is unknown, so the
 * analyzers count supply over the replicas with data and the optimizer does not scale the model
 * down (issue 12 case 1).
 */
export function reportingReady(v: VariantObservation): number {
  return v.reportingReadyReplicas ?? Math.min(v.replicas.length, v.readyReplicas);
}

/** Load on a model, summed over its variants. */
export const ModelLoadSchema = z.object({
  /** Requests per second arriving for the model. */
  arrivalRatePerSec: nonNegative,
  /**
   * Where the rate comes from: requests arriving at the inference gateway
   * (`gateway`), the gateway's dispatches (`dispatches`, arrivals only while nothing waits in its
   * flow control) or the servers' completed requests (`completions`); the last two understate
   * load under overload. @default completions
   */
  arrivalSource: z.enum(["gateway", "dispatches", "completions"]).optional(),
  avgInputTokens: nonNegative,
  avgOutputTokens: nonNegative,
}).readonly();

/** Load of a model. */
export type ModelLoad = z.infer<typeof ModelLoadSchema>;

/** Service-level objectives (ms, tokens/s); absent = no target. */
export const ModelSloSchema = z.object({
  /** Mean time to first token (Gen2 sizing). */
  ttftMs: z.number().positive().optional(),
  /** Mean inter-token latency (both generations). */
  itlMs: z.number().positive().optional(),
  /** 95th-percentile queueing wait (Gen1 sizing); defaults to `ttftMs` there. */
  ttwMs: z.number().positive().optional(),
  /** Token throughput target. */
  tps: z.number().positive().optional(),
}).readonly();

/** SLOs of a model. */
export type ModelSlo = z.infer<typeof ModelSloSchema>;

/** Requests held upstream (llm-d flow control) that saturation V2 adds to demand. */
export const SchedulerQueueSchema = z.object({
  requests: nonNegative,
  bytes: nonNegative.default(0),
  prefixHitRate01: z.number().min(0).max(1).default(0),
}).readonly();

/** Everything the analyzers need about one model in one cycle. */
export const ModelObservationSchema = z.object({
  modelId: z.string().min(1),
  namespace: z.string().min(1),
  /** Service-class priority: 1 is the highest; the GPU limiter serves lower numbers first. */
  priority: z.number().int().min(0).default(1),
  load: ModelLoadSchema.optional(),
  slo: ModelSloSchema.optional(),
  schedulerQueue: SchedulerQueueSchema.optional(),
  variants: z.array(VariantObservationSchema).readonly(),
}).readonly();

/** One model's observation. */
export type ModelObservation = z.infer<typeof ModelObservationSchema>;

/**
 * The analyzers; the controller's default is `saturation-v1`. `throughput` is WVA's decode
 * throughput analyzer (ITL(k) fitted online); alone it sizes the model by itself, and in the
 * saturation ConfigMap's `analyzers:` list it joins saturation V2 in the multi-analyzer pipeline
 * (src/core/analyze/pipeline.ts).
 */
export const ANALYZER_NAMES = [
  "saturation-v1",
  "saturation-v2",
  "queueing-model",
  "throughput",
] as const;

/** An analyzer name. */
export type AnalyzerName = typeof ANALYZER_NAMES[number];

/** Why a variant's target is what it is. */
export type DecisionReason =
  | "scale-up"
  | "scale-down"
  | "hold"
  | "in-transition"
  | "clamped"
  | "no-metrics"
  | "limited"
  | "scale-to-zero"
  | "scale-from-zero"
  | "infeasible";

/** A value quoted in a step. */
export type StepValue = number | string | boolean | null;

/** One rule that fired, with the numbers it used (for logs, status and the demo's event list). */
export interface DecisionStep {
  /** Stable rule id, e.g. `v1.spare`, `v2.required-capacity`, `cost-aware.scale-up`. */
  readonly rule: string;
  /** One human sentence. */
  readonly message: string;
  readonly values: Readonly<Record<string, StepValue>>;
}

/** Target of one variant. */
export interface VariantDecision {
  readonly variant: string;
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly costPerReplica: number;
  readonly currentReplicas: number;
  readonly targetReplicas: number;
  readonly reason: DecisionReason;
  readonly steps: readonly DecisionStep[];
}

/** Targets of all variants of one model. */
export interface ModelDecision {
  readonly modelId: string;
  readonly namespace: string;
  readonly analyzer: AnalyzerName;
  readonly priority: number;
  readonly variants: readonly VariantDecision[];
  /** Model-level steps (signals, transition, enforcement). */
  readonly steps: readonly DecisionStep[];
}

/** Saturation V1 signals (percentage/spare model, model.md §10). */
export interface V1Analysis {
  readonly kind: "saturation-v1";
  readonly scaleUp: boolean;
  readonly scaleDownSafe: boolean;
  readonly avgSpareKv01: number;
  readonly avgSpareQueue: number;
  readonly nonSaturatedReplicas: number;
  readonly totalReplicas: number;
  readonly steps: readonly DecisionStep[];
}

/** Per-variant capacity (saturation V2 in tokens, queueing model in req/s, throughput in tokens/s). */
export interface VariantCapacity {
  readonly variant: string;
  /** Per-replica capacity PRC (0 when unknown). */
  readonly perReplicaCapacity: number;
  /** Ready replicas counted in the supply (V2: those with data when any reports). */
  readonly readyReplicas: number;
  readonly pendingReplicas: number;
  readonly demand: number;
  /** readyReplicas × PRC. */
  readonly supply: number;
  /** False when no replica reported and no stored capacity exists. */
  readonly hasData: boolean;
  readonly steps: readonly DecisionStep[];
}

/** Capacity signals (saturation V2, model.md §11; queueing model; throughput). */
export interface CapacityAnalysis {
  readonly kind: "capacity";
  readonly analyzer: "saturation-v2" | "queueing-model" | "throughput";
  readonly unit: "tokens" | "req/s" | "tokens/s";
  readonly totalDemand: number;
  readonly totalSupply: number;
  readonly totalAnticipatedSupply: number;
  /** RC = max(0, D / scaleUp − anticipated supply). */
  readonly requiredCapacity: number;
  /** SC = max(0, supply − D / scaleDown). */
  readonly spareCapacity: number;
  readonly variants: readonly VariantCapacity[];
  readonly steps: readonly DecisionStep[];
}

/** What an analyzer concluded about one model. */
export type ModelAnalysis = V1Analysis | CapacityAnalysis;

/** An observation as written by hand or read from a file: defaults may be left out. */
export type ModelObservationInput = z.input<typeof ModelObservationSchema>;

/**
 * Validates an observation and fills the defaults (gpusPerReplica 1, pendingReplicas 0,
 * minReplicas 0, maxReplicas unbounded, replicas [], priority 1, gamma/delta 0, …).
 * Throws a zod error on bad input; shells use `parseOrThrow(ModelObservationSchema, …)` for
 * one line per problem.
 */
export function parseModelObservation(input: ModelObservationInput): ModelObservation {
  return ModelObservationSchema.parse(input);
}
