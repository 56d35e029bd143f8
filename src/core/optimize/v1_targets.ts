/**
 * Saturation V1 targets (model.md §10 step 5): at most one replica per model per cycle.
 *
 * - Any variant in transition (pods on their way: pending, or warming up and not yet reporting
 *   load) → hold every variant at its current replicas, until the new pods show in the metrics.
 *   A published target the scale target has not reached is not a transition (see
 *   `inTransition`).
 * - Scale-up → the cheapest variant (ties: name ascending) without pods on their way and with room
 *   (below maxReplicas and within the GPU budget) gets +1. The reference skipped only pending
 *   variants and clamped afterwards, so a cheapest variant at its maximum blocked scale-up; we move
 *   on to the next cheapest instead.
 * - Scale-down safe (and not blocked, nor any pod still warming up) → the most expensive variant (ties: name descending) whose
 *   target is above its minReplicas gets −1, as long as the model keeps at least one replica (V1
 *   never takes a model to zero; a `minReplicas: 0` variant may go to zero while another serves).
 *
 * @module
 */
import type { V1Analysis } from "../contract/types.ts";
import {
  cheapestFirst,
  type GpuBudget,
  grow,
  headroom,
  inTransition,
  note,
  onTheirWay,
  warming,
  type WorkingVariant,
} from "./working.ts";

/** Applies the V1 rules to the working set. */
export function applyV1Targets(
  ws: WorkingVariant[],
  analysis: V1Analysis,
  options: { readonly budget?: GpuBudget; readonly blockScaleDown?: string },
): void {
  const moving = ws.filter((w) => inTransition(w.obs));
  if (moving.length > 0) {
    for (const w of ws) {
      w.reason = "in-transition";
      note(
        w,
        "v1.in-transition",
        `hold: ${
          moving.map((m) => m.obs.name).join(", ")
        } has pods on their way (pending or warming up)`,
        { pendingReplicas: w.obs.pendingReplicas, currentReplicas: w.obs.currentReplicas },
      );
    }
    return;
  }
  if (analysis.scaleUp) {
    const pick = ws.filter((w) => onTheirWay(w.obs) === 0 && headroom(w, options.budget) >= 1)
      .sort(cheapestFirst)[0];
    if (!pick) {
      for (const w of ws) {
        note(w, "v1.scale-up-blocked", "scale-up wanted but no variant has room (max or GPUs)", {
          maxReplicas: w.obs.maxReplicas,
        });
      }
      return;
    }
    grow(pick, 1, options.budget);
    pick.reason = "scale-up";
    note(
      pick,
      "v1.scale-up",
      `cheapest variant with room gets +1 (cost ${pick.obs.costPerReplica})`,
      {
        costPerReplica: pick.obs.costPerReplica,
        from: pick.obs.currentReplicas,
        to: pick.target,
      },
    );
    return;
  }
  if (analysis.scaleDownSafe) {
    const warm = ws.filter((w) => warming(w.obs) > 0).map((w) => w.obs.name);
    const blocked = options.blockScaleDown ??
      (warm.length > 0 ? `${warm.join(", ")} has pods still warming up` : undefined);
    if (blocked) {
      for (const w of ws) note(w, "v1.scale-down-blocked", blocked);
      return;
    }
    const total = ws.reduce((a, w) => a + w.target, 0);
    const pick = total <= 1 ? undefined : ws.filter((w) => w.target > w.obs.minReplicas)
      .sort((a, b) => -cheapestFirst(a, b))[0];
    if (!pick) return;
    pick.target -= 1;
    pick.reason = "scale-down";
    note(
      pick,
      "v1.scale-down",
      `most expensive variant above its minReplicas gets −1 (cost ${pick.obs.costPerReplica})`,
      { costPerReplica: pick.obs.costPerReplica, from: pick.obs.currentReplicas, to: pick.target },
    );
  }
}
