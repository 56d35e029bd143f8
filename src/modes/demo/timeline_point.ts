/**
 * One timeline point from what the demo can observe (pure): the pool's counts per variant, the
 * latest scraped gauges of each replica, and the load generator's live counters.
 *
 * @module
 */
import type { ReplicaInfo } from "../../adapters/local/replica.ts";
import type { VariantStatus } from "../../adapters/local/status.ts";
import type { WindowGauges } from "../../adapters/scrape/window.ts";
import type { TimelinePoint, TimelineVariant } from "./recorder.ts";

/** Inputs of {@linkcode timelinePoint}. */
export interface PointInput {
  readonly tMs: number;
  readonly variants: readonly VariantStatus[];
  readonly replicas: readonly ReplicaInfo[];
  /** Latest gauges of a replica (undefined before its first scrape). */
  readonly gauges: (replicaId: string) => WindowGauges | undefined;
  readonly targetRatePerSec: number;
  readonly achievedRatePerSec: number;
  readonly inFlight: number;
}

/** Builds the point: queue summed and KV averaged over each variant's ready replicas. */
export function timelinePoint(input: PointInput): TimelinePoint {
  const variants: Record<string, TimelineVariant> = {};
  for (const s of input.variants) {
    const ready = input.replicas.filter((r) => r.variant === s.spec.name && r.state === "ready");
    const gauges = ready.map((r) => input.gauges(r.id)).filter((g): g is WindowGauges => !!g);
    const queues = gauges.map((g) => g.queueLength).filter((q): q is number => q !== undefined);
    const kvs = gauges.map((g) => g.kvUsage01).filter((k): k is number => k !== undefined);
    const held = s.loading + s.ready + s.draining;
    variants[s.spec.name] = {
      ready: s.ready,
      desired: s.desired,
      loading: s.loading,
      draining: s.draining,
      unschedulable: s.unschedulable,
      gpus: s.gpusHeld,
      queue: queues.length > 0 ? queues.reduce((a, b) => a + b, 0) : null,
      kvUsage01: kvs.length > 0 ? kvs.reduce((a, b) => a + b, 0) / kvs.length : null,
      costPerHour: held * s.spec.costPerReplica,
    };
  }
  return {
    tMs: input.tMs,
    targetRatePerSec: input.targetRatePerSec,
    achievedRatePerSec: input.achievedRatePerSec,
    inFlight: input.inFlight,
    variants,
  };
}
