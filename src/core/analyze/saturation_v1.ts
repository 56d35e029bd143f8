/**
 * Saturation analyzer V1: the percentage/spare model (model.md §10, controller.md §3.5).
 *
 * A replica is *saturated* when its KV-cache usage reaches `kvCacheThreshold` (τ_kv) or its
 * waiting queue reaches `queueLengthThreshold` (τ_q). Every non-saturated replica has spare
 * s_kv = τ_kv − u and s_q = τ_q − q; the model averages them over all non-saturated replicas of
 * all variants (0 when there are none).
 *
 * - Scale up when s̄_kv < θ_kv or s̄_q < θ_q (the spare triggers): headroom is running out *before*
 *   any replica is saturated ("proactive headroom").
 * - Scale down is *safe* when at least 2 replicas are non-saturated and their load re-spread over
 *   one replica fewer still leaves spare ≥ θ for both signals ("fragmentation-aware": free KV on
 *   many replicas is not pooled capacity, so the check reasons per replica).
 *
 * This file only computes the signals; the ±1-replica targets are chosen in
 * `src/core/optimize/v1_targets.ts`.
 *
 * @module
 */
import type {
  DecisionStep,
  ModelObservation,
  ReplicaMetrics,
  V1Analysis,
} from "../contract/types.ts";
import type { SaturationConfig } from "./saturation_config.ts";
import { step } from "../contract/steps.ts";

/** Fewest non-saturated replicas for which a scale-down can be safe. */
export const MIN_NON_SATURATED_FOR_SCALE_DOWN = 2;

/** Saturation state of one replica. */
export interface V1ReplicaState {
  readonly replicaId: string;
  readonly variant: string;
  readonly saturated: boolean;
  /** Which threshold was reached (`kv`, `queue`, `kv+queue`), or `none`. */
  readonly cause: "kv" | "queue" | "kv+queue" | "none";
  readonly spareKv01: number;
  readonly spareQueue: number;
}

/** Classifies one replica against the thresholds. */
export function replicaStateV1(
  m: ReplicaMetrics,
  variant: string,
  cfg: SaturationConfig,
): V1ReplicaState {
  const kv = m.kvUsage01 >= cfg.kvCacheThreshold;
  const q = m.queueLength >= cfg.queueLengthThreshold;
  return {
    replicaId: m.replicaId,
    variant,
    saturated: kv || q,
    cause: kv && q ? "kv+queue" : kv ? "kv" : q ? "queue" : "none",
    spareKv01: cfg.kvCacheThreshold - m.kvUsage01,
    spareQueue: cfg.queueLengthThreshold - m.queueLength,
  };
}

/**
 * Spare left per replica if the load of `m` non-saturated replicas with average spare `avgSpare`
 * were re-spread over m − 1: τ − (τ − s̄)·m/(m−1).
 */
export function spareAfterRemoval(threshold: number, avgSpare: number, m: number): number {
  if (m < 2) return -Infinity;
  return threshold - ((threshold - avgSpare) * m) / (m - 1);
}

/** Computes the V1 signals for one model from the replicas that reported metrics. */
export function analyzeSaturationV1(obs: ModelObservation, cfg: SaturationConfig): V1Analysis {
  const states = obs.variants.flatMap((v) => v.replicas.map((r) => replicaStateV1(r, v.name, cfg)));
  const free = states.filter((s) => !s.saturated);
  const m = free.length;
  const avgSpareKv01 = m > 0 ? free.reduce((a, s) => a + s.spareKv01, 0) / m : 0;
  const avgSpareQueue = m > 0 ? free.reduce((a, s) => a + s.spareQueue, 0) / m : 0;
  const scaleUp = avgSpareKv01 < cfg.kvSpareTrigger || avgSpareQueue < cfg.queueSpareTrigger;
  const kvAfter = spareAfterRemoval(cfg.kvCacheThreshold, avgSpareKv01, m);
  const qAfter = spareAfterRemoval(cfg.queueLengthThreshold, avgSpareQueue, m);
  const scaleDownSafe = m >= MIN_NON_SATURATED_FOR_SCALE_DOWN &&
    kvAfter >= cfg.kvSpareTrigger && qAfter >= cfg.queueSpareTrigger;

  const saturated = states.filter((s) => s.saturated);
  const steps: DecisionStep[] = [
    step(
      "v1.replicas",
      `${states.length} replicas reported, ${saturated.length} saturated (KV ≥ ${cfg.kvCacheThreshold} or queue ≥ ${cfg.queueLengthThreshold})`,
      {
        replicas: states.length,
        saturated: saturated.length,
        nonSaturated: m,
        saturatedIds: saturated.map((s) => `${s.replicaId}:${s.cause}`).join(",") || null,
      },
    ),
    step(
      "v1.spare",
      scaleUp
        ? `average spare below a trigger (KV ${fmt(avgSpareKv01)} vs ${cfg.kvSpareTrigger}, queue ${
          fmt(avgSpareQueue)
        } vs ${cfg.queueSpareTrigger}): scale up`
        : `average spare above both triggers (KV ${
          fmt(avgSpareKv01)
        } ≥ ${cfg.kvSpareTrigger}, queue ${fmt(avgSpareQueue)} ≥ ${cfg.queueSpareTrigger})`,
      {
        avgSpareKv01,
        avgSpareQueue,
        kvSpareTrigger: cfg.kvSpareTrigger,
        queueSpareTrigger: cfg.queueSpareTrigger,
        scaleUp,
      },
    ),
    step(
      "v1.scale-down-check",
      m < MIN_NON_SATURATED_FOR_SCALE_DOWN
        ? `scale-down unsafe: ${m} non-saturated replica(s), need ≥ ${MIN_NON_SATURATED_FOR_SCALE_DOWN}`
        : `load of ${m} replicas re-spread over ${m - 1} leaves spare KV ${fmt(kvAfter)}, queue ${
          fmt(qAfter)
        }: scale-down ${scaleDownSafe ? "safe" : "unsafe"}`,
      {
        nonSaturated: m,
        spareKvAfter01: m >= 2 ? kvAfter : null,
        spareQueueAfter: m >= 2 ? qAfter : null,
        scaleDownSafe,
      },
    ),
  ];
  return {
    kind: "saturation-v1",
    scaleUp,
    scaleDownSafe,
    avgSpareKv01,
    avgSpareQueue,
    nonSaturatedReplicas: m,
    totalReplicas: states.length,
    steps,
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
