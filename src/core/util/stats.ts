/**
 * Small descriptive statistics used by reports (load generator, demo, benchmarks).
 *
 * @module
 */

/**
 * Percentile by linear interpolation between closest ranks (the "R-7"/numpy default).
 * Returns NaN for an empty input. `p` is in [0, 100].
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * if (percentile([1, 2, 3, 4], 50) !== 2.5) throw new Error("bad median");
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

/** Like {@linkcode percentile} but for input already sorted ascending (no copy). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** Arithmetic mean; NaN for empty input. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * Median (the mean of the two middle values for an even count). NaN for empty input: no sample
 * has no median, and a 0 would read as a measured value; a caller that needs a number for "no
 * sample" checks for emptiness itself (saturation V2 does: no replica, no median).
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * if (median([3, 1, 2]) !== 2 || !Number.isNaN(median([]))) throw new Error("bad median");
 * ```
 */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** p50/p90/p99 plus mean, min, max and count; the summary shape used in every report. */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Summarises a sample. Empty input gives count 0 and NaN elsewhere (serialised as null in JSON). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    mean: mean(sorted),
    min: sorted.length ? sorted[0]! : NaN,
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
  };
}
