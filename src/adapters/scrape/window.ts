/**
 * From successive scrapes of replicas to what a controller reads: per-replica gauges over a
 * window, and per-model rates and averages from counter increases. Pure: the caller keeps the
 * scrape history and passes `nowMs`.
 *
 * Semantics follow the Prometheus queries of the controller (src/adapters/prometheus/queries.ts)
 * so both sources feed the analyzers the same kind of numbers:
 * - KV usage and queue length: the **maximum** over the window (`max_over_time`), running
 *   requests too; cache geometry and the instant KV usage from the newest scrape; the mean ITL
 *   of the replica over the window (its histogram's increase: the throughput analyzer's sample);
 * - request rate: counter increase over the window ÷ the time it spans (`rate`), summed over
 *   replicas; a counter that went down (server restart) counts from zero;
 * - averages (input/output tokens, TTFT, ITL): Σ increase of `_sum` ÷ Σ increase of `_count`.
 *
 * @module
 */
import type { VllmCounters, VllmSnapshot } from "./vllm_snapshot.ts";

/** One successful scrape of one replica. */
export interface ScrapePoint {
  /** When the scrape was taken (ms). */
  readonly atMs: number;
  readonly snapshot: VllmSnapshot;
}

/** Gauges of one replica over a window: the snapshot's gauges (averaged), and more. */
export interface WindowGauges extends Omit<VllmSnapshot, "counters" | "engine"> {
  /** KV usage of the newest scrape (the instant value the throughput analyzer pairs with ITL). */
  readonly kvUsageInstant01?: number | undefined;
  /** Mean inter-token latency over the window (ms/token), from the ITL histogram's increase. */
  readonly itlMs?: number | undefined;
  /** Time of the newest scrape in the window (ms). */
  readonly sampleMs: number;
}

/** Counter increases of one replica and the time they span. */
export interface CounterIncrease {
  readonly deltas: VllmCounters;
  readonly spanMs: number;
}

/** Per-model load estimated from counter increases. Undefined fields: no data in the window. */
export interface LoadEstimate {
  /** Finished requests per second (0 when the counters did not move). */
  readonly arrivalRatePerSec: number;
  readonly avgInputTokens?: number | undefined;
  readonly avgOutputTokens?: number | undefined;
  readonly ttftMs?: number | undefined;
  readonly itlMs?: number | undefined;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  let best: number | undefined;
  for (const v of values) if (v !== undefined && (best === undefined || v > best)) best = v;
  return best;
}

/** Points newer than `nowMs − windowMs` (the newest point is always kept). */
export function pointsInWindow(
  points: readonly ScrapePoint[],
  nowMs: number,
  windowMs: number,
): readonly ScrapePoint[] {
  const recent = points.filter((p) => p.atMs > nowMs - windowMs && p.atMs <= nowMs);
  if (recent.length > 0) return recent;
  const last = points.at(-1);
  return last && last.atMs <= nowMs ? [last] : [];
}

/** Gauges over the window; undefined when the replica has no scrape at or before `nowMs`. */
export function windowGauges(
  points: readonly ScrapePoint[],
  nowMs: number,
  windowMs: number,
): WindowGauges | undefined {
  const pts = pointsInWindow(points, nowMs, windowMs);
  const newest = pts.at(-1);
  if (!newest) return undefined;
  return {
    kvUsage01: maxOf(pts.map((p) => p.snapshot.kvUsage01)),
    queueLength: maxOf(pts.map((p) => p.snapshot.queueLength)),
    runningRequests: maxOf(pts.map((p) => p.snapshot.runningRequests)),
    numGpuBlocks: newest.snapshot.numGpuBlocks,
    blockSize: newest.snapshot.blockSize,
    kvUsageInstant01: newest.snapshot.kvUsage01,
    ...replicaItl(points, nowMs, windowMs),
    sampleMs: newest.atMs,
  };
}

/** The replica's mean ITL over the window (`rate(_sum) / rate(_count)`), when it decoded. */
function replicaItl(
  points: readonly ScrapePoint[],
  nowMs: number,
  windowMs: number,
): { readonly itlMs?: number } {
  const inc = counterIncrease(points, nowMs, windowMs);
  const d = inc?.deltas;
  return d && d.itlCount > 0 && d.itlSecondsSum > 0
    ? { itlMs: (d.itlSecondsSum / d.itlCount) * 1000 }
    : {};
}

/**
 * Counter increase from the base point (the newest one at least `windowMs` older than the newest
 * point, else the oldest) to the newest point. Undefined with fewer than two points.
 */
export function counterIncrease(
  points: readonly ScrapePoint[],
  nowMs: number,
  windowMs: number,
): CounterIncrease | undefined {
  const upTo = points.filter((p) => p.atMs <= nowMs);
  const newest = upTo.at(-1);
  if (!newest || upTo.length < 2) return undefined;
  let base = upTo[0]!;
  for (const p of upTo) if (p.atMs <= newest.atMs - windowMs) base = p;
  const spanMs = newest.atMs - base.atMs;
  if (spanMs <= 0) return undefined;
  const a = base.snapshot.counters;
  const b = newest.snapshot.counters;
  const keys = Object.keys(b) as (keyof VllmCounters)[];
  const reset = keys.some((k) => b[k] < a[k]);
  const deltas = Object.fromEntries(keys.map((k) => [k, reset ? b[k] : b[k] - a[k]])) as Record<
    keyof VllmCounters,
    number
  >;
  return { deltas, spanMs };
}

/** Sums counter increases of several replicas into one load estimate. */
export function estimateLoad(increases: readonly CounterIncrease[]): LoadEstimate {
  let rate = 0;
  const sum = { in: 0, inN: 0, out: 0, outN: 0, ttft: 0, ttftN: 0, itl: 0, itlN: 0 };
  for (const { deltas: d, spanMs } of increases) {
    rate += d.requests / (spanMs / 1000);
    sum.in += d.promptTokensSum;
    sum.inN += d.promptTokensCount;
    sum.out += d.outputTokensSum;
    sum.outN += d.outputTokensCount;
    sum.ttft += d.ttftSecondsSum;
    sum.ttftN += d.ttftCount;
    sum.itl += d.itlSecondsSum;
    sum.itlN += d.itlCount;
  }
  const ratio = (s: number, n: number, scale = 1) => (n > 0 ? (s / n) * scale : undefined);
  return {
    arrivalRatePerSec: rate,
    avgInputTokens: ratio(sum.in, sum.inN),
    avgOutputTokens: ratio(sum.out, sum.outN),
    ttftMs: ratio(sum.ttft, sum.ttftN, 1000),
    itlMs: ratio(sum.itl, sum.itlN, 1000),
  };
}
