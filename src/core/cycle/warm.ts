/**
 * Warm by metrics: a replica that became Ready less than the warm-up ago (`--warmup`, 90 s) counts
 * as pending, because its effect is not in the metrics yet, and saturation V1 holds the model while
 * any replica is on its way. Once such a replica reports a fresh sample that shows it serving
 * (requests running or waiting, or KV in use), its own numbers are in the metrics: it is
 * *warmed* ({@linkcode warmedReplicas}). A warmed replica no longer holds V1's scale-up; it still
 * counts as pending everywhere else — V1 does not scale down and V2 and the queueing model count it
 * in the anticipated supply only — until the warm-up has passed, because a pod that has just started
 * taking requests does not show its steady load yet.
 *
 * Why: the warm-up exists so that one burst does not scale up twice before the new pods show their
 * effect. A pod that reports its load has shown it; holding V1 for the rest of the 90 s after 60 s
 * of model loading made it add one replica per 150 s. The other replicas' `max_over_time` window
 * may still show the load from before; V1 averages spare over non-saturated replicas only, so a
 * busy old replica does not make the new one look full.
 *
 * Not while the model has no warm replica at all (it has just come from zero): its first pods
 * drain everything that queued at the gateway while nothing served, so they look saturated
 * whatever the steady load is; there the whole warm-up still holds.
 *
 * @module
 */
import type { VariantSnapshot } from "../contract/ports.ts";
import type { ReplicaMetrics } from "../contract/types.ts";

/** True when the replica's fresh sample shows it serving requests. */
function serving(m: ReplicaMetrics): boolean {
  return m.runningRequests > 0 || m.queueLength > 0 || m.kvUsage01 > 0;
}

/**
 * How many of the variant's replicas still within the warm-up (the backend's
 * `warmingReplicaIds`, counted in `pendingReplicas`) report fresh metrics that show them serving.
 * 0 when the backend does not name its warming replicas, or when no variant of the model has a
 * warm replica (`modelHasWarm` false: it has just come from zero).
 */
export function warmedReplicas(
  v: VariantSnapshot,
  fresh: readonly ReplicaMetrics[],
  modelHasWarm: boolean,
): number {
  const warming = new Set(v.warmingReplicaIds ?? []);
  if (warming.size === 0 || !modelHasWarm) return 0;
  const warmed = new Set(
    fresh.filter((m) => warming.has(m.replicaId) && serving(m))
      .map((m) => m.replicaId),
  );
  return Math.min(warmed.size, v.pendingReplicas);
}
