/**
 * Turns request records into the run summary (`summary.json`): counts, achieved rate against the
 * target, goodput, TTFT / ITL / TPOT / E2E percentiles and schedule lag, for the whole run and
 * for each stage. Pure: the caller passes the window the run covered.
 *
 * @module
 */
import { summarize, type Summary } from "../util/stats.ts";
import { ERROR_CLASSES, type ErrorClass, type RequestRecord } from "./record.ts";
import { expectedCountUntil, type Stage, stageStartsMs } from "./schedule.ts";
import { isGood, type Slo } from "./slo.ts";

/** A send later than this (ms) after its planned time counts as `late`. */
export const LATE_THRESHOLD_MS = 10;

/** Goodput: requests that succeeded within every SLO bound. */
export interface Goodput {
  readonly good: number;
  /** good / sent (NaN → null in JSON when nothing was sent). */
  readonly fraction01: number;
  /** good / window length. */
  readonly ratePerSec: number;
}

/** Counts and latency for a set of requests over a time window. */
export interface WindowSummary {
  /** Planned requests that came due: sent + dropped. */
  readonly total: number;
  readonly sent: number;
  readonly succeeded: number;
  /** Sent, not cancelled, and not successful. */
  readonly failed: number;
  readonly cancelled: number;
  readonly dropped: number;
  /** Sent more than {@linkcode LATE_THRESHOLD_MS} after the planned time. */
  readonly late: number;
  readonly durationSec: number;
  /** Mean target rate over the window (expected sends / window). */
  readonly targetRatePerSec: number;
  /** Requests actually sent / window. */
  readonly achievedRatePerSec: number;
  /** Successful requests / window. */
  readonly completedRatePerSec: number;
  /** Output tokens of successful requests / window. */
  readonly outputTokensPerSec: number;
  readonly goodput: Goodput;
  readonly ttftMs: Summary;
  /** Over every inter-token gap of every successful request. */
  readonly itlMs: Summary;
  readonly tpotMs: Summary;
  readonly e2eMs: Summary;
  readonly scheduleLagMs: Summary;
  /** Failures by class (only classes that occurred). */
  readonly errors: Readonly<Partial<Record<ErrorClass, number>>>;
}

/** One stage's summary. */
export interface StageSummary extends WindowSummary {
  readonly index: number;
  readonly startSec: number;
  readonly fromRatePerSec: number;
  readonly toRatePerSec: number;
}

/** The whole run: the window summary plus per-stage summaries. */
export interface RunSummary extends WindowSummary {
  readonly slo: Slo;
  readonly interrupted: boolean;
  readonly stages: readonly StageSummary[];
}

/** Options for {@linkcode summarizeRun}. */
export interface SummarizeOptions {
  readonly slo: Slo;
  /** How far into the schedule the run got (ms); the schedule length unless interrupted. */
  readonly windowMs: number;
  /** True when the run was stopped early (Ctrl-C). @default false */
  readonly interrupted?: boolean;
}

function summarizeWindow(
  records: readonly RequestRecord[],
  windowSec: number,
  expected: number,
  slo: Slo,
): WindowSummary {
  let sent = 0, succeeded = 0, cancelled = 0, dropped = 0, late = 0, good = 0, outTokens = 0;
  const ttft: number[] = [], itl: number[] = [], tpot: number[] = [], e2e: number[] = [];
  const lag: number[] = [];
  const errors: Partial<Record<ErrorClass, number>> = {};
  for (const r of records) {
    if (r.errorClass !== null) errors[r.errorClass] = (errors[r.errorClass] ?? 0) + 1;
    if (r.errorClass === "dropped") {
      dropped++;
      continue;
    }
    sent++;
    if (r.lagMs !== null) {
      lag.push(r.lagMs);
      if (r.lagMs > LATE_THRESHOLD_MS) late++;
    }
    if (r.errorClass === "cancelled") cancelled++;
    if (!r.ok) continue;
    succeeded++;
    outTokens += r.outputTokens;
    if (isGood(r, slo)) good++;
    if (r.ttftMs !== null) ttft.push(r.ttftMs);
    if (r.tpotMs !== null) tpot.push(r.tpotMs);
    if (r.e2eMs !== null) e2e.push(r.e2eMs);
    for (const g of r.itlMs) itl.push(g);
  }
  const perSec = (n: number): number => (windowSec > 0 ? n / windowSec : NaN);
  const ordered: Partial<Record<ErrorClass, number>> = {};
  for (const c of ERROR_CLASSES) if (errors[c] !== undefined) ordered[c] = errors[c];
  return {
    total: sent + dropped,
    sent,
    succeeded,
    failed: sent - succeeded - cancelled,
    cancelled,
    dropped,
    late,
    durationSec: windowSec,
    targetRatePerSec: perSec(expected),
    achievedRatePerSec: perSec(sent),
    completedRatePerSec: perSec(succeeded),
    outputTokensPerSec: perSec(outTokens),
    goodput: { good, fraction01: sent > 0 ? good / sent : NaN, ratePerSec: perSec(good) },
    ttftMs: summarize(ttft),
    itlMs: summarize(itl),
    tpotMs: summarize(tpot),
    e2eMs: summarize(e2e),
    scheduleLagMs: summarize(lag),
    errors: ordered,
  };
}

/**
 * Summarises a run. Records are assigned to stages by their `stage` field (the planned send
 * time); a stage the run never reached is reported with a zero-length window.
 *
 * @example
 * ```ts
 * import { summarizeRun } from "./summary.ts";
 * const s = summarizeRun([], [{ durationMs: 1000, fromRatePerSec: 1, toRatePerSec: 1 }], {
 *   slo: {},
 *   windowMs: 1000,
 * });
 * if (s.total !== 0 || s.stages.length !== 1) throw new Error("bad");
 * ```
 */
export function summarizeRun(
  records: readonly RequestRecord[],
  stages: readonly Stage[],
  options: SummarizeOptions,
): RunSummary {
  const windowMs = Math.max(0, options.windowMs);
  const byStage: RequestRecord[][] = stages.map(() => []);
  for (const r of records) byStage[r.stage]?.push(r);
  const starts = stageStartsMs(stages);
  const stageSummaries = stages.map((stage, i): StageSummary => {
    const startMs = starts[i]!;
    const endMs = Math.min(startMs + stage.durationMs, Math.max(startMs, windowMs));
    const expected = expectedCountUntil(stages, endMs) - expectedCountUntil(stages, startMs);
    const w = summarizeWindow(byStage[i]!, (endMs - startMs) / 1000, expected, options.slo);
    return {
      index: i,
      startSec: startMs / 1000,
      fromRatePerSec: stage.fromRatePerSec,
      toRatePerSec: stage.toRatePerSec,
      ...w,
    };
  });
  const whole = summarizeWindow(
    records,
    windowMs / 1000,
    expectedCountUntil(stages, windowMs),
    options.slo,
  );
  return {
    ...whole,
    slo: options.slo,
    interrupted: options.interrupted ?? false,
    stages: stageSummaries,
  };
}
