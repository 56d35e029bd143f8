/**
 * The ports of one control cycle, owned by the cycle (src/runtime/run_cycle.ts) and implemented by
 * each backend: the Kubernetes controller (watch caches, Prometheus, gauges/status/`/scale`) and
 * the local demo (a replica pool, direct scraping of the replicas, resizing the pool).
 *
 * | port | what the cycle asks | Kubernetes | demo |
 * |---|---|---|---|
 * | {@linkcode ClusterReader} | the variants, their replicas and the GPU inventory | VA + target + pod + node watches | replica pool |
 * | {@linkcode MetricsSource} | per-replica metrics and per-model load | Prometheus HTTP API | scrape each replica's `/metrics` |
 * | {@linkcode DecisionSink} | apply the outcome of the cycle | gauges, status, events, `/scale` | resize the pool |
 *
 * Everything crossing a port is plain readonly data; times are epoch (or virtual) milliseconds.
 *
 * @module
 */
import type { VariantAutoscalingStatus } from "../api/v1alpha1.ts";
import type { InferenceEngine } from "../api/engine.ts";
import type { AnalyzerName, DecisionStep, EngineParams, PerfParams } from "./types.ts";
import type { GpuInventory, GpuInventoryEntry } from "./gpus.ts";

/** Identifies a variant (a VariantAutoscaling object, or a pool of the demo). */
export interface VariantRef {
  readonly namespace: string;
  readonly name: string;
}

/** Map key of a variant: `namespace/name`. */
export function variantKey(ref: VariantRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** Map key of a model: `namespace/modelId`. */
export function modelKey(m: { readonly namespace: string; readonly modelId: string }): string {
  return `${m.namespace}/${m.modelId}`;
}

/**
 * Something wrong with a variant's definition or target, reported as a condition.
 * A blocking problem leaves the variant out of the cycle (no decision, no gauges) while every
 * other variant keeps being served.
 */
export interface VariantProblem {
  /** Condition type the problem is reported under, e.g. `TargetResolved`. */
  readonly condition: string;
  /** Typed reason, e.g. `TargetNotFound`, `AcceleratorUnresolved`, `InvalidSpec`. */
  readonly reason: string;
  readonly message: string;
  /** True: the variant is left out of the cycle. */
  readonly blocking: boolean;
  /** Condition status. @default "False" (`Unknown` e.g. when the target could not be read) */
  readonly status?: "False" | "Unknown" | undefined;
}

/** The object a variant scales (a Deployment, StatefulSet, …) as the backend read it. */
export interface ScaleTargetSnapshot {
  /** e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** e.g. `Deployment`. */
  readonly kind: string;
  /** Name, in the variant's namespace. */
  readonly name: string;
  /** The target object's uid; absent when not found or not known. */
  readonly uid?: string | undefined;
  /** The replicas the target asks for (`spec.replicas`); absent when the target was not found. */
  readonly specReplicas?: number | undefined;
}

/**
 * The object that defines a variant when it is not a VariantAutoscaling: an HPA or a
 * ScaledObject carrying `llm-d.ai/managed: "true"` (annotation discovery, src/core/api/
 * annotations.ts). Such a variant has no status to write: a sink reports on this object with
 * Events, and through the gauges.
 */
export interface VariantDefinedBy {
  /** `autoscaling/v2` or `keda.sh/v1alpha1`. */
  readonly apiVersion: string;
  /** `HorizontalPodAutoscaler` or `ScaledObject`. */
  readonly kind: string;
  /** The scaler's name (also the variant's name). */
  readonly name: string;
  readonly uid?: string | undefined;
}

/**
 * A note about a variant's definition the sink reports once (not a problem): e.g. the
 * `DiscoverySource` condition when one scale target is defined by several objects.
 */
export interface VariantNote {
  /** Condition type (a VA's status) or event reason (a scaler's Event). */
  readonly type: string;
  /** The condition's reason (`VariantAutoscaling`, `ScaledObject`, …). */
  readonly reason: string;
  readonly message: string;
}

/**
 * The variant's own object as the backend stored it (Kubernetes: the VariantAutoscaling), so a
 * sink can write the next status without asking the backend.
 */
export interface VariantObjectSnapshot {
  readonly uid?: string | undefined;
  /** The version the snapshot was read at (optimistic concurrency of the status write). */
  readonly resourceVersion?: string | undefined;
  /** The status stored now; the next status is built from it. */
  readonly status?: VariantAutoscalingStatus | undefined;
}

/** One variant as the backend sees it before metrics: its definition and its replicas now. */
export interface VariantSnapshot extends VariantRef {
  readonly modelId: string;
  /** Accelerator name (e.g. `A100`); `unresolved` when the backend could not tell. */
  readonly accelerator: string;
  /** Cost of one replica per unit time (e.g. cents/hour). */
  readonly costPerReplica: number;
  readonly gpusPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Replicas the target asks for now (spec), ready or not. */
  readonly currentReplicas: number;
  /** Ready replicas whose effect on the metrics can be trusted (warm-up passed). */
  readonly readyReplicas: number;
  /** Replicas created but not ready yet, or ready but still warming up (currentReplicas − ready). */
  readonly pendingReplicas: number;
  /** The desired count the last cycle published (e.g. from the VA status); optional. */
  readonly previousDesiredReplicas?: number | undefined;
  /** Ids of the replicas (pod names) that belong to the variant; metrics are matched on them. */
  readonly replicaIds: readonly string[];
  /**
   * The ids of the ready (and warmed-up) replicas, when the backend knows them: a report from a
   * replica still warming up does not stand in for a silent ready one. Absent = the first
   * `readyReplicas` reports are taken as the ready ones.
   */
  readonly readyReplicaIds?: readonly string[] | undefined;
  /**
   * The ids of the replicas that are Ready but still within the warm-up (counted in
   * `pendingReplicas`), when the backend knows them: one that reports fresh metrics showing it
   * serving no longer holds saturation V1's scale-up (src/core/cycle/warm.ts).
   */
  readonly warmingReplicaIds?: readonly string[] | undefined;
  /** Per-variant analyzer choice; absent = the global one. */
  readonly analyzer?: AnalyzerName | undefined;
  /** Service class name (SLOs and priority); absent = the default class. */
  readonly serviceClass?: string | undefined;
  /** Queueing-model parameters (ms). */
  readonly perf?: PerfParams | undefined;
  readonly engine?: EngineParams | undefined;
  /** KV capacity per replica in tokens when no replica reports it. */
  readonly kvCapacityTokens?: number | undefined;
  /** Backend's object generation (Kubernetes `metadata.generation`), echoed in the outcome. */
  readonly generation?: number | undefined;
  /** What the variant scales (echoed in the outcome); absent when the backend has no such object. */
  readonly scaleTarget?: ScaleTargetSnapshot | undefined;
  /** The variant's own stored object (echoed in the outcome); absent when it could not be read. */
  readonly object?: VariantObjectSnapshot | undefined;
  /** The annotated scaler that defines the variant (echoed); absent = a VariantAutoscaling. */
  readonly definedBy?: VariantDefinedBy | undefined;
  /** Notes about the definition (echoed as conditions; e.g. `DiscoverySource`). */
  readonly notes?: readonly VariantNote[] | undefined;
  /**
   * The serving engine of the target's pods (`vllm` or `sglang`, from the pod template):
   * which metric family the source reads. Absent = vLLM.
   */
  readonly servingEngine?: InferenceEngine | undefined;
  readonly problems: readonly VariantProblem[];
}

/** What the backend knows at the start of a cycle. */
export interface ClusterSnapshot {
  readonly variants: readonly VariantSnapshot[];
  /**
   * Allocatable GPUs per accelerator name on schedulable nodes (not cordoned, Ready); absent =
   * unknown (unlimited).
   */
  readonly inventory?: GpuInventory | undefined;
  /**
   * GPUs per accelerator requested by scheduled, non-terminal pods on those nodes that belong to
   * no variant of the snapshot (other workloads); the limiter takes them from the inventory.
   */
  readonly unmanagedGpus?: GpuInventory | undefined;
  /** The inventory with vendor and product per accelerator, when the backend knows them. */
  readonly inventoryEntries?: readonly GpuInventoryEntry[] | undefined;
}

/** Port: reads the variants (cheap: backends serve it from a cache). */
export interface ClusterReader {
  snapshot(nowMs: number): Promise<ClusterSnapshot>;
}

/** What the cycle asks about one model. */
export interface ModelQuery {
  readonly modelId: string;
  readonly namespace: string;
  /** The served variants of the model and their replica ids (pods). */
  readonly variants: readonly { readonly name: string; readonly replicaIds: readonly string[] }[];
  /** The model's serving engine (its variants'): which metric family to read. @default "vllm" */
  readonly engine?: InferenceEngine | undefined;
  /** Count the requests served in this window (scale-to-zero); absent = not needed. */
  readonly requestWindowMs?: number | undefined;
}

/** One metrics request: every served model of the cycle. */
export interface MetricsRequest {
  readonly nowMs: number;
  readonly models: readonly ModelQuery[];
}

/** The latest metrics of one replica. Missing fields were not reported. */
export interface ReplicaSample {
  /** Pod name or replica id; matched against {@linkcode VariantSnapshot.replicaIds}. */
  readonly replicaId: string;
  /** The variant, when the source knows it (e.g. the `llm_d_ai_variant` label); wins over ids. */
  readonly variant?: string | undefined;
  readonly kvUsage01?: number | undefined;
  readonly queueLength?: number | undefined;
  readonly runningRequests?: number | undefined;
  readonly numGpuBlocks?: number | undefined;
  readonly blockSize?: number | undefined;
  /** Mean inter-token latency over the window (ms/token); the throughput analyzer's samples. */
  readonly itlMs?: number | undefined;
  /** KV-cache usage now (not the window maximum), 0..1. */
  readonly kvUsageInstant01?: number | undefined;
  /** When the newest raw sample was taken (ms). Absent = unknown, treated as stale. */
  readonly sampleMs?: number | undefined;
}

/** Metrics of one model (all its replicas, any variant). */
export interface ModelMetrics {
  readonly modelId: string;
  readonly namespace: string;
  /** Set when the source could not be read for this model (e.g. Prometheus down). */
  readonly error?: string | undefined;
  readonly replicas: readonly ReplicaSample[];
  /** Requests per second arriving (absent = no data; 0 = really no traffic). */
  readonly arrivalRatePerSec?: number | undefined;
  /**
   * Where the rate comes from. `gateway`: requests arriving at the inference gateway — those that
   * left its flow control (any outcome: dispatched, rejected, evicted) plus the growth of its
   * queue; `dispatches`: the gateway's dispatches
   * (`inference_extension_scheduler_attempts_total{status="success"}`), which are the arrivals
   * only while nothing waits in flow control; `completions` (default): the servers' completed
   * requests. Under overload the last two count what is served, not what arrives.
   */
  readonly arrivalSource?: "gateway" | "dispatches" | "completions" | undefined;
  readonly avgInputTokens?: number | undefined;
  readonly avgOutputTokens?: number | undefined;
  /** Mean time to first token (ms) and inter-token latency (ms), for logs and status. */
  readonly ttftMs?: number | undefined;
  readonly itlMs?: number | undefined;
  /**
   * Requests served in {@linkcode ModelQuery.requestWindowMs}; absent = unknown (e.g. no series
   * at all: an unknown count never makes a model idle).
   */
  readonly requestsInWindow?: number | undefined;
  /**
   * Requests held upstream for the model (the inference gateway's flow-control queue): count
   * and bytes. Absent = not read; saturation V2 adds them to the demand.
   */
  readonly schedulerQueue?: {
    readonly requests: number;
    readonly bytes?: number | undefined;
  } | undefined;
}

/** Port: collects metrics. Must not throw for one bad model: set `error` on it instead. */
export interface MetricsSource {
  collect(request: MetricsRequest): Promise<readonly ModelMetrics[]>;
}

/** A condition as the cycle derives it (the actuator adds times and generations). */
export interface CycleCondition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
}

/** Per-variant metrics health in this cycle. */
export interface VariantMetricsStatus {
  readonly available: boolean;
  /**
   * `MetricsFound`, `MetricsPartial` (available, but some ready replicas are silent),
   * `MetricsMissing`, `MetricsStale`, `MetricsSourceError` or `NoReplicas`.
   */
  readonly reason: string;
  readonly message: string;
  /** Replicas with fresh metrics. */
  readonly freshReplicas: number;
  /** Replicas whose newest sample is older than the stale limit (dropped from the analysis). */
  readonly staleReplicas: number;
  /** Ready replicas that reported fresh metrics (the "N" of "N of M ready replicas report"). */
  readonly reportingReadyReplicas?: number | undefined;
}

/** The cycle's outcome for one variant: what to publish and apply. */
export interface VariantOutcome extends VariantRef {
  readonly modelId: string;
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly costPerReplica: number;
  /** Bounds actually used (minReplicas may have been raised, e.g. scale-to-zero disabled). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly currentReplicas: number;
  readonly readyReplicas: number;
  /** Desired replicas; undefined when the variant was left out (blocking problem). */
  readonly desiredReplicas: number | undefined;
  /** Decision reason (`scale-up`, `hold`, `no-metrics`, …) or `excluded`. */
  readonly reason: string;
  readonly steps: readonly DecisionStep[];
  readonly metrics: VariantMetricsStatus | undefined;
  /** MetricsAvailable, OptimizationReady, ConfigValid, and one per other problem (e.g. TargetResolved). */
  readonly conditions: readonly CycleCondition[];
  readonly generation?: number | undefined;
  /** The snapshot's scale target, echoed: what a sink scales. */
  readonly scaleTarget?: ScaleTargetSnapshot | undefined;
  /** The snapshot's stored object, echoed: what a sink writes the status of. */
  readonly object?: VariantObjectSnapshot | undefined;
  /** The snapshot's defining scaler, echoed: set → no status to write, Events go to it. */
  readonly definedBy?: VariantDefinedBy | undefined;
}

/** The cycle's outcome for one model (the source of the per-model log line). */
export interface ModelOutcome {
  readonly modelId: string;
  readonly namespace: string;
  readonly analyzer: AnalyzerName;
  readonly steps: readonly DecisionStep[];
  readonly variants: readonly {
    readonly name: string;
    readonly current: number;
    readonly desired: number;
    readonly reason: string;
  }[];
  /** Load seen, when known (req/s, tokens, ms). */
  readonly load?: {
    readonly arrivalRatePerSec?: number | undefined;
    readonly avgInputTokens?: number | undefined;
    readonly avgOutputTokens?: number | undefined;
    readonly ttftMs?: number | undefined;
    readonly itlMs?: number | undefined;
  } | undefined;
  /** Set when analysis/optimization failed for the model (its variants hold). */
  readonly error?: string | undefined;
}

/** Everything one cycle decided. */
export interface CycleReport {
  readonly nowMs: number;
  readonly models: readonly ModelOutcome[];
  /** Every variant of the snapshot, served or excluded. */
  readonly variants: readonly VariantOutcome[];
  /** The snapshot's GPU inventory, echoed. */
  readonly inventory?: GpuInventory | undefined;
  /** The snapshot's inventory entries, echoed (vendor and product per accelerator). */
  readonly inventoryEntries?: readonly GpuInventoryEntry[] | undefined;
}

/** What the sink managed to do; failures are retried by the next cycle (level-based). */
export interface ActuationResult {
  /** Variants whose desired count was applied (published or scaled). */
  readonly applied: number;
  readonly errors: readonly { readonly variant: string; readonly message: string }[];
}

/**
 * Port: applies the outcome (publish gauges, write status, scale, emit events…) from the report
 * alone: every variant outcome echoes what its snapshot said about the objects to act on
 * (`scaleTarget`, `object`, `generation`), and the report echoes the inventory. A sink never
 * asks the cluster reader. It must not throw for one variant: it reports it in `errors`.
 */
export interface DecisionSink {
  apply(report: CycleReport): Promise<ActuationResult>;
}
