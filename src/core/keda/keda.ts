/**
 * KEDA at run time (baselines.md §4), pure: what its metrics server answers when the generated
 * HPA asks (every HPA sync, live unless `useCachedMetrics`), with `ignoreNullValues`,
 * `scalingModifiers` and a static `fallback`; and what its operator does every
 * `pollingInterval` — activation (0 → max(1, min)), scale to zero after `cooldownPeriod` since the
 * last active poll, and lifting the target to `minReplicaCount`. Scaling between 1 and N is the
 * HPA's (src/core/hpa). When the operator and the HPA disagree, the operator's 0 ↔ 1 wins because
 * the HPA does nothing at 0 replicas with min ≥ 1 (ScalingDisabled).
 *
 * @module
 */
import type { MetricReading } from "../hpa/hpa.ts";
import { EMPTY_HPA_MEMORY, type HpaMemory } from "../hpa/normalize.ts";
import { compileFormula } from "./formula.ts";
import {
  COMPOSITE_METRIC,
  externalMetricName,
  type ScaledObject,
  type Trigger,
  triggerName,
} from "./scaled_object.ts";

/** What a trigger's query returned: one value, an empty result, or an error. */
export type TriggerResult =
  | { readonly kind: "value"; readonly value: number }
  | { readonly kind: "empty" }
  | { readonly kind: "error"; readonly message: string };

/** Runs a trigger's query now. */
export type TriggerReader = (trigger: Trigger, index: number) => TriggerResult;

/** KEDA's memory of one ScaledObject (plus the generated HPA's). */
export interface KedaState {
  readonly hpa: HpaMemory;
  /** `status.lastActiveTime`; undefined until a poll finds a trigger active. */
  readonly lastActiveMs: number | undefined;
  /** Consecutive failures per External metric name (fallback). */
  readonly failures: Readonly<Record<string, number>>;
  /** Trigger values of the last poll (for `useCachedMetrics`), by trigger index. */
  readonly cached: readonly (number | undefined)[];
  /** When the ScaledObject was created (initialCooldownPeriod). */
  readonly createdMs: number;
}

/** A fresh ScaledObject created at `nowMs`. */
export function newKedaState(nowMs: number): KedaState {
  return {
    hpa: EMPTY_HPA_MEMORY,
    lastActiveMs: undefined,
    failures: {},
    cached: [],
    createdMs: nowMs,
  };
}

function triggerValue(t: Trigger, r: TriggerResult): number | undefined {
  if (r.kind === "value") {
    return Number.isFinite(r.value) ? r.value : t.metadata.ignoreNullValues ? 0 : undefined;
  }
  if (r.kind === "empty") return t.metadata.ignoreNullValues ? 0 : undefined;
  return undefined;
}

/** Every trigger's value now (undefined = error), honouring `useCachedMetrics`. */
export function readTriggers(
  so: ScaledObject,
  read: TriggerReader,
  cached: readonly (number | undefined)[] = [],
): (number | undefined)[] {
  return so.triggers.map((
    t,
    i,
  ) => (t.useCachedMetrics && i < cached.length ? cached[i] : triggerValue(t, read(t, i))));
}

/** The External metric values KEDA serves to its HPA at one sync. */
export interface KedaMetrics {
  /** By External metric name. */
  readonly readings: ReadonlyMap<string, MetricReading>;
  readonly failures: Readonly<Record<string, number>>;
}

const FORMULAS = new Map<string, ReturnType<typeof compileFormula>>();

function formulaOf(text: string): ReturnType<typeof compileFormula> {
  let f = FORMULAS.get(text);
  if (!f) FORMULAS.set(text, f = compileFormula(text));
  return f;
}

function composite(so: ScaledObject, values: readonly (number | undefined)[]): number | undefined {
  const mod = so.advanced!.scalingModifiers!;
  const vars: Record<string, number | undefined> = {};
  values.forEach((v, i) => (vars[triggerName(so, i)] = v));
  try {
    const v = formulaOf(mod.formula)(vars);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the HPA's External metrics from trigger values (with fallback after repeated errors). */
export function kedaMetrics(
  so: ScaledObject,
  values: readonly (number | undefined)[],
  ctx: { readonly failures: Readonly<Record<string, number>>; readonly statusReplicas: number },
): KedaMetrics {
  const mod = so.advanced?.scalingModifiers;
  const entries: [string, number | undefined, number, "AverageValue" | "Value"][] = mod
    ? [[COMPOSITE_METRIC, composite(so, values), mod.target, mod.metricType]]
    : so.triggers.map((
      t,
      i,
    ) => [externalMetricName(i), values[i], t.metadata.threshold, t.metricType]);
  const readings = new Map<string, MetricReading>();
  const failures: Record<string, number> = { ...ctx.failures };
  for (const [name, value, target, type] of entries) {
    if (value !== undefined) {
      failures[name] = 0;
      readings.set(name, { kind: "total", value });
      continue;
    }
    failures[name] = (failures[name] ?? 0) + 1;
    const fb = so.fallback;
    if (fb && failures[name]! > fb.failureThreshold) {
      const per = type === "AverageValue" ? 1 : 1 / Math.max(1, ctx.statusReplicas);
      readings.set(name, { kind: "total", value: target * fb.replicas * per });
    } else {
      readings.set(name, { kind: "error", message: `no value for ${name}` });
    }
  }
  return { readings, failures };
}

/** Whether the ScaledObject is active: a trigger (or the composite) above its activation value. */
export function isActive(
  so: ScaledObject,
  values: readonly (number | undefined)[],
): { active: boolean; error: boolean } {
  const mod = so.advanced?.scalingModifiers;
  if (mod) {
    const v = composite(so, values);
    return { active: v !== undefined && v > mod.activationTarget, error: v === undefined };
  }
  let active = false, error = false;
  so.triggers.forEach((t, i) => {
    const v = values[i];
    if (v === undefined) error = true;
    else if (v > t.metadata.activationThreshold) active = true;
  });
  return { active, error };
}

/** What one operator poll decided. */
export interface KedaPollResult {
  readonly state: KedaState;
  /** The replica count to set on the target, when the operator scales it. */
  readonly setReplicas?: number;
  readonly active: boolean;
}

/** One poll of the KEDA operator (`RequestScale`): activation, cooldown to zero, min. */
export function kedaPoll(
  so: ScaledObject,
  state: KedaState,
  input: {
    readonly nowMs: number;
    readonly currentReplicas: number;
    readonly values: readonly (number | undefined)[];
  },
): KedaPollResult {
  const { nowMs, currentReplicas: cur } = input;
  const { active, error } = isActive(so, input.values);
  const min = so.minReplicaCount, idle = so.idleReplicaCount;
  const base = { ...state, cached: [...input.values] };
  if (active) {
    const next = { ...base, lastActiveMs: nowMs };
    if ((idle !== undefined && cur < min) || cur === 0) {
      return { state: next, setReplicas: min > 0 ? min : 1, active };
    }
    return { state: error ? base : next, active };
  }
  if (error && so.fallback && so.fallback.replicas !== 0) {
    return { state: base, setReplicas: so.fallback.replicas, active };
  }
  if (error && !so.fallback) return { state: base, active };
  if ((idle !== undefined && cur > idle) || (cur > 0 && min === 0)) {
    const cooled = state.lastActiveMs === undefined ||
      state.lastActiveMs + so.cooldownPeriod * 1000 < nowMs;
    const warm = so.initialCooldownPeriod === 0 ||
      state.createdMs + so.initialCooldownPeriod * 1000 < nowMs;
    return cooled && warm
      ? { state: base, setReplicas: idle ?? min, active }
      : { state: base, active };
  }
  if (idle === undefined && cur < min) return { state: base, setReplicas: min, active };
  return { state: base, active };
}
