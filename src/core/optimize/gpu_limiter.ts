/**
 * GPU-inventory limiter: caps scale-ups across all models so that the GPUs asked for fit the
 * GPUs that exist (pure; the inventory comes from the cluster adapter).
 *
 * Rule: first every hold and scale-down is applied (they never need GPUs); the GPUs left per
 * accelerator are `inventory − Σ gpusPerReplica × min(current, target)` over all variants. Then
 * scale-up requests are granted in order of model priority (1 first), cheaper replica first, then
 * model and variant name; each gets as many replicas as fit (partial grants allowed). A variant
 * whose accelerator is not in the inventory is not limited (fail open), and its steps say so.
 *
 * `decideModels` (src/core/cycle/decide_models.ts) uses the inventory *during* optimization instead, so
 * that demand spills over to the next-cheapest variant; this limiter is the post-hoc form for
 * decisions made without a budget.
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import type { DecisionStep, ModelDecision, VariantDecision } from "../contract/types.ts";

/** GPUs per accelerator name that the managed variants may use in total. */
export type GpuInventory = Readonly<Record<string, number>>;

/** GPUs in use per accelerator if every hold and scale-down of `decisions` is applied. */
export function baselineGpus(decisions: readonly ModelDecision[]): Record<string, number> {
  const used: Record<string, number> = {};
  for (const d of decisions) {
    for (const v of d.variants) {
      const n = Math.min(v.currentReplicas, v.targetReplicas) * v.gpusPerReplica;
      used[v.accelerator] = (used[v.accelerator] ?? 0) + n;
    }
  }
  return used;
}

/** Caps scale-ups to the inventory; returns new decisions (inputs untouched) and summary steps. */
export function limitByGpuInventory(
  decisions: readonly ModelDecision[],
  inventory: GpuInventory,
): { readonly decisions: ModelDecision[]; readonly steps: DecisionStep[] } {
  const used = baselineGpus(decisions);
  const free: Record<string, number> = {};
  for (const [acc, total] of Object.entries(inventory)) free[acc] = total - (used[acc] ?? 0);
  const requests = decisions.flatMap((d, mi) =>
    d.variants.map((v, vi) => ({ d, v, mi, vi })).filter(({ v }) =>
      v.targetReplicas > v.currentReplicas
    )
  ).sort((a, b) =>
    a.d.priority - b.d.priority || a.v.costPerReplica - b.v.costPerReplica ||
    a.d.modelId.localeCompare(b.d.modelId) || a.v.variant.localeCompare(b.v.variant)
  );
  const out = decisions.map((d) => ({ ...d, variants: [...d.variants] }));
  const steps: DecisionStep[] = [];
  for (const { d, v, mi, vi } of requests) {
    const wanted = v.targetReplicas - v.currentReplicas;
    const avail = free[v.accelerator];
    let granted = wanted;
    let message: string;
    if (avail === undefined || v.gpusPerReplica === 0) {
      message = avail === undefined
        ? `${v.accelerator} is not in the GPU inventory: +${wanted} not limited`
        : `no GPUs per replica: +${wanted} not limited`;
    } else {
      granted = Math.max(0, Math.min(wanted, Math.floor(avail / v.gpusPerReplica)));
      free[v.accelerator] = avail - granted * v.gpusPerReplica;
      message = granted === wanted
        ? `+${wanted} fits: ${granted * v.gpusPerReplica} of ${avail} free ${v.accelerator} GPUs`
        : `wanted +${wanted}, granted +${granted}: ${avail} free ${v.accelerator} GPUs, ${v.gpusPerReplica} per replica`;
    }
    const s = step("limiter.gpu", message, {
      variant: v.variant,
      model: d.modelId,
      priority: d.priority,
      wanted,
      granted,
      freeGpus: avail ?? null,
      gpusPerReplica: v.gpusPerReplica,
    });
    const limited: VariantDecision = {
      ...v,
      targetReplicas: v.currentReplicas + granted,
      reason: granted < wanted ? "limited" : v.reason,
      steps: [...v.steps, s],
    };
    out[mi]!.variants[vi] = limited;
    if (granted < wanted) steps.push(s);
  }
  return { decisions: out, steps };
}
