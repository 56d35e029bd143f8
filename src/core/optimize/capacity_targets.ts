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

/** Options of {@linkcode applyCapacityTargets}. */
export interface CapacityTargetOptions {
  readonly budget?: GpuBudget;
  /** Why scale-down is blocked this cycle, if it is. */
  readonly blockScaleDown?: string;
}

/** Applies RC/SC to the working set. */
export function applyCapacityTargets(
  ws: WorkingVariant[],
  analysis: CapacityAnalysis,
  options: CapacityTargetOptions,
): void {
  const prc = new Map(analysis.variants.map((v) => [v.variant, v.perReplicaCapacity]));
  const capacityOf = (w: WorkingVariant) => prc.get(w.obs.name) ?? 0;
  if (analysis.requiredCapacity > 0) {
    addCapacity(ws, analysis.requiredCapacity, capacityOf, analysis.unit, options.budget);
  } else if (analysis.spareCapacity > 0) {
    if (options.blockScaleDown) {
      for (const w of ws) note(w, "cost-aware.scale-down-blocked", options.blockScaleDown);
    } else {
      removeCapacity(ws, analysis.spareCapacity, capacityOf, analysis.unit);
    }
  }
}

/** While RC > 0: +⌈RC / PRC⌉ replicas (within room) to the lowest cost per unit of capacity. */
function addCapacity(
  ws: WorkingVariant[],
  required: number,
  capacityOf: (w: WorkingVariant) => number,
  unit: string,
  budget: GpuBudget | undefined,
): void {
  let rc = required;
  while (rc > 0) {
    const pick = ws.filter((w) => capacityOf(w) > 0 && headroom(w, budget) >= 1)
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
    const add = Math.min(Math.ceil(rc / c), headroom(pick, budget));
    const before = pick.target;
    grow(pick, add, budget);
    rc -= add * c;
    pick.reason = "scale-up";
    const perCapacity = pick.obs.costPerReplica / c;
    note(
      pick,
      "cost-aware.scale-up",
      `lowest cost per capacity (${fmt(perCapacity)} per ${unit}): +${add} replica(s), ${
        fmt(Math.max(rc, 0))
      } ${unit} still required`,
      {
        costPerReplica: pick.obs.costPerReplica,
        perReplicaCapacity: c,
        costPerCapacity: perCapacity,
        added: add,
        from: before,
        to: pick.target,
        remainingRequired: Math.max(rc, 0),
      },
    );
  }
}

/** SC > 0: −⌊SC / PRC⌋ replicas from the most expensive first, never below min or to zero. */
function removeCapacity(
  ws: WorkingVariant[],
  spare: number,
  capacityOf: (w: WorkingVariant) => number,
  unit: string,
): void {
  let sc = spare;
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
