/**
 * Time series of one arm's run for report.html, on the same definitions as the figures: the
 * Deployments' replicas (spec and Ready, summed over variants) and the gateway queue (summed
 * over models) every timeline step; the cost accrued so far (replicas holding GPUs — loading,
 * Ready or draining — times their cost per hour); and per bin of arrival time the TTFT and ITL
 * percentiles of the requests that completed and the failures per second.
 *
 * @module
 */
import { percentileOfSorted } from "../../util/stats.ts";
import type { ArmRun } from "../run.ts";
import { OK } from "../sim/types.ts";

/** Latency and failures per bin of arrival time. */
export interface LatencyBins {
  /** Middle of each bin (s). */
  readonly tSec: readonly number[];
  readonly ttftP50Ms: readonly number[];
  readonly ttftP99Ms: readonly number[];
  readonly itlP90Ms: readonly number[];
  readonly failedPerSec: readonly number[];
}

/** The series of one arm. */
export interface ArmSeries {
  readonly name: string;
  readonly type: string;
  readonly tSec: readonly number[];
  readonly spec: readonly number[];
  readonly ready: readonly number[];
  readonly queued: readonly number[];
  /** Cost accrued since the start (cost units). */
  readonly costSoFar: readonly number[];
  readonly latency: LatencyBins;
}

/** A bin width that gives about 60 bins over the load, a multiple of 15 s. */
export function binSeconds(loadSec: number): number {
  return Math.max(15, Math.ceil(loadSec / 60 / 15) * 15);
}

function costSoFar(run: ArmRun): number[] {
  const tl = run.timeline;
  const costOf = new Map(run.models.flatMap((m) => m.variants.map((v) => [v.name, v.costPerHour])));
  const out: number[] = [];
  let total = 0;
  for (let i = 0; i < tl.tSec.length; i++) {
    if (i > 0) {
      const dtHours = (tl.tSec[i]! - tl.tSec[i - 1]!) / 3600;
      for (const v of tl.variants) {
        const held = v.ready[i - 1]! + v.loading[i - 1]! + v.draining[i - 1]!;
        total += held * (costOf.get(v.variant) ?? 0) * dtHours;
      }
    }
    out.push(total);
  }
  return out;
}

/** The samples sorted (a typed numeric sort: much faster than a comparator sort). */
function sorted(samples: readonly number[]): number[] {
  return Array.from(Float64Array.from(samples).sort());
}

/** Latency percentiles and failures per bin of arrival time. */
export function latencyBins(run: ArmRun, binSec: number): LatencyBins {
  const plan = run.plan;
  const { status, ttftMs, itlMs } = run.records;
  const n = Math.max(1, Math.ceil(plan.loadEndMs / 1000 / binSec));
  const ttft: number[][] = Array.from({ length: n }, () => []);
  const itl: number[][] = Array.from({ length: n }, () => []);
  const failed = new Array<number>(n).fill(0);
  for (let i = 0; i < plan.count; i++) {
    const b = Math.min(n - 1, Math.floor(plan.atMs[i]! / 1000 / binSec));
    if (status[i] !== OK) {
      failed[b]!++;
      continue;
    }
    ttft[b]!.push(ttftMs[i]!);
    if (!Number.isNaN(itlMs[i]!)) itl[b]!.push(itlMs[i]!);
  }
  const ttftSorted = ttft.map(sorted);
  return {
    tSec: Array.from({ length: n }, (_, b) => (b + 0.5) * binSec),
    ttftP50Ms: ttftSorted.map((s) => percentileOfSorted(s, 50)),
    ttftP99Ms: ttftSorted.map((s) => percentileOfSorted(s, 99)),
    itlP90Ms: itl.map((s) => percentileOfSorted(sorted(s), 90)),
    failedPerSec: failed.map((f) => f / binSec),
  };
}

/** Every series of one arm's run. */
export function armSeries(run: ArmRun, binSec: number): ArmSeries {
  const tl = run.timeline;
  const sum = (col: "spec" | "ready") =>
    tl.tSec.map((_, i) => tl.variants.reduce((s, v) => s + v[col][i]!, 0));
  return {
    name: run.arm.name,
    type: run.arm.type,
    tSec: tl.tSec,
    spec: sum("spec"),
    ready: sum("ready"),
    queued: tl.tSec.map((_, i) => tl.models.reduce((s, m) => s + m.queued[i]!, 0)),
    costSoFar: costSoFar(run),
    latency: latencyBins(run, binSec),
  };
}
