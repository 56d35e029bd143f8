/**
 * The VariantAutoscaling status a cycle's outcome implies (pure): current and desired
 * allocation, actuation and conditions (merged so `lastTransitionTime` only moves when a
 * condition's status changes), plus the rule that decides whether the status needs a write.
 *
 * @module
 */
import {
  type Condition,
  ConditionType,
  type ConditionUpdate,
  Reason,
  setCondition,
  toKubeTime,
  type VariantAutoscalingStatus,
} from "./v1alpha1.ts";
import type { ModelOutcome, VariantOutcome } from "../contract/ports.ts";

/** How the decision was applied. */
export interface ActuationInfo {
  readonly mode: "metrics" | "direct-scale";
  readonly applied: boolean;
  readonly message?: string | undefined;
}

/** Options of {@linkcode buildStatus}. */
export interface BuildStatusOptions {
  readonly nowMs: number;
  readonly actuation: ActuationInfo;
  /** The model's outcome (load, latencies), when served. */
  readonly model?: ModelOutcome | undefined;
}

function finiteNonNegative(x: number | undefined): number | undefined {
  return x !== undefined && Number.isFinite(x) && x >= 0 ? x : undefined;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Builds the new status from the previous one and the outcome. */
export function buildStatus(
  previous: VariantAutoscalingStatus | undefined,
  outcome: VariantOutcome,
  options: BuildStatusOptions,
): VariantAutoscalingStatus {
  const { nowMs } = options;
  let conditions: Condition[] = [...(previous?.conditions ?? [])];
  const set = (
    c: ConditionUpdate,
  ) => (conditions = setCondition(conditions, c, {
    nowMs,
    observedGeneration: outcome.generation,
  }));
  if (!outcome.conditions.some((c) => c.type === ConditionType.TargetResolved)) {
    set({
      type: ConditionType.TargetResolved,
      status: "True",
      reason: Reason.TargetFound,
      message: "scale target found",
    });
  }
  for (const c of outcome.conditions) set(c as ConditionUpdate);
  // DiscoverySource only stands while another object defines the same target.
  if (!outcome.conditions.some((c) => c.type === ConditionType.DiscoverySource)) {
    conditions = conditions.filter((c) => c.type !== ConditionType.DiscoverySource);
  }
  const load = options.model?.load;
  const served = outcome.desiredReplicas !== undefined;
  const prevActuation = previous?.actuation;
  const applied = served ? outcome.desiredReplicas : prevActuation?.appliedReplicas;
  const changed = applied !== prevActuation?.appliedReplicas;
  return {
    ...(outcome.generation !== undefined ? { observedGeneration: outcome.generation } : {}),
    currentAlloc: {
      accelerator: outcome.accelerator,
      numReplicas: outcome.currentReplicas,
      readyReplicas: outcome.readyReplicas,
      gpusPerReplica: outcome.gpusPerReplica,
      costPerReplica: outcome.costPerReplica,
      ...(load
        ? {
          load: defined({
            arrivalRatePerSec: finiteNonNegative(load.arrivalRatePerSec),
            avgInputTokens: finiteNonNegative(load.avgInputTokens),
            avgOutputTokens: finiteNonNegative(load.avgOutputTokens),
          }),
          ...defined({
            ttftAverageMs: finiteNonNegative(load.ttftMs),
            itlAverageMs: finiteNonNegative(load.itlMs),
          }),
        }
        : {}),
    },
    desiredOptimizedAlloc: served
      ? {
        accelerator: outcome.accelerator,
        numReplicas: outcome.desiredReplicas,
        reason: outcome.reason,
        lastRunTime: toKubeTime(nowMs),
      }
      : { ...(previous?.desiredOptimizedAlloc ?? {}) },
    actuation: {
      applied: served && options.actuation.applied,
      mode: options.actuation.mode,
      ...(applied !== undefined ? { appliedReplicas: applied } : {}),
      ...(changed || !prevActuation?.lastTransitionTime
        ? { lastTransitionTime: toKubeTime(nowMs) }
        : { lastTransitionTime: prevActuation.lastTransitionTime }),
      ...(options.actuation.message ? { message: options.actuation.message } : {}),
    },
    conditions,
  };
}

/** JSON with object keys sorted (the apiserver returns keys in its own order). */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

function withoutTimes(s: VariantAutoscalingStatus | undefined): string {
  if (!s) return "";
  const { lastRunTime: _l, ...desired } = s.desiredOptimizedAlloc ?? {};
  const round = (x: number | undefined) => (x === undefined ? undefined : Number(x.toPrecision(2)));
  const load = s.currentAlloc?.load;
  return canonical({
    ...s,
    desiredOptimizedAlloc: desired,
    currentAlloc: s.currentAlloc && {
      ...s.currentAlloc,
      load: load && {
        arrivalRatePerSec: round(load.arrivalRatePerSec),
        avgInputTokens: round(load.avgInputTokens),
        avgOutputTokens: round(load.avgOutputTokens),
      },
      ttftAverageMs: round(s.currentAlloc.ttftAverageMs),
      itlAverageMs: round(s.currentAlloc.itlAverageMs),
    },
  });
}

/**
 * True when the new status differs in substance (times ignored, load rounded to two significant
 * digits) or the stored one is older than `refreshMs` — so 1,000 steady VAs do not cost 1,000
 * writes per cycle.
 */
export function statusNeedsWrite(
  previous: VariantAutoscalingStatus | undefined,
  next: VariantAutoscalingStatus,
  options: { readonly nowMs: number; readonly refreshMs: number },
): boolean {
  if (withoutTimes(previous) !== withoutTimes(next)) return true;
  const last = Date.parse(previous?.desiredOptimizedAlloc?.lastRunTime ?? "");
  return !Number.isFinite(last) || options.nowMs - last >= options.refreshMs;
}
