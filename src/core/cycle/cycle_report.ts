/**
 * The last part of a cycle (pure): the served models' decisions (or errors) and the excluded
 * variants → the {@linkcode CycleReport} the sink applies, and what the next cycle remembers (the
 * desired counts, the targets that stand still). The metrics guard and the conditions are applied
 * per variant (outcomes.ts), plus `TargetFollowing` (target_following.ts).
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
import type { TargetWatch } from "../contract/settings.ts";
import type { ModelDecision } from "../contract/types.ts";
import type { CyclePlan, ModelPlan } from "./models.ts";
import { excludedOutcome, servedOutcome } from "./outcomes.ts";
import { followTarget } from "./target_following.ts";

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
    analyzer: result.decision?.analyzer ?? plan.analyzer,
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

/** Adds the `TargetFollowing` condition of a variant, recording its watch in `watches`. */
type Follow = (plan: ModelPlan, outcome: VariantOutcome) => VariantOutcome;

function variantOutcomes(plan: ModelPlan, result: ModelResult, follow: Follow): VariantOutcome[] {
  return plan.group.variants.map((v) => {
    const d = result.decision?.variants.find((x) => x.variant === v.name);
    const health = plan.observed.metrics.get(v.name)!;
    return follow(plan, servedOutcome(v, d, health, result.error));
  });
}

function follower(
  nowMs: number,
  before: ReadonlyMap<string, TargetWatch>,
  after: Map<string, TargetWatch>,
): Follow {
  return (plan, o) => {
    const published = plan.observed.observation.variants.find((x) => x.name === o.name)
      ?.previousDesiredReplicas;
    const key = variantKey(o);
    const r = followTarget(published, o.currentReplicas, before.get(key), nowMs);
    if (r.watch) after.set(key, r.watch);
    return { ...o, conditions: [...o.conditions, r.condition] };
  };
}

/** What {@linkcode buildReport} returns: the report and what the next cycle remembers. */
export interface BuiltReport {
  readonly report: CycleReport;
  /** The desired count of every served variant (by `namespace/name`). */
  readonly previousDesired: ReadonlyMap<string, number>;
  /** Targets standing still away from the published count (by `namespace/name`). */
  readonly targets: ReadonlyMap<string, TargetWatch>;
}

/** The report of a cycle, with the desired counts and target watches for the next one. */
export function buildReport(
  snapshot: ClusterSnapshot,
  plan: CyclePlan,
  results: readonly ModelResult[],
  options: {
    readonly nowMs: number;
    readonly targets?: ReadonlyMap<string, TargetWatch> | undefined;
  },
): BuiltReport {
  const { nowMs } = options;
  const targets = new Map<string, TargetWatch>();
  const follow = follower(nowMs, options.targets ?? new Map(), targets);
  const served = plan.models.map((m, i) => {
    const outcomes = variantOutcomes(m, results[i] ?? {}, follow);
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
  return { report, previousDesired, targets };
}
