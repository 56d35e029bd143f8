/**
 * The live view's state and the load run, shared by both demos. The view's state comes from what both demos record: the load line (the load generator's
 * snapshot and the client-side medians), the cost line and the decisions come from the same
 * recorder whether the pool (`wva demo`) or the cluster (`--cluster`) runs the replicas; only the
 * per-variant rows differ, and the caller builds them.
 *
 * @module
 */
import { type LiveSnapshot, prepareRun, type RunOptions } from "../../adapters/loadgen/mod.ts";
import type { DemoConfig } from "./config.ts";
import type { DemoRecorder } from "./recorder.ts";
import type { ResolvedSchedule } from "./schedules.ts";
import { integrateCost } from "./summary.ts";
import type { ViewState, ViewVariant } from "./view.ts";

/** What differs between the demos: the schedule label, the elapsed time and the variant rows. */
export interface ViewStateParts {
  /** The heading's schedule text, e.g. `schedule quick`. */
  schedule: string;
  /** Time since the load started, ms (clamped at 0). */
  elapsedMs: number;
  /** The wall clock the recorder's medians are taken at, ms. */
  nowMs: number;
  variants: readonly ViewVariant[];
}

/** Builds the view state of the latest recorded point. */
export function demoViewState(
  config: DemoConfig,
  rec: DemoRecorder,
  snap: LiveSnapshot,
  parts: ViewStateParts,
): ViewState {
  const client = rec.recentP50(null, parts.nowMs);
  const point = rec.timeline.at(-1);
  return {
    model: config.model,
    analyzer: config.controller.analyzer,
    intervalMs: config.controller.intervalMs,
    schedule: parts.schedule,
    phase: snap.phase === "running" ? `stage ${snap.stage + 1}/${snap.stageCount}` : snap.phase,
    elapsedMs: Math.max(0, parts.elapsedMs),
    totalMs: snap.totalMs,
    targetRatePerSec: snap.phase === "running" ? snap.targetRatePerSec : 0,
    achievedRatePerSec: snap.achievedRatePerSec,
    inFlight: snap.inFlight,
    done: rec.clientCounts.done,
    good: rec.clientCounts.good,
    failed: snap.failed,
    failedByScaleDown: rec.router.failedByScaleDown,
    p50TtftMs: client.ttftMs,
    p50ItlMs: client.itlMs,
    variants: parts.variants,
    costPerHour: point ? Object.values(point.variants).reduce((a, v) => a + v.costPerHour, 0) : 0,
    costSoFar: integrateCost(rec.timeline).total,
    events: rec.events,
    note: rec.lastNote,
  };
}

/** The load generator's run for the demo's schedule and load settings, sent to `baseUrl`/v1. */
export function demoLoadRun(
  config: DemoConfig,
  schedule: ResolvedSchedule,
  baseUrl: string,
): Promise<RunOptions> {
  return prepareRun({
    url: `${baseUrl}/v1`,
    model: config.model,
    stages: [...schedule.stages],
    seed: config.load.seed,
    promptTokens: config.load.promptTokens,
    outputTokens: config.load.outputTokens,
    slo: config.load.slo,
    drainMs: config.load.drainMs,
  });
}
