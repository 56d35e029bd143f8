/**
 * The seam between the benchmark and wva's decision code: a `wva` arm calls a decision function
 * at the controller's interval with what the controller would observe through Prometheus at that
 * moment, and applies the desired replicas it returns (directly, or through an HPA on the
 * exported `wva_desired_replicas` gauge).
 *
 * A decision function is made fresh for each run by a factory registered under a name (the arm's
 * `decide:`), so it can keep state between cycles (wva's `CycleState`) without leaking it across
 * arms. `cycle_adapter.ts` converts the observation to the control cycle's port records
 * (`ClusterSnapshot`, `ModelMetrics`).
 *
 * @module
 */
import type { EngineParams } from "../../../../emulator/engine/types.ts";
import type { Slo } from "../../load/slo.ts";

/** One replica (pod) as Prometheus shows it; fields absent when no sample is fresh. */
export interface ObservedReplica {
  readonly pod: string;
  /** `max_over_time` over the controller's window. */
  readonly kvUsage01?: number;
  readonly queueLength?: number;
  readonly runningRequests?: number;
  readonly numGpuBlocks?: number;
  readonly blockSize?: number;
  /** The newest KV usage sample (not the window's maximum). */
  readonly kvUsageInstant01?: number;
  /**
   * The pod's mean inter-token latency over the window, ms
   * (`rate(vllm:inter_token_latency_seconds_sum[W]) / rate(…_count[W])`): the throughput
   * analyzer's samples. Absent when the pod decoded nothing in the window.
   */
  readonly itlMs?: number;
  /** Time of the newest sample (ms, virtual clock). */
  readonly sampleMs?: number;
}

/** One variant: its definition and its Deployment's counts now. */
export interface ObservedVariant {
  readonly name: string;
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly costPerHour: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The Deployment's spec replicas. */
  readonly currentReplicas: number;
  /** Ready pods past the controller's warm-up (`warmupSec` after Ready; initial pods are warm). */
  readonly readyReplicas: number;
  /** Not terminating and not counted Ready (Pending, loading or warming up). */
  readonly pendingReplicas: number;
  /** Pod names of the Deployment (not terminating). */
  readonly podNames: readonly string[];
  /** Pods Ready for less than the warm-up (counted in `pendingReplicas`). */
  readonly warmingPodNames?: readonly string[];
  /** The emulated engine's parameters (what a VariantAutoscaling's perf spec would say). */
  readonly engine: EngineParams;
  readonly replicas: readonly ObservedReplica[];
}

/** One model: its load as the controller measures it, its SLO and its variants. */
export interface ObservedModel {
  readonly name: string;
  readonly slo: Slo;
  /** `sum(rate(vllm:request_success_total[W]))` (what wva's Prometheus source reads), req/s. */
  readonly arrivalRatePerSec?: number;
  /**
   * Requests arriving at the gateway, req/s: those that left its flow control (any outcome) plus
   * the growth of its queue over the window (what the Prometheus source's `gateway_arrival_rate`
   * reads); absent without flow control.
   */
  readonly gatewayArrivalRatePerSec?: number;
  /** The gateway's dispatches, `rate(inference_extension_scheduler_attempts_total[W])`, req/s. */
  readonly gatewayDispatchRatePerSec?: number;
  readonly avgInputTokens?: number;
  readonly avgOutputTokens?: number;
  readonly ttftMs?: number;
  readonly itlMs?: number;
  /** Requests waiting in the gateway's flow-control queue (instant). */
  readonly gatewayQueue?: number;
  /** Bytes of the prompts waiting in the gateway's flow-control queue (instant). */
  readonly gatewayQueueBytes?: number;
  /**
   * Requests served over the decision function's `requestWindowMs`
   * (`increase(vllm:request_success_total[R])`); absent when it asks for none or no series.
   */
  readonly requestsInWindow?: number;
  readonly variants: readonly ObservedVariant[];
}

/** What a decision function sees at one cycle. */
export interface BenchObservation {
  readonly nowMs: number;
  readonly models: readonly ObservedModel[];
  /** GPUs per accelerator type; absent = unlimited. */
  readonly inventory?: Readonly<Record<string, number>>;
}

/** Desired replicas per variant name; variants left out keep their count. */
export type DesiredReplicas = ReadonlyMap<string, number>;

/**
 * A decision function: observation in, desired replicas out (pure apart from its own state).
 * `requestWindowMs`, when set, asks the observation for `requestsInWindow` over that window (as
 * the cycle's metrics request does for scale-to-zero).
 */
export interface WvaDecide {
  (obs: BenchObservation): DesiredReplicas;
  readonly requestWindowMs?: number;
}

/** Makes a fresh decision function for one run from the arm's `settings`. */
export type WvaDeciderFactory = (settings: Readonly<Record<string, unknown>>) => WvaDecide;

/** Decision-function factories by name (the `decide:` of a wva arm). */
export type WvaRegistry = Readonly<Record<string, WvaDeciderFactory>>;
