/**
 * Does the scale target follow the published desired count? (pure)
 *
 * The cycle decides from the target's replicas as they are (a published count the target has not
 * reached is not a "transition": see `inTransition` in src/core/optimize/working.ts). What is
 * left is to tell the operator when the target does not move: no HPA/ScaledObject reads
 * `wva_desired_replicas`, its `maxReplicas` is below ours, its `minReplicas` above, or a stale
 * desired count sits in the status after a restart. The condition `TargetFollowing`:
 *
 * - `True/TargetAtDesired`: the target's `spec.replicas` equals the last published count (or
 *   nothing was published yet);
 * - `True/TargetCatchingUp`: it differs, but has moved within the grace period (HPA sync and
 *   metrics delays on the way up; the HPA's and KEDA's scale-down windows on the way down);
 * - `False/TargetNotFollowing`: it has not moved for longer than {@linkcode FOLLOW_UP_GRACE_MS}
 *   (target below the published count) or {@linkcode FOLLOW_DOWN_GRACE_MS} (above it).
 *
 * The time a target stands still is kept in the cycle state ({@linkcode TargetWatch}); a watch
 * is dropped as soon as the target equals the published count.
 *
 * @module
 */
import { ConditionType, Reason } from "../api/conditions.ts";
import type { CycleCondition } from "../contract/ports.ts";
import type { TargetWatch } from "../contract/settings.ts";

/** A target below the published count that has not moved for this long does not follow (3 min). */
export const FOLLOW_UP_GRACE_MS = 180_000;
/** The same above the published count (10 min: the HPA's default scale-down window is 5 min). */
export const FOLLOW_DOWN_GRACE_MS = 600_000;

/** The condition and the watch to keep for the next cycle (undefined: nothing to watch). */
export interface FollowResult {
  readonly condition: CycleCondition;
  readonly watch: TargetWatch | undefined;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 1000)}s`;
}

/**
 * The `TargetFollowing` condition of one variant: `published` is the desired count the last cycle
 * published (or the VA status held at restart), `specReplicas` the target's replicas now.
 */
export function followTarget(
  published: number | undefined,
  specReplicas: number,
  watch: TargetWatch | undefined,
  nowMs: number,
): FollowResult {
  const type = ConditionType.TargetFollowing;
  if (published === undefined || published === specReplicas) {
    const message = published === undefined
      ? "no desired count published yet"
      : `the target is at the published ${published} replica(s)`;
    return {
      condition: { type, status: "True", reason: Reason.TargetAtDesired, message },
      watch: undefined,
    };
  }
  const next = watch && watch.specReplicas === specReplicas
    ? watch
    : { specReplicas, sinceMs: nowMs };
  const still = Math.max(0, nowMs - next.sinceMs);
  const up = published > specReplicas;
  const grace = up ? FOLLOW_UP_GRACE_MS : FOLLOW_DOWN_GRACE_MS;
  if (still < grace) {
    return {
      condition: {
        type,
        status: "True",
        reason: Reason.TargetCatchingUp,
        message: `published ${published}, the target is at ${specReplicas} (unchanged for ${
          seconds(still)
        }; expected to move within ${seconds(grace)})`,
      },
      watch: next,
    };
  }
  const bound = up ? "maxReplicas" : "minReplicas";
  return {
    condition: {
      type,
      status: "False",
      reason: Reason.TargetNotFollowing,
      message:
        `published ${published} but the target is still at ${specReplicas} after ${
          seconds(still)
        }: is an HPA or ScaledObject reading wva_desired_replicas for this variant, with ${bound} ` +
        `allowing ${published}? (or run the controller with --direct-scale)`,
    },
    watch: next,
  };
}
