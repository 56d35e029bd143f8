/**
 * `summary.json` of a bench run (pure; the caller measures `wallSeconds`): the scenario, the
 * virtual time simulated, and one entry per arm (per sweep point) with the figures of
 * figures.ts. Non-finite numbers become null in JSON.
 *
 * @module
 */
import { type ArmFigures, armFigures } from "./figures.ts";
import type { PointRun, SweepPoint } from "./run.ts";

/** One arm's entry (with its sweep point, if any). */
export interface SummaryArm extends ArmFigures {
  readonly sweep?: { readonly parameter: string; readonly value: number };
}

/** The whole summary. */
export interface BenchSummary {
  readonly scenario: string;
  readonly seed: number;
  /** Virtual seconds simulated, summed over every arm run. */
  readonly virtualSeconds: number;
  /** Wall-clock seconds the runs took (measured by the caller). */
  readonly wallSeconds: number;
  /** virtualSeconds / wallSeconds. */
  readonly speedup: number;
  readonly arms: readonly SummaryArm[];
}

/** One arm's figures and its sweep point (what {@linkcode summaryOf} needs of a run). */
export interface SummaryEntry {
  readonly figures: ArmFigures;
  readonly point: SweepPoint | undefined;
}

/** The summary of entries already reduced to figures (runs need not be kept). */
export function summaryOf(
  entries: readonly SummaryEntry[],
  meta: { readonly scenario: string; readonly seed: number; readonly wallSeconds: number },
): BenchSummary {
  const arms: SummaryArm[] = entries.map((e) => ({
    ...e.figures,
    ...(e.point ? { sweep: { parameter: e.point.parameter, value: e.point.value } } : {}),
  }));
  const virtualSeconds = arms.reduce((s, a) => s + a.virtualSeconds, 0);
  return {
    scenario: meta.scenario,
    seed: meta.seed,
    virtualSeconds,
    wallSeconds: meta.wallSeconds,
    speedup: meta.wallSeconds > 0 ? virtualSeconds / meta.wallSeconds : NaN,
    arms,
  };
}

/**
 * Builds the summary.
 *
 * @example
 * ```ts
 * import { benchSummary } from "./summary.ts";
 * const s = benchSummary([], { scenario: "empty", seed: 1, wallSeconds: 0 });
 * if (s.arms.length !== 0) throw new Error("bad");
 * ```
 */
export function benchSummary(
  points: readonly PointRun[],
  meta: { readonly scenario: string; readonly seed: number; readonly wallSeconds: number },
): BenchSummary {
  const entries = points.flatMap((p) =>
    p.runs.map((run) => ({ figures: armFigures(run), point: p.point }))
  );
  return summaryOf(entries, meta);
}

/** Renders the summary as JSON (NaN and ±Infinity as null). */
export function summaryJson(summary: BenchSummary): string {
  return JSON.stringify(
    summary,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}
