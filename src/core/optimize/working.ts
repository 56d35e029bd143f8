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

/**
 * True while pods of the variant are on their way: created but not Ready, or Ready but still
 * warming up and not yet reporting load (the backend counts both as pending; see
 * {@linkcode onTheirWay}). A published desired count the target has not
 * reached is **not** a transition: a target that does not follow (HPA maxReplicas below ours, no
 * HPA, a stale desired count in the status at restart) would otherwise hold the model forever;
 * the cycle reports it as `TargetFollowing=False` instead.
 */
export function inTransition(v: VariantObservation): boolean {
  return onTheirWay(v) > 0;
}

/**
 * Pods of the variant still on their way: pending minus those warming up that already report
 * load (`warmedReplicas`: their numbers are in the metrics).
 */
export function onTheirWay(v: VariantObservation): number {
  return Math.max(0, v.pendingReplicas - (v.warmedReplicas ?? 0));
}

/** Replicas still within the warm-up that already report load (they block V1's scale-down). */
export function warming(v: VariantObservation): number {
  return v.warmedReplicas ?? 0;
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
