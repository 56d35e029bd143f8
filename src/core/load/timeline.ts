/**
 * Buckets request records into time bins for the report's charts: target vs achieved send rate,
 * TTFT and ITL percentiles, errors and requests in flight over time. Requests are binned by
 * their send time (dropped ones by their planned time), so a bin shows what the requests sent
 * then experienced.
 *
 * @module
 */
import { percentileOfSorted } from "../util/stats.ts";
import type { RequestRecord } from "./record.ts";
import { expectedCountUntil, type Stage } from "./schedule.ts";

/** Percentiles of one bin; NaN when the bin has no sample. */
export interface BinPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** One time bin. Rates are per second over the bin. */
export interface TimelineBin {
  readonly startSec: number;
  readonly endSec: number;
  readonly targetRatePerSec: number;
  readonly sentPerSec: number;
  readonly completedPerSec: number;
  /** Requests sent but not finished at the bin's end. */
  readonly inFlight: number;
  readonly ttftMs: BinPercentiles;
  readonly itlMs: BinPercentiles;
  /** Failed requests (any class except `cancelled`) whose send/plan time is in the bin. */
  readonly errors: number;
}

const NICE_BINS_MS = [250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];

/** A bin width that gives at most about `maxBins` bins over `windowMs`. */
export function chooseBinMs(windowMs: number, maxBins = 120): number {
  const raw = windowMs / maxBins;
  return NICE_BINS_MS.find((b) => b >= raw) ?? Math.ceil(raw / 60_000) * 60_000;
}

function percentiles(values: number[]): BinPercentiles {
  values.sort((a, b) => a - b);
  return {
    p50: percentileOfSorted(values, 50),
    p90: percentileOfSorted(values, 90),
    p99: percentileOfSorted(values, 99),
  };
}

function countAtOrBefore(sorted: readonly number[], t: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Builds the timeline of a run from its start to the later of `windowMs` (the sending window)
 * and the last completion, so requests that finish while draining still show. The target rate
 * is 0 after the window.
 *
 * @param options.binMs bin width; @default {@linkcode chooseBinMs} with about one bin per 10
 *   requests, between 10 and 120 bins
 */
export function buildTimeline(
  records: readonly RequestRecord[],
  stages: readonly Stage[],
  options: { readonly windowMs: number; readonly binMs?: number },
): readonly TimelineBin[] {
  const windowMs = Math.max(0, options.windowMs);
  let spanMs = windowMs;
  for (const r of records) if (r.doneAtMs !== null && r.doneAtMs > spanMs) spanMs = r.doneAtMs;
  const binMs = options.binMs ??
    chooseBinMs(spanMs, Math.min(120, Math.max(10, Math.floor(records.length / 10))));
  const n = Math.max(1, Math.ceil(spanMs / binMs));
  const sent = new Array<number>(n).fill(0);
  const completed = new Array<number>(n).fill(0);
  const errors = new Array<number>(n).fill(0);
  const ttft: number[][] = Array.from({ length: n }, () => []);
  const itl: number[][] = Array.from({ length: n }, () => []);
  const starts: number[] = [];
  const ends: number[] = [];
  const binOf = (tMs: number): number => Math.min(n - 1, Math.max(0, Math.floor(tMs / binMs)));
  for (const r of records) {
    const b = binOf(r.sentAtMs ?? r.scheduledAtMs);
    if (r.errorClass !== null && r.errorClass !== "cancelled") errors[b]!++;
    if (r.sentAtMs === null) continue;
    sent[b]!++;
    starts.push(r.sentAtMs);
    ends.push(r.doneAtMs ?? Infinity);
    if (!r.ok) continue;
    if (r.doneAtMs !== null) completed[binOf(r.doneAtMs)]!++;
    if (r.ttftMs !== null) ttft[b]!.push(r.ttftMs);
    for (const g of r.itlMs) itl[b]!.push(g);
  }
  starts.sort((a, b) => a - b);
  ends.sort((a, b) => a - b);
  return Array.from({ length: n }, (_, i): TimelineBin => {
    const startMs = i * binMs;
    const endMs = Math.min(spanMs, startMs + binMs);
    const spanSec = Math.max(1e-9, (endMs - startMs) / 1000);
    const expected = expectedCountUntil(stages, Math.min(endMs, windowMs)) -
      expectedCountUntil(stages, Math.min(startMs, windowMs));
    return {
      startSec: startMs / 1000,
      endSec: endMs / 1000,
      targetRatePerSec: expected / spanSec,
      sentPerSec: sent[i]! / spanSec,
      completedPerSec: completed[i]! / spanSec,
      inFlight: countAtOrBefore(starts, endMs) - countAtOrBefore(ends, endMs),
      ttftMs: percentiles(ttft[i]!),
      itlMs: percentiles(itl[i]!),
      errors: errors[i]!,
    };
  });
}
