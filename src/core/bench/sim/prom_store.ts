/**
 * Prometheus on the virtual clock: series written by scrapes, and the query functions the
 * autoscalers use — an instant value (the newest sample within the lookback, none after the
 * series went stale), `rate`/`increase` and `max_over_time`/`avg_over_time` over a window, and
 * sum/max/min/avg/count across the series that match a metric name and a label scope.
 *
 * A scope label only filters series that carry that label: gateway series carry `model`, pod
 * series `model`, `variant` and `pod`.
 *
 * @module
 */

/** Labels of a series. */
export type Labels = Readonly<Record<string, string>>;

/** One series: samples in time order; older ones are trimmed. */
export interface Series {
  readonly metric: string;
  readonly labels: Labels;
  readonly t: number[];
  readonly v: number[];
  head: number;
  /** Stale from this time on (the target went away); Infinity while live. */
  endMs: number;
}

/** All series, by metric name. */
export class PromStore {
  readonly #byMetric = new Map<string, Series[]>();
  readonly #byKey = new Map<string, Series>();
  readonly lookbackMs: number;
  readonly retainMs: number;

  /** @param lookbackMs instant-query lookback; @param retainMs how long samples are kept. */
  constructor(lookbackMs: number, retainMs: number) {
    this.lookbackMs = lookbackMs;
    this.retainMs = retainMs;
  }

  /** The series of `metric` with `labels` (created on first use). */
  series(metric: string, labels: Labels): Series {
    const key = `${metric}\u0000${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",")}`;
    let s = this.#byKey.get(key);
    if (!s) {
      s = { metric, labels, t: [], v: [], head: 0, endMs: Infinity };
      this.#byKey.set(key, s);
      const list = this.#byMetric.get(metric);
      if (list) list.push(s);
      else this.#byMetric.set(metric, [s]);
    }
    return s;
  }

  /** Appends a sample (times must not go back). */
  write(s: Series, atMs: number, value: number): void {
    s.t.push(atMs);
    s.v.push(value);
    s.endMs = Infinity;
    while (s.t[s.head]! < atMs - this.retainMs) s.head++;
    if (s.head > 256 && s.head * 2 > s.t.length) {
      s.t.splice(0, s.head);
      s.v.splice(0, s.head);
      s.head = 0;
    }
  }

  /** Series of `metric` whose labels agree with `scope`. */
  select(metric: string, scope: Labels): Series[] {
    const out: Series[] = [];
    for (const s of this.#byMetric.get(metric) ?? []) {
      let ok = true;
      for (const k in scope) {
        const v = s.labels[k];
        if (v !== undefined && v !== scope[k]) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s);
    }
    return out;
  }
}

/** Index of the newest sample at or before `atMs`, or -1. */
function lastAtOrBefore(s: Series, atMs: number): number {
  let lo = s.head, hi = s.t.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.t[mid]! <= atMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Instant value of one series at `atMs`, or undefined (no sample in the lookback, or stale). */
export function instant(store: PromStore, s: Series, atMs: number): number | undefined {
  if (s.endMs <= atMs) return undefined;
  const i = lastAtOrBefore(s, atMs);
  if (i < 0 || s.t[i]! < atMs - store.lookbackMs) return undefined;
  return s.v[i];
}

/** Samples of one series in (atMs − windowMs, atMs]: first and last index, or undefined. */
function windowRange(s: Series, atMs: number, windowMs: number): [number, number] | undefined {
  const last = lastAtOrBefore(s, atMs);
  if (last < 0) return undefined;
  let first = last;
  while (first > s.head && s.t[first - 1]! > atMs - windowMs) first--;
  return s.t[first]! > atMs - windowMs ? [first, last] : undefined;
}

/** A range function over one series at `atMs` (undefined when it has too few samples). */
export function overTime(
  fn: "rate" | "increase" | "max_over_time" | "avg_over_time",
  s: Series,
  atMs: number,
  windowMs: number,
): number | undefined {
  const r = windowRange(s, atMs, windowMs);
  if (!r) return undefined;
  const [a, b] = r;
  if (fn === "max_over_time" || fn === "avg_over_time") {
    let m = -Infinity, sum = 0;
    for (let i = a; i <= b; i++) {
      m = Math.max(m, s.v[i]!);
      sum += s.v[i]!;
    }
    return fn === "max_over_time" ? m : sum / (b - a + 1);
  }
  if (b === a) return undefined;
  const inc = s.v[b]! - s.v[a]!;
  return fn === "increase"
    ? inc * windowMs / (s.t[b]! - s.t[a]!)
    : inc / ((s.t[b]! - s.t[a]!) / 1000);
}

/** Aggregation across series. */
export type Aggregation = "sum" | "max" | "min" | "avg" | "count";

/** Aggregates values (undefined ones dropped); undefined when nothing is left. */
export function aggregate(
  agg: Aggregation,
  values: readonly (number | undefined)[],
): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (xs.length === 0) return undefined;
  switch (agg) {
    case "sum":
      return xs.reduce((a, b) => a + b, 0);
    case "max":
      return Math.max(...xs);
    case "min":
      return Math.min(...xs);
    case "avg":
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case "count":
      return xs.length;
  }
}
