/**
 * `report.json`: everything a run measured, in one document (pure builder, plus the writer).
 *
 * | key | content |
 * |---|---|
 * | `timeline` | `[{tMs, targetRatePerSec, achievedRatePerSec, inFlight, variants: {<name>: {ready, desired, loading, draining, unschedulable, gpus, queue, kvUsage01, costPerHour}}}]`, one point per second |
 * | `events` | `[{tMs, variant, from, to, reason, message}]`: every change of a variant's desired replicas, with the decision's reason |
 * | `replicaEvents` | replica lifecycle: starting, ready, draining, stopped |
 * | `summary` | `{requests, failed, failedByScaleDown, goodput, …}` (src/modes/demo/summary.ts) |
 * | `loadgen` | the load generator's summary (per stage) and timeline bins (TTFT/ITL percentiles) |
 * | `config`, `schedule`, `metricsSource` | what ran |
 *
 * Times are ms since the load started; NaN and infinities are written as null.
 *
 * @module
 */
import type { RunSummary } from "../../core/load/summary.ts";
import type { TimelineBin } from "../../core/load/timeline.ts";
import type { DemoConfig } from "./config.ts";
import type { ReplicaEvent, ScaleEvent, TimelinePoint } from "./recorder.ts";
import type { ResolvedSchedule } from "./schedules.ts";
import type { DemoSummary } from "./summary.ts";

/** The report document. */
export interface DemoReport {
  readonly tool: "wva demo";
  /** ISO time the load started (supplied by the caller). */
  readonly startedAt: string;
  readonly config: DemoConfig;
  readonly schedule: ResolvedSchedule;
  /** `scrape` or `prometheus <url>`. */
  readonly metricsSource: string;
  readonly timeline: readonly TimelinePoint[];
  readonly events: readonly ScaleEvent[];
  readonly replicaEvents: readonly ReplicaEvent[];
  readonly summary: DemoSummary;
  readonly loadgen: { readonly summary: RunSummary; readonly timeline: readonly TimelineBin[] };
  /** Up to 200 failures the router saw (time, replica, error). */
  readonly routerFailures: readonly { tMs: number; replica: string | null; error: string }[];
}

/** JSON text of a report: 2-space indent, non-finite numbers as null. */
export function reportJson(report: DemoReport): string {
  return JSON.stringify(
    report,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  ) + "\n";
}
