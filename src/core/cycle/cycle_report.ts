/**
 * The last part of a cycle (pure): the served models' decisions (or errors) and the excluded
 * variants → the {@linkcode CycleReport} the sink applies, and the desired counts the next cycle
 * remembers. The metrics guard and the conditions are applied per variant (outcomes.ts).
 *
 * @module
 */
import type {
  ClusterSnapshot,
  CycleReport,
  ModelOutcome,
  VariantOutcome,
} from "../contract/ports.ts";
import { variantKey } from "../contract/ports.ts";
import type { ModelDecision } from "../contract/types.ts";
import type { CyclePlan, ModelPlan } from "./models.ts";
import { excludedOutcome, servedOutcome } from "./outcomes.ts";

/** What the stages concluded about one served model. */
export interface ModelResult {
  readonly decision?: ModelDecision | undefined;
  /** Analysis or optimization failed: the model's variants hold. */
  readonly error?: string | undefined;
}

function loadOf(plan: ModelPlan): ModelOutcome["load"] {
  const m = plan.metrics;
  if (!m || m.error !== undefined) return undefined;
  return {
    arrivalRatePerSec: m.arrivalRatePerSec,
    avgInputTokens: m.avgInputTokens,
    avgOutputTokens: m.avgOutputTokens,
    ttftMs: m.ttftMs,
    itlMs: m.itlMs,
  };
}

function modelOutcome(
  plan: ModelPlan,
  result: ModelResult,
  outcomes: readonly VariantOutcome[],
): ModelOutcome {
  const load = loadOf(plan);
  return {
    modelId: plan.group.modelId,
    namespace: plan.group.namespace,
    analyzer: plan.analyzer,
    // Model-level steps first, then each variant's (its rule, guard and clamp steps).
    steps: [
      ...plan.analyzerSteps,
      ...(result.decision?.steps ?? []),
      ...outcomes.flatMap((o) => o.steps),
    ],
    variants: outcomes.map((o) => ({
      name: o.name,
      current: o.currentReplicas,
      desired: o.desiredReplicas ?? o.currentReplicas,
      reason: o.reason,
    })),
    ...(load ? { load } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
  };
}

function variantOutcomes(plan: ModelPlan, result: ModelResult): VariantOutcome[] {
  return plan.group.variants.map((v) => {
    const d = result.decision?.variants.find((x) => x.variant === v.name);
    const health = plan.observed.metrics.get(v.name)!;
    return servedOutcome(v, d, health, result.error);
  });
}

/** The report of a cycle and the desired count of every served variant (by `namespace/name`). */
export function buildReport(
  snapshot: ClusterSnapshot,
  plan: CyclePlan,
  results: readonly ModelResult[],
  nowMs: number,
): { readonly report: CycleReport; readonly previousDesired: ReadonlyMap<string, number> } {
  const served = plan.models.map((m, i) => {
    const outcomes = variantOutcomes(m, results[i] ?? {});
    return { outcomes, model: modelOutcome(m, results[i] ?? {}, outcomes) };
  });
  const variants = [...served.flatMap((s) => s.outcomes), ...plan.excluded.map(excludedOutcome)];
  const previousDesired = new Map(
    served.flatMap((s) => s.outcomes.map((o) => [variantKey(o), o.desiredReplicas!] as const)),
  );
  const report: CycleReport = {
    nowMs,
    models: served.map((s) => s.model),
    variants,
    ...(snapshot.inventory ? { inventory: snapshot.inventory } : {}),
    ...(snapshot.inventoryEntries ? { inventoryEntries: snapshot.inventoryEntries } : {}),
  };
  return { report, previousDesired };
}
