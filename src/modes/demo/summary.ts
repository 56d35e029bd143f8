/**
 * The end-of-run summary (pure): requests and failures as the client counted them, goodput
 * against the SLO, requests that failed because a replica was removed (counted by the router),
 * how far and when each variant scaled, and the GPU cost of the run per variant compared with
 * holding the peak allocation for the whole run.
 *
 * @module
 */
import type { RunSummary } from "../../core/load/summary.ts";
import type { Slo } from "../../core/load/slo.ts";
import type { RouterCounts, ScaleEvent, TimelinePoint } from "./recorder.ts";

/** Per-variant figures. */
export interface VariantSummary {
  readonly costPerReplica: number;
  /** Most ready replicas at once, and when first reached (s since the load started). */
  readonly peakReady: number;
  readonly peakAtSec: number | null;
  readonly finalReady: number;
  readonly scaleUps: number;
  readonly scaleDowns: number;
  /** First scale-up (s), or null. */
  readonly firstScaleUpAtSec: number | null;
  /** Replica-hours of GPU holding (loading and draining included). */
  readonly replicaHours: number;
  /** replicaHours × cost per replica-hour. */
  readonly cost: number;
}

/** Figures of the whole run. */
export interface DemoSummary {
  readonly durationSec: number;
  readonly interrupted: boolean;
  /** Requests sent by the load generator. */
  readonly requests: number;
  readonly succeeded: number;
  /** Sent, not cancelled, not successful (client view). */
  readonly failed: number;
  /** Failed while their replica was draining or stopped (router view). */
  readonly failedByScaleDown: number;
  readonly cancelled: number;
  readonly dropped: number;
  readonly goodput: {
    readonly good: number;
    readonly fraction01: number | null;
    readonly ratePerSec: number | null;
  };
  readonly slo: Slo;
  readonly achievedRatePerSec: number | null;
  readonly ttftMs: {
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
  };
  readonly itlMs: {
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
  };
  readonly router: RouterCounts;
  readonly scaleUps: number;
  readonly scaleDowns: number;
  readonly variants: Readonly<Record<string, VariantSummary>>;
  readonly cost: {
    readonly total: number;
    /** Cost had the peak allocation been held for the whole run. */
    readonly peakHeld: number;
    /** 1 − total / peakHeld (null without cost). */
    readonly savedFraction01: number | null;
  };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Integrates cost per hour over the timeline (left rectangles); total and per variant. */
export function integrateCost(
  timeline: readonly TimelinePoint[],
): { total: number; byVariant: Record<string, number>; replicaHours: Record<string, number> } {
  const byVariant: Record<string, number> = {};
  const replicaHours: Record<string, number> = {};
  for (let i = 0; i + 1 < timeline.length; i++) {
    const hours = (timeline[i + 1]!.tMs - timeline[i]!.tMs) / 3_600_000;
    for (const [name, v] of Object.entries(timeline[i]!.variants)) {
      byVariant[name] = (byVariant[name] ?? 0) + v.costPerHour * hours;
      const held = v.ready + v.loading + v.draining;
      replicaHours[name] = (replicaHours[name] ?? 0) + held * hours;
    }
  }
  const total = Object.values(byVariant).reduce((a, b) => a + b, 0);
  return { total, byVariant, replicaHours };
}

/** Builds the summary. */
export function summarizeDemo(input: {
  readonly run: RunSummary;
  readonly timeline: readonly TimelinePoint[];
  readonly events: readonly ScaleEvent[];
  readonly router: RouterCounts;
  readonly costs: Readonly<Record<string, number>>;
}): DemoSummary {
  const { run, timeline, events } = input;
  const cost = integrateCost(timeline);
  const first = timeline[0];
  const last = timeline.at(-1);
  const spanMs = first && last ? last.tMs - first.tMs : 0;
  const peakRate = Math.max(
    0,
    ...timeline.map((p) => Object.values(p.variants).reduce((a, v) => a + v.costPerHour, 0)),
  );
  const peakHeld = (peakRate * spanMs) / 3_600_000;
  const variants: Record<string, VariantSummary> = {};
  for (const [name, costPerReplica] of Object.entries(input.costs)) {
    let peakReady = 0;
    let peakAtSec: number | null = null;
    for (const p of timeline) {
      const ready = p.variants[name]?.ready ?? 0;
      if (ready > peakReady) [peakReady, peakAtSec] = [ready, p.tMs / 1000];
    }
    const mine = events.filter((e) => e.variant === name);
    const ups = mine.filter((e) => e.to > e.from);
    variants[name] = {
      costPerReplica,
      peakReady,
      peakAtSec,
      finalReady: last?.variants[name]?.ready ?? 0,
      scaleUps: ups.length,
      scaleDowns: mine.length - ups.length,
      firstScaleUpAtSec: ups[0] ? ups[0].tMs / 1000 : null,
      replicaHours: cost.replicaHours[name] ?? 0,
      cost: cost.byVariant[name] ?? 0,
    };
  }
  const pct = (s: { p50: number; p90: number; p99: number }) => ({
    p50: finite(s.p50),
    p90: finite(s.p90),
    p99: finite(s.p99),
  });
  const ups = events.filter((e) => e.to > e.from).length;
  return {
    durationSec: run.durationSec,
    interrupted: run.interrupted,
    requests: run.sent,
    succeeded: run.succeeded,
    failed: run.failed,
    failedByScaleDown: input.router.failedByScaleDown,
    cancelled: run.cancelled,
    dropped: run.dropped,
    goodput: {
      good: run.goodput.good,
      fraction01: finite(run.goodput.fraction01),
      ratePerSec: finite(run.goodput.ratePerSec),
    },
    slo: run.slo,
    achievedRatePerSec: finite(run.achievedRatePerSec),
    ttftMs: pct(run.ttftMs),
    itlMs: pct(run.itlMs),
    router: { ...input.router },
    scaleUps: ups,
    scaleDowns: events.length - ups,
    variants,
    cost: {
      total: cost.total,
      peakHeld,
      savedFraction01: peakHeld > 0 ? 1 - cost.total / peakHeld : null,
    },
  };
}
