/**
 * The cost-aware step on capacity signals (controller.md §3.6, model.md §11), shared by
 * saturation V2 (tokens) and the queueing model (req/s).
 *
 * - Required capacity RC > 0 → repeatedly pick the variant with the lowest cost per unit of
 *   capacity (cost / PRC; ties by name) that still has room (maxReplicas, GPU budget) and add
 *   min(⌈RC / PRC⌉, room) replicas; RC shrinks by the capacity added. Pending replicas are already
 *   in the anticipated supply, so they are not skipped.
 * - Otherwise spare capacity SC > 0 → walk variants from the most expensive (ties: smaller PRC,
 *   then name) and remove min(⌊SC / PRC⌋, target − minReplicas) from each, SC shrinking as
 *   replicas go. The cheapest variant keeps ≥ 1 replica unless a pricier one still has replicas,
 *   so the model never drops to zero here.
 *
 * @module
 */
import type { CapacityAnalysis } from "../contract/types.ts";
import { type GpuBudget, grow, headroom, note, type WorkingVariant } from "./working.ts";

/** Applies RC/SC to the working set. */
export function applyCapacityTargets(
  ws: WorkingVariant[],
  analysis: CapacityAnalysis,
  options: { readonly budget?: GpuBudget; readonly blockScaleDown?: string },
): void {
  const prc = new Map(analysis.variants.map((v) => [v.variant, v.perReplicaCapacity]));
  const capacityOf = (w: WorkingVariant) => prc.get(w.obs.name) ?? 0;
  const unit = analysis.unit;
  if (analysis.requiredCapacity > 0) {
    let rc = analysis.requiredCapacity;
    while (rc > 0) {
      const pick = ws.filter((w) => capacityOf(w) > 0 && headroom(w, options.budget) >= 1)
        .sort((a, b) =>
          a.obs.costPerReplica / capacityOf(a) - b.obs.costPerReplica / capacityOf(b) ||
          a.obs.name.localeCompare(b.obs.name)
        )[0];
      if (!pick) {
        for (const w of ws) {
          note(
            w,
            "cost-aware.scale-up-blocked",
            `${fmt(rc)} ${unit} still required but no variant has room`,
            {
              remainingRequired: rc,
              maxReplicas: w.obs.maxReplicas,
            },
          );
        }
        return;
      }
      const c = capacityOf(pick);
      const room = headroom(pick, options.budget);
      const add = Math.min(Math.ceil(rc / c), room);
      const before = pick.target;
      grow(pick, add, options.budget);
      rc -= add * c;
      pick.reason = "scale-up";
      note(
        pick,
        "cost-aware.scale-up",
        `lowest cost per capacity (${
          fmt(pick.obs.costPerReplica / c)
        } per ${unit}): +${add} replica(s), ${fmt(Math.max(rc, 0))} ${unit} still required`,
        {
          costPerReplica: pick.obs.costPerReplica,
          perReplicaCapacity: c,
          costPerCapacity: pick.obs.costPerReplica / c,
          added: add,
          from: before,
          to: pick.target,
          remainingRequired: Math.max(rc, 0),
        },
      );
    }
    return;
  }
  if (analysis.spareCapacity <= 0) return;
  if (options.blockScaleDown) {
    for (const w of ws) note(w, "cost-aware.scale-down-blocked", options.blockScaleDown);
    return;
  }
  let sc = analysis.spareCapacity;
  const order = ws.filter((w) => capacityOf(w) > 0).sort((a, b) =>
    b.obs.costPerReplica - a.obs.costPerReplica || capacityOf(a) - capacityOf(b) ||
    a.obs.name.localeCompare(b.obs.name)
  );
  for (const w of order) {
    const c = capacityOf(w);
    let remove = Math.min(Math.floor(sc / c), w.target - w.obs.minReplicas);
    const others = ws.reduce((a, o) => a + (o === w ? 0 : o.target), 0);
    if (others === 0) remove = Math.min(remove, w.target - 1);
    if (remove <= 0) continue;
    const before = w.target;
    w.target -= remove;
    sc -= remove * c;
    w.reason = "scale-down";
    note(
      w,
      "cost-aware.scale-down",
      `most expensive first: −${remove} replica(s), ${fmt(sc)} ${unit} spare left`,
      {
        costPerReplica: w.obs.costPerReplica,
        perReplicaCapacity: c,
        removed: remove,
        from: before,
        to: w.target,
        remainingSpare: sc,
      },
    );
  }
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(5)));
}
