/**
 * Normalisation of the HPA's raw recommendation (baselines.md §2.5): the legacy path when
 * `behavior` is absent, and stabilisation windows plus rate policies when it is present.
 *
 * The controller keeps a recommendation history and scale events in memory per HPA; here they
 * are an immutable {@linkcode HpaMemory} passed in and returned. Window edges follow the Go code:
 * the legacy path keeps a recommendation made exactly one window ago (`!Before(cutoff)`), the
 * behavior path and the rate policies only strictly newer ones (`After(cutoff)`).
 *
 * @module
 */
import type { Policy, ScalingRules } from "./spec.ts";

/** A value stamped with the (virtual) time it was recorded, ms. */
export interface Timed {
  readonly atMs: number;
  readonly value: number;
}

/** What the controller remembers about one HPA between syncs. */
export interface HpaMemory {
  /** Raw recommendations (before stabilisation); set up at the first sync. */
  readonly recommendations: readonly Timed[] | undefined;
  /** Replicas added per rescale (behavior path only). */
  readonly scaleUpEvents: readonly Timed[];
  /** Replicas removed per rescale (behavior path only). */
  readonly scaleDownEvents: readonly Timed[];
  /**
   * The HPA's `ScaledToZero` condition (v1.36+, gate HPAScaleToZero): true after the HPA itself
   * scaled the target from > 0 to 0, false after any other rescale. Status, not controller
   * memory, but like the rest it carries from one sync to the next. Absent = false.
   */
  readonly scaledToZero?: boolean;
}

/** A fresh HPA (no history: the first sync records the current count). */
export const EMPTY_HPA_MEMORY: HpaMemory = Object.freeze({
  recommendations: undefined,
  scaleUpEvents: Object.freeze([]),
  scaleDownEvents: Object.freeze([]),
});

/** Result of a normalisation: the replica count and the limiting reason (HPA condition reason). */
export interface Normalized {
  readonly replicas: number;
  readonly reason: string;
  readonly recommendations: readonly Timed[];
}

/** Arguments shared by both paths. */
export interface NormalizeArgs {
  readonly nowMs: number;
  readonly currentReplicas: number;
  /** Raw recommendation: the max over metric proposals. */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly recommendations: readonly Timed[];
}

/** `calculateScaleUpLimit`: max(2 × current, 4). */
export function legacyScaleUpLimit(currentReplicas: number): number {
  return Math.max(2 * currentReplicas, 4);
}

/** The legacy path (`normalizeDesiredReplicas`): a scale-down window, then min/max and 2×/4. */
export function normalizeLegacy(args: NormalizeArgs, downWindowMs: number): Normalized {
  const cutoff = args.nowMs - downWindowMs;
  let stabilized = args.desiredReplicas;
  for (const r of args.recommendations) {
    if (r.atMs >= cutoff && r.value > stabilized) stabilized = r.value;
  }
  const recommendations = [
    ...args.recommendations.filter((r) => r.atMs >= cutoff),
    { atMs: args.nowMs, value: args.desiredReplicas },
  ];
  const upLimit = legacyScaleUpLimit(args.currentReplicas);
  const maxAllowed = Math.min(args.maxReplicas, upLimit);
  const maxReason = args.maxReplicas > upLimit ? "ScaleUpLimit" : "TooManyReplicas";
  if (stabilized < args.minReplicas) {
    return { replicas: args.minReplicas, reason: "TooFewReplicas", recommendations };
  }
  if (stabilized > maxAllowed) return { replicas: maxAllowed, reason: maxReason, recommendations };
  const reason = stabilized !== args.desiredReplicas ? "ScaleDownStabilized" : "DesiredWithinRange";
  return { replicas: stabilized, reason, recommendations };
}

/** Replicas changed by `events` in the last `periodSeconds` (strictly newer than the cutoff). */
function changeInPeriod(events: readonly Timed[], periodSeconds: number, nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.atMs > cutoff) sum += e.value;
  return sum;
}

/** Rate limit of one direction (`calculateScaleUpLimitWithScalingRules` / `…DownLimit…`). */
export function rateLimit(
  direction: "up" | "down",
  rules: ScalingRules,
  ctx: { readonly currentReplicas: number; readonly nowMs: number; readonly memory: HpaMemory },
): number {
  if (rules.selectPolicy === "Disabled") return ctx.currentReplicas;
  const largest = (rules.selectPolicy === "Max") === (direction === "up");
  let result = largest ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = periodStart(p, ctx);
    const proposed = direction === "up" ? upProposal(p, start) : downProposal(p, start);
    result = largest ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

function periodStart(
  p: Policy,
  ctx: { readonly currentReplicas: number; readonly nowMs: number; readonly memory: HpaMemory },
): number {
  const added = changeInPeriod(ctx.memory.scaleUpEvents, p.periodSeconds, ctx.nowMs);
  const removed = changeInPeriod(ctx.memory.scaleDownEvents, p.periodSeconds, ctx.nowMs);
  return ctx.currentReplicas - added + removed;
}

function upProposal(p: Policy, start: number): number {
  return p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
}

function downProposal(p: Policy, start: number): number {
  return p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
}

/** The behavior path (`normalizeDesiredReplicasWithBehaviors`): windows, then rate policies. */
export function normalizeWithBehavior(
  args: NormalizeArgs,
  rules: { readonly up: ScalingRules; readonly down: ScalingRules; readonly memory: HpaMemory },
  defaultDownWindowMs: number,
): Normalized {
  const { nowMs, currentReplicas, desiredReplicas } = args;
  const upCutoff = nowMs - (rules.up.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindowMs = rules.down.stabilizationWindowSeconds === undefined
    ? defaultDownWindowMs
    : rules.down.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - downWindowMs;
  let upRec = desiredReplicas, downRec = desiredReplicas;
  for (const r of args.recommendations) {
    if (r.atMs > upCutoff) upRec = Math.min(r.value, upRec);
    if (r.atMs > downCutoff) downRec = Math.max(r.value, downRec);
  }
  let stabilized = currentReplicas;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  const recommendations = [
    ...args.recommendations.filter((r) => !(r.atMs < upCutoff && r.atMs < downCutoff)),
    { atMs: nowMs, value: desiredReplicas },
  ];
  const ctx = { currentReplicas, nowMs, memory: rules.memory };
  if (stabilized > currentReplicas) {
    const upLimit = Math.max(rateLimit("up", rules.up, ctx), currentReplicas);
    const maxAllowed = Math.min(args.maxReplicas, upLimit);
    const reason = args.maxReplicas > upLimit ? "ScaleUpLimit" : "TooManyReplicas";
    if (stabilized > maxAllowed) return { replicas: maxAllowed, reason, recommendations };
  } else if (stabilized < currentReplicas) {
    const downLimit = Math.min(rateLimit("down", rules.down, ctx), currentReplicas);
    const minAllowed = Math.max(args.minReplicas, downLimit);
    const reason = args.minReplicas < downLimit ? "ScaleDownLimit" : "TooFewReplicas";
    if (stabilized < minAllowed) return { replicas: minAllowed, reason, recommendations };
  }
  const reason = stabilized !== desiredReplicas
    ? (desiredReplicas >= currentReplicas ? "ScaleUpStabilized" : "ScaleDownStabilized")
    : "DesiredWithinRange";
  return { replicas: stabilized, reason, recommendations };
}

/** `storeScaleEvent`: remembers |change| at `nowMs`, dropping events older than any period. */
export function storeScaleEvent(
  memory: HpaMemory,
  change: { readonly from: number; readonly to: number; readonly nowMs: number },
  rules: { readonly up: ScalingRules; readonly down: ScalingRules },
): HpaMemory {
  const longest = (r: ScalingRules) => Math.max(0, ...r.policies.map((p) => p.periodSeconds));
  const keep = (events: readonly Timed[], r: ScalingRules) =>
    events.filter((e) => e.atMs > change.nowMs - longest(r) * 1000);
  const up = keep(memory.scaleUpEvents, rules.up);
  const down = keep(memory.scaleDownEvents, rules.down);
  const delta = change.to - change.from;
  if (delta > 0) return { ...memory, scaleUpEvents: [...up, { atMs: change.nowMs, value: delta }] };
  if (delta < 0) {
    return { ...memory, scaleDownEvents: [...down, { atMs: change.nowMs, value: -delta }] };
  }
  return memory;
}
