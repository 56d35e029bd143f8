/**
 * The actuation hops of the cluster demo (pure): wva's desired count → the HPA's desired count
 * (the HPA KEDA made) → the Deployment's `spec.replicas` → its ready replicas. Each watcher
 * records a {@linkcode HopEvent} when its value changes; {@linkcode pairHops} follows every
 * change of wva's desired count down the chain and says how long each hop took.
 *
 * @module
 */
import { percentile } from "../../../core/util/stats.ts";

/** The four hops, in order. */
export const HOPS = ["wva", "hpa", "deployment", "ready"] as const;
/** One hop. */
export type Hop = typeof HOPS[number];

/** A value of a hop changed (wall-clock ms). */
export interface HopEvent {
  readonly atMs: number;
  readonly variant: string;
  readonly hop: Hop;
  readonly value: number;
}

/** How one wva decision travelled (ms since the decision; null: never reached before the next). */
export interface HopLatency {
  /** ms since the load started. */
  readonly tMs: number;
  readonly variant: string;
  readonly from: number;
  readonly to: number;
  readonly hpaMs: number | null;
  readonly deploymentMs: number | null;
  readonly readyMs: number | null;
  /** wva changed its mind before the chain reached this value. */
  readonly superseded: boolean;
}

/** The value of a hop at a time: its last event at or before `atMs`. */
function valueAt(events: readonly HopEvent[], hop: Hop, atMs: number): number | undefined {
  let v: number | undefined;
  for (const e of events) if (e.hop === hop && e.atMs <= atMs) v = e.value;
  return v;
}

/** When a hop first shows `value` in [fromMs, untilMs): at fromMs if it already does. */
function reached(
  events: readonly HopEvent[],
  hop: Hop,
  value: number,
  fromMs: number,
  untilMs: number,
): number | null {
  if (valueAt(events, hop, fromMs) === value) return fromMs;
  const e = events.find((x) =>
    x.hop === hop && x.atMs > fromMs && x.atMs < untilMs && x.value === value
  );
  return e ? e.atMs : null;
}

/**
 * Follows each change of wva's desired count: when the HPA's desired count, the Deployment and
 * its ready replicas reached it (the HPA is skipped for 0 ↔ 1: KEDA's operator scales those
 * itself and the HPA never goes below 1).
 */
export function pairHops(events: readonly HopEvent[], originMs: number): HopLatency[] {
  const byVariant = new Map<string, HopEvent[]>();
  for (const e of [...events].sort((a, b) => a.atMs - b.atMs)) {
    byVariant.set(e.variant, [...(byVariant.get(e.variant) ?? []), e]);
  }
  const out: HopLatency[] = [];
  for (const [variant, list] of byVariant) {
    const decisions = list.filter((e) => e.hop === "wva");
    decisions.forEach((d, i) => {
      const next = decisions[i + 1]?.atMs ?? Infinity;
      const from = i > 0 ? decisions[i - 1]!.value : valueAt(list, "deployment", d.atMs) ?? 0;
      const viaHpa = d.value > 0 && from > 0;
      const hpa = viaHpa ? reached(list, "hpa", d.value, d.atMs, next) : null;
      const dep = reached(list, "deployment", d.value, d.atMs, next);
      const ready = dep === null ? null : reached(list, "ready", d.value, dep, next);
      const ms = (t: number | null) => (t === null ? null : Math.round(t - d.atMs));
      out.push({
        tMs: Math.round(d.atMs - originMs),
        variant,
        from,
        to: d.value,
        hpaMs: ms(hpa),
        deploymentMs: ms(dep),
        readyMs: ms(ready),
        superseded: ready === null && next !== Infinity,
      });
    });
  }
  return out.sort((a, b) => a.tMs - b.tMs || a.variant.localeCompare(b.variant));
}

/** Median and maximum of one hop over the decisions that completed. */
export interface HopStat {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly maxMs: number | null;
}

/** The three hops of one direction. */
export interface HopStats {
  /** wva's decision → the HPA's desired count (none for 0 ↔ 1). */
  readonly hpa: HopStat;
  /** → the Deployment's replicas. */
  readonly deployment: HopStat;
  /** → its ready replicas (scale-ups: includes the model loading). */
  readonly ready: HopStat;
}

/** Per direction, over the decisions that reached ready. */
export interface HopSummary {
  readonly decisions: number;
  readonly completed: number;
  readonly up: HopStats;
  readonly down: HopStats;
}

function stat(values: readonly (number | null)[]): HopStat {
  const xs = values.filter((x): x is number => x !== null);
  return {
    count: xs.length,
    p50Ms: xs.length > 0 ? percentile(xs, 50) : null,
    maxMs: xs.length > 0 ? Math.max(...xs) : null,
  };
}

function stats(list: readonly HopLatency[]): HopStats {
  return {
    hpa: stat(list.map((h) => h.hpaMs)),
    deployment: stat(list.map((h) => h.deploymentMs)),
    ready: stat(list.map((h) => h.readyMs)),
  };
}

/** Summarizes {@linkcode pairHops}. */
export function summarizeHops(list: readonly HopLatency[]): HopSummary {
  const done = list.filter((h) => h.readyMs !== null);
  return {
    decisions: list.length,
    completed: done.length,
    up: stats(done.filter((h) => h.to > h.from)),
    down: stats(done.filter((h) => h.to < h.from)),
  };
}
