/**
 * Runs a bench scenario arm by arm with a live view (src/runtime/tty.ts): each arm's world is
 * advanced on the virtual clock in slices, and between slices the view shows which arm runs,
 * how much virtual time is done and how much faster than real time it goes. After each arm its
 * figures and the series the report needs are kept, and the run itself is dropped.
 *
 * @module
 */
import {
  armFigures,
  armResult,
  type BenchSummary,
  prepareArm,
  type ReportRun,
  reportRun,
  runLoop,
  type RunOptions,
  type Scenario,
  scenarioJobs,
  type SummaryEntry,
  summaryOf,
  type SweepPoint,
} from "../../core/bench/mod.ts";
import { formatNumber } from "../../core/report/format.ts";
import { createLiveView, type LiveView, type LiveViewOptions } from "../../runtime/tty.ts";

/** Options of {@linkcode runBench}. */
export interface RunBenchOptions {
  readonly scenario: Scenario;
  /** Arms, seed, traces, load cut, decision functions. */
  readonly run: RunOptions;
  readonly view?: LiveViewOptions;
  /** Wall clock (ms). @default performance.now */
  readonly wallMs?: () => number;
  /** Virtual time advanced between two looks at the wall clock (ms). @default 30000 */
  readonly sliceMs?: number;
  /** Least wall time between two redraws (ms). @default 200 */
  readonly redrawMs?: number;
}

/** What a bench run produced. */
export interface BenchRun {
  readonly summary: BenchSummary;
  /** In the order of `summary.arms`. */
  readonly reports: readonly ReportRun[];
}

interface Progress {
  readonly index: number;
  readonly count: number;
  readonly name: string;
  readonly point: SweepPoint | undefined;
  readonly virtualMs: number;
  readonly endMs: number;
  readonly wallMs: number;
}

const at = (p: SweepPoint | undefined) => (p ? ` at ${p.parameter}=${p.value}` : "");

/** The live block: which arm, virtual time done, speed. */
export function progressLines(scenario: string, p: Progress): string[] {
  const share = p.endMs > 0 ? Math.round((100 * p.virtualMs) / p.endMs) : 100;
  const speed = p.wallMs > 0 ? p.virtualMs / p.wallMs : NaN;
  return [
    `wva bench ${scenario}: arm ${p.index + 1}/${p.count} ${p.name}${at(p.point)}`,
    `  virtual ${formatNumber(p.virtualMs / 1000)} / ${formatNumber(p.endMs / 1000)} s ` +
    `(${share} %) · ${formatNumber(speed)}× real time`,
  ];
}

/** One line per finished arm. */
function doneLine(e: SummaryEntry, wallMs: number): string {
  const f = e.figures;
  return `  ${f.name}${at(e.point)}: ${f.failed} of ${f.requests} failed, goodput ` +
    `${formatNumber(f.goodputPerSec)}/s, ${formatNumber(f.gpuHours)} GPU-h — ` +
    `${formatNumber(f.virtualSeconds)} s in ${formatNumber(wallMs / 1000)} s ` +
    `(${formatNumber((f.virtualSeconds * 1000) / wallMs)}×)`;
}

/** Lets timers and signals run between slices. */
function yieldNow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function runJob(
  prepared: ReturnType<typeof prepareArm>,
  show: (virtualMs: number, endMs: number) => Promise<void>,
  sliceMs: number,
): Promise<void> {
  const w = prepared.world;
  const endMs = w.settings.endMs;
  for (let t = 0; t < endMs;) {
    t = Math.min(t + sliceMs, endMs);
    runLoop(w, t);
    await show(t, endMs);
  }
}

/** Runs every arm (at every sweep point) with progress; returns the summary and report data. */
export async function runBench(o: RunBenchOptions): Promise<BenchRun> {
  const wall = o.wallMs ?? (() => performance.now());
  const jobs = scenarioJobs(o.scenario, o.run);
  const view: LiveView = createLiveView(o.view);
  const entries: SummaryEntry[] = [];
  const reports: ReportRun[] = [];
  const start = wall();
  let lastDraw = -Infinity;
  try {
    for (const [index, job] of jobs.entries()) {
      const armStart = wall();
      const prepared = prepareArm(job.scenario, job, o.run.registry ?? {});
      await runJob(prepared, async (virtualMs, endMs) => {
        if (wall() - lastDraw < (o.redrawMs ?? 200)) return;
        lastDraw = wall();
        view.update(progressLines(o.scenario.name, {
          index,
          count: jobs.length,
          name: job.arm.name,
          point: job.point,
          virtualMs,
          endMs,
          wallMs: lastDraw - armStart,
        }));
        await yieldNow();
      }, o.sliceMs ?? 30_000);
      const run = armResult(prepared);
      const entry = { figures: armFigures(run), point: job.point };
      entries.push(entry);
      reports.push(reportRun(run));
      view.log(doneLine(entry, Math.max(1e-3, wall() - armStart)));
    }
  } finally {
    view.close();
  }
  const seed = o.run.seed ?? o.scenario.seed;
  const wallSeconds = (wall() - start) / 1000;
  return { summary: summaryOf(entries, { scenario: o.scenario.name, seed, wallSeconds }), reports };
}
