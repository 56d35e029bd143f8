/**
 * The working set of one model's optimization: a local, mutable copy of each variant's target,
 * reason and steps (inputs are never mutated), plus the GPU budget the model may draw on.
 *
 * @module
 */
import { replicasThatFit, takeGpus } from "../contract/gpus.ts";
import { step } from "../contract/steps.ts";
import type {
  DecisionReason,
  DecisionStep,
  StepValue,
  VariantDecision,
  VariantObservation,
} from "../contract/types.ts";

/** Free GPUs per accelerator name that scale-ups may use; missing names are unconstrained. */
export type GpuBudget = Record<string, number>;

/** One variant being decided. */
export interface WorkingVariant {
  readonly obs: VariantObservation;
  target: number;
  reason: DecisionReason;
  readonly steps: DecisionStep[];
}

/** Starts every variant at its current replicas, reason `hold`. */
export function startWorking(variants: readonly VariantObservation[]): WorkingVariant[] {
  return variants.map((obs) => ({ obs, target: obs.currentReplicas, reason: "hold", steps: [] }));
}

/** Adds a step to a variant. */
export function note(
  w: WorkingVariant,
  rule: string,
  message: string,
  values: Readonly<Record<string, StepValue>> = {},
): void {
  w.steps.push(step(rule, message, { variant: w.obs.name, ...values }));
}

/** True when the variant is between decisions: pods pending or the last target not reached. */
export function inTransition(v: VariantObservation): boolean {
  const desired = v.previousDesiredReplicas;
  return v.pendingReplicas > 0 || (desired !== undefined && desired !== 0 &&
    desired !== v.currentReplicas);
}

/**
 * Replicas the variant may still add: up to maxReplicas and, when its accelerator is in the
 * budget, up to the free GPUs.
 */
export function headroom(w: WorkingVariant, budget: GpuBudget | undefined): number {
  const byMax = Math.max(0, w.obs.maxReplicas - w.target);
  return Math.min(byMax, replicasThatFit(budget?.[w.obs.accelerator], w.obs.gpusPerReplica));
}

/** Adds `n` replicas to a variant and charges its GPUs to the budget. */
export function grow(w: WorkingVariant, n: number, budget: GpuBudget | undefined): void {
  w.target += n;
  const { accelerator, gpusPerReplica } = w.obs;
  if (budget) takeGpus(budget, { accelerator, gpusPerReplica, replicas: n });
}

/** Orders by cost ascending, then name ascending. */
export function cheapestFirst(a: WorkingVariant, b: WorkingVariant): number {
  return a.obs.costPerReplica - b.obs.costPerReplica || a.obs.name.localeCompare(b.obs.name);
}

/** Freezes the working set into decisions. */
export function toDecisions(ws: readonly WorkingVariant[]): VariantDecision[] {
  return ws.map((w) => ({
    variant: w.obs.name,
    accelerator: w.obs.accelerator,
    gpusPerReplica: w.obs.gpusPerReplica,
    costPerReplica: w.obs.costPerReplica,
    currentReplicas: w.obs.currentReplicas,
    targetReplicas: w.target,
    reason: w.reason,
    steps: [...w.steps],
  }));
}
