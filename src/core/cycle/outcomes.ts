/**
 * From decisions to per-variant outcomes (pure): the metrics guard, and the conditions each
 * variant reports.
 *
 * The guard is the cycle's promise that **missing, stale or partial metrics never cause a
 * scale-down**: a variant whose metrics are unavailable, or whose ready replicas do not all
 * report, keeps at least its current replicas (only a lowered `maxReplicas` can take it lower),
 * whatever the analyzer concluded from the other replicas and variants.
 *
 * @module
 */
import { ConditionType, Reason } from "../api/conditions.ts";
import { step } from "../contract/steps.ts";
import type {
  CycleCondition,
  VariantMetricsStatus,
  VariantOutcome,
  VariantSnapshot,
} from "../contract/ports.ts";
import type { DecisionStep, VariantDecision } from "../contract/types.ts";

/**
 * One condition per problem (the first problem of a type wins), one `True` condition per note
 * (e.g. `DiscoverySource`), plus `ConfigValid=True` when no problem concerns the configuration.
 */
function problemConditions(v: VariantSnapshot): CycleCondition[] {
  const out: CycleCondition[] = [];
  for (const p of v.problems) {
    if (out.some((c) => c.type === p.condition)) continue;
    out.push({
      type: p.condition,
      status: p.status ?? "False",
      reason: p.reason,
      message: p.message,
    });
  }
  for (const n of v.notes ?? []) {
    if (!out.some((c) => c.type === n.type)) {
      out.push({ type: n.type, status: "True", reason: n.reason, message: n.message });
    }
  }
  if (!out.some((c) => c.type === ConditionType.ConfigValid)) {
    out.push({
      type: ConditionType.ConfigValid,
      status: "True",
      reason: Reason.ConfigAccepted,
      message: "spec and configuration are valid",
    });
  }
  return out;
}

function metricsCondition(m: VariantMetricsStatus): CycleCondition {
  return {
    type: ConditionType.MetricsAvailable,
    status: m.reason === Reason.MetricsFound || m.reason === Reason.MetricsPartial
      ? "True"
      : "False",
    reason: m.reason,
    message: m.message,
  };
}

function shape(v: VariantSnapshot) {
  return {
    namespace: v.namespace,
    name: v.name,
    modelId: v.modelId,
    accelerator: v.accelerator,
    gpusPerReplica: v.gpusPerReplica,
    costPerReplica: v.costPerReplica,
    minReplicas: v.minReplicas,
    maxReplicas: v.maxReplicas,
    currentReplicas: v.currentReplicas,
    readyReplicas: v.readyReplicas,
    generation: v.generation,
    ...(v.scaleTarget ? { scaleTarget: v.scaleTarget } : {}),
    ...(v.object ? { object: v.object } : {}),
    ...(v.definedBy ? { definedBy: v.definedBy } : {}),
  };
}

/** The desired count after the metrics guard, and the step that explains a change. */
export function guardDesired(
  v: VariantSnapshot,
  target: number,
  metrics: VariantMetricsStatus,
): { readonly desired: number; readonly step?: DecisionStep } {
  const partial = metrics.reason === Reason.MetricsPartial;
  if (metrics.available && !partial) return { desired: target };
  const floor = Math.min(v.currentReplicas, v.maxReplicas);
  if (target >= floor) return { desired: target };
  const why = partial ? "metrics partial" : "metrics unavailable";
  return {
    desired: floor,
    step: step(
      partial ? "guard.metrics-partial" : "guard.metrics-unavailable",
      `${why} (${metrics.message}): keep ${floor} replica(s), not ${target}`,
      { variant: v.name, wanted: target, kept: floor },
    ),
  };
}

/** Outcome of a served variant with a decision (or an error that made it hold). */
export function servedOutcome(
  v: VariantSnapshot,
  decision: VariantDecision | undefined,
  metrics: VariantMetricsStatus,
  error: string | undefined,
): VariantOutcome {
  const target = decision?.targetReplicas ?? v.currentReplicas;
  const guarded = guardDesired(v, target, metrics);
  const steps = [...(decision?.steps ?? []), ...(guarded.step ? [guarded.step] : [])];
  let reason: string = decision?.reason ?? "hold";
  if (guarded.step) reason = "no-metrics";
  let optimization: CycleCondition;
  if (error !== undefined) {
    reason = "hold";
    steps.push(step("cycle.error", `optimization failed, holding: ${error}`, { variant: v.name }));
    optimization = {
      type: ConditionType.OptimizationReady,
      status: "False",
      reason: Reason.OptimizationFailed,
      message: error,
    };
  } else if (!metrics.available) {
    optimization = {
      type: ConditionType.OptimizationReady,
      status: "False",
      reason: Reason.MetricsUnavailable,
      message: `holding at least ${guarded.desired} replica(s) until metrics return`,
    };
  } else {
    optimization = {
      type: ConditionType.OptimizationReady,
      status: "True",
      reason: Reason.OptimizationSucceeded,
      message: `desired ${guarded.desired} replica(s) on ${v.accelerator} (${reason})`,
    };
  }
  return {
    ...shape(v),
    desiredReplicas: guarded.desired,
    reason,
    steps,
    metrics,
    conditions: [metricsCondition(metrics), optimization, ...problemConditions(v)],
  };
}

/** Outcome of a variant left out because of a blocking problem. */
export function excludedOutcome(v: VariantSnapshot): VariantOutcome {
  const first = v.problems.find((p) => p.blocking) ?? v.problems[0];
  const reason = first?.condition === ConditionType.TargetResolved
    ? Reason.TargetUnavailable
    : Reason.InvalidConfiguration;
  return {
    ...shape(v),
    desiredReplicas: undefined,
    reason: "excluded",
    steps: v.problems.map((p) =>
      step("cycle.excluded", p.message, { variant: v.name, reason: p.reason })
    ),
    metrics: undefined,
    conditions: [
      ...problemConditions(v),
      {
        type: ConditionType.OptimizationReady,
        status: "False",
        reason,
        message: `not autoscaled: ${first?.message ?? "invalid variant"}`,
      },
    ],
  };
}
