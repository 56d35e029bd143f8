/**
 * The one adapter between the benchmark and wva's control cycle: a {@linkcode BenchObservation}
 * becomes the port records the cycle reads (`ClusterSnapshot` from the cluster reader,
 * `ModelMetrics` from the metrics source), exactly as the Kubernetes backend and the Prometheus
 * source would hand them over, in namespace `bench`; the gateway's flow-control queue becomes the
 * model's `schedulerQueue`, its arrivals the model's arrival rate. cycle_decider.ts wires the real cycle (`decideCycle` with its
 * settings and state) through it; tests plug a simple rule.
 *
 * @module
 */
import type {
  ClusterSnapshot,
  ModelMetrics,
  ReplicaSample,
  VariantSnapshot,
} from "../../contract/ports.ts";
import type {
  BenchObservation,
  DesiredReplicas,
  ObservedModel,
  ObservedVariant,
  WvaDecide,
} from "./seam.ts";

/** Namespace of every bench variant. */
export const BENCH_NAMESPACE = "bench";

/** What one control cycle reads. */
export interface CycleInputs {
  readonly nowMs: number;
  readonly snapshot: ClusterSnapshot;
  readonly metrics: readonly ModelMetrics[];
}

function variantSnapshot(m: ObservedModel, v: ObservedVariant): VariantSnapshot {
  const e = v.engine;
  return {
    namespace: BENCH_NAMESPACE,
    name: v.name,
    modelId: m.name,
    accelerator: v.accelerator,
    costPerReplica: v.costPerHour,
    gpusPerReplica: v.gpusPerReplica,
    minReplicas: v.minReplicas,
    maxReplicas: v.maxReplicas,
    currentReplicas: v.currentReplicas,
    readyReplicas: v.readyReplicas,
    pendingReplicas: v.pendingReplicas,
    replicaIds: v.podNames,
    ...(v.warmingPodNames ? { warmingReplicaIds: v.warmingPodNames } : {}),
    perf: {
      alphaMs: e.alphaMs,
      betaMs: e.betaMs,
      gammaMs: e.gammaMs,
      deltaMs: e.deltaMs,
      maxBatchSize: e.maxNumSeqs,
    },
    engine: { maxNumSeqs: e.maxNumSeqs, maxNumBatchedTokens: 8192 },
    kvCapacityTokens: e.kvCacheBlocks * e.blockSize,
    problems: [],
  };
}

/**
 * The model's arrival rate as the Prometheus source picks it: arrivals at the gateway, else its
 * dispatches, else the servers' completions (each with its `arrivalSource`).
 */
export function arrivalOf(
  m: ObservedModel,
): Pick<ModelMetrics, "arrivalRatePerSec" | "arrivalSource"> {
  if (m.gatewayArrivalRatePerSec !== undefined) {
    return { arrivalRatePerSec: m.gatewayArrivalRatePerSec, arrivalSource: "gateway" };
  }
  if (m.gatewayDispatchRatePerSec !== undefined) {
    return { arrivalRatePerSec: m.gatewayDispatchRatePerSec, arrivalSource: "dispatches" };
  }
  return m.arrivalRatePerSec !== undefined
    ? { arrivalRatePerSec: m.arrivalRatePerSec, arrivalSource: "completions" }
    : {};
}

function modelMetrics(m: ObservedModel): ModelMetrics {
  const replicas: ReplicaSample[] = m.variants.flatMap((v) =>
    v.replicas.map((r) => ({
      replicaId: r.pod,
      variant: v.name,
      kvUsage01: r.kvUsage01,
      queueLength: r.queueLength,
      runningRequests: r.runningRequests,
      numGpuBlocks: r.numGpuBlocks,
      blockSize: r.blockSize,
      itlMs: r.itlMs,
      kvUsageInstant01: r.kvUsageInstant01,
      sampleMs: r.sampleMs,
    }))
  );
  return {
    modelId: m.name,
    namespace: BENCH_NAMESPACE,
    replicas,
    ...arrivalOf(m),
    avgInputTokens: m.avgInputTokens,
    avgOutputTokens: m.avgOutputTokens,
    ttftMs: m.ttftMs,
    itlMs: m.itlMs,
    requestsInWindow: m.requestsInWindow,
    ...(m.gatewayQueue !== undefined
      ? { schedulerQueue: { requests: m.gatewayQueue, bytes: m.gatewayQueueBytes } }
      : {}),
  };
}

/** The cycle's inputs for an observation. */
export function toCycleInputs(obs: BenchObservation): CycleInputs {
  return {
    nowMs: obs.nowMs,
    snapshot: {
      variants: obs.models.flatMap((m) => m.variants.map((v) => variantSnapshot(m, v))),
      ...(obs.inventory ? { inventory: obs.inventory } : {}),
    },
    metrics: obs.models.map(modelMetrics),
  };
}

/** A decision function over the cycle's inputs (e.g. `decideCycle` plus its state). */
export type CycleDecide = (inputs: CycleInputs) => DesiredReplicas;

/** Wraps a cycle-level decision function as a bench decision function. */
export function viaCycleInputs(decide: CycleDecide): WvaDecide {
  return (obs) => decide(toCycleInputs(obs));
}
