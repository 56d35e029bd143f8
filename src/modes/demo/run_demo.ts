/**
 * Runs the demo: starts the parts (parts.ts), waits for the first replicas to load, then runs
 * three loops until the load schedule ends (or `signal` aborts it):
 *
 * - the load generator on the schedule, through the router;
 * - the control cycle every interval — `runCycle` from src/runtime/run_cycle.ts, paced by
 *   `startLoop` from src/runtime/loop.ts: the same code and the same loop the Kubernetes
 *   controller runs, with the pool as cluster and sink;
 * - the view every second (the same loop): scrape the replicas, record a timeline point, redraw.
 *
 * Then it drains and stops everything and returns the report document (report.ts).
 *
 * @module
 */
import { createLogger, type Logger } from "../../runtime/log.ts";
import {
  analyzeRun,
  type LiveSnapshot,
  type LoadRun,
  type RunOptions,
  type RunResult,
  startLoadRun,
} from "../../adapters/loadgen/mod.ts";
import { meanItlMs } from "../../core/load/record.ts";
import { isGood } from "../../core/load/slo.ts";
import { runCycle } from "../../runtime/run_cycle.ts";
import { type CycleState, EMPTY_CYCLE_STATE } from "../../core/contract/settings.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { startLoop } from "../../runtime/loop.ts";
import { createLiveView, type LiveView, type LiveViewOptions } from "../../runtime/tty.ts";
import type { PoolEvent } from "../../adapters/local/status.ts";
import type { DemoConfig } from "./config.ts";
import { type DemoParts, startParts, type TargetGroup } from "./parts.ts";
import { DemoRecorder } from "./recorder.ts";
import type { DemoReport } from "./report.ts";
import type { ResolvedSchedule } from "./schedules.ts";
import { summarizeDemo } from "./summary.ts";
import { demoLoadRun, demoViewState } from "./view_state.ts";
import { timelinePoint } from "./timeline_point.ts";
import { eventLine, renderPlainLine, renderViewLines, stamp, type ViewState } from "./view.ts";

/** Options of {@linkcode runDemo}. */
export interface RunDemoOptions {
  /** Variants, GPUs, controller and load settings (validated). */
  readonly config: DemoConfig;
  /** The load schedule the run follows; it ends when the schedule (and its drain) ends. */
  readonly schedule: ResolvedSchedule;
  /** Read a real Prometheus instead of scraping the replicas. */
  readonly prometheusUrl?: string | undefined;
  /** Called with the replicas as file_sd target groups whenever they change (for Prometheus). */
  readonly publishTargets?: ((groups: readonly TargetGroup[]) => Promise<void>) | undefined;
  /** Aborting stops the load early (Ctrl-C); the report is still produced. */
  readonly signal?: AbortSignal | undefined;
  /** Live view output (default: stderr, TTY detected). */
  readonly view?: LiveViewOptions;
  /** Where the controller's JSON log lines go. @default dropped */
  readonly logSink?: (line: string) => void;
  /** Paces the loops and stamps the timeline (wall ms). @default systemClock */
  readonly clock?: Clock;
}

/** View period (ms): one timeline point and one redraw per tick. */
const TICK_MS = 1000;

/** Runs the demo and returns its report. */
export async function runDemo(options: RunDemoOptions): Promise<DemoReport> {
  const { config, schedule } = options;
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ sink: options.logSink ?? (() => {}), base: { mode: "demo" } });
  const view = createLiveView({ plainIntervalMs: 5000, ...options.view });
  const early: PoolEvent[] = [];
  let recorder: DemoRecorder | undefined;
  const parts: DemoParts = startParts({
    config,
    prometheusUrl: options.prometheusUrl,
    nowMs: () => clock.nowMs(),
    logger,
    onPoolEvent: (e) => (recorder ? recorder.poolEvent(e) : early.push(e)),
    onRoute: (r) => recorder?.route(r, clock.nowMs()),
  });
  const { pool, router } = parts;
  try {
    await loadFirstReplicas(parts, config, view);
    const runOptions = await demoLoadRun(config, schedule, router.url);
    const rec = new DemoRecorder(clock.nowMs());
    recorder = rec;
    for (const e of early) rec.poolEvent(e);
    view.log(`wva demo: load started — router ${router.url}/v1, metrics from ${parts.metricsName}`);
    const load = startLoadRun(runOptions, {
      onRecord: (r) => {
        const good = isGood(r, config.load.slo);
        rec.client({ ok: r.ok, good, ttftMs: r.ttftMs, itlMs: meanItlMs(r) }, clock.nowMs());
      },
    });
    const run: DemoRun = {
      options,
      clock,
      logger,
      view,
      parts,
      rec,
      load,
      published: "",
      cycleState: EMPTY_CYCLE_STATE,
    };
    const result = await runLoops(run);
    view.close();
    return demoReport(run, runOptions, result);
  } finally {
    view.close();
    await pool.close();
    await router.stop();
  }
}

/**
 * A demo run once the load has started: its parts and what the loops carry from one turn to
 * the next (the cycle state, the last published targets).
 */
interface DemoRun {
  readonly options: RunDemoOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly view: LiveView;
  readonly parts: DemoParts;
  readonly rec: DemoRecorder;
  readonly load: LoadRun;
  /** The target groups last published (JSON), so unchanged groups are not written again. */
  published: string;
  /** Carried from one control cycle to the next (stabilization windows etc.). */
  cycleState: CycleState;
}

/** Starts the initial replicas and waits until they are ready (model loaded). */
async function loadFirstReplicas(
  parts: DemoParts,
  config: DemoConfig,
  view: LiveView,
): Promise<void> {
  const { pool } = parts;
  pool.start();
  const loading = pool.replicas().map((r) => r.id).join(", ");
  view.log(`wva demo: loading the model on ${loading} (${config.loadingDelayMs / 1000} s)…`);
  if (!(await pool.whenReady(config.loadingDelayMs + 60_000))) {
    throw new Error("the first replicas did not become ready within a minute");
  }
}

/**
 * Runs the view and control loops (both `startLoop`) until the load run ends (or `signal`
 * stops it early), then stops them and draws a last view.
 */
async function runLoops(run: DemoRun): Promise<RunResult> {
  const { options, clock, logger, load } = run;
  const onAbort = () => load.stop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) load.stop();
  const stop = new AbortController();
  const viewLoop = startLoop({
    intervalMs: TICK_MS,
    clock,
    signal: stop.signal,
    logger,
    runCycle: () =>
      tick(run).catch((err) => logger.warn("view-failed", { error: (err as Error).message })),
  });
  const controlLoop = startLoop({
    intervalMs: options.config.controller.intervalMs,
    runAtStart: false,
    clock,
    signal: stop.signal,
    logger,
    runCycle: () => controlCycle(run),
  });
  const result = await load.done;
  options.signal?.removeEventListener("abort", onAbort);
  stop.abort();
  await Promise.all([viewLoop.done, controlLoop.done]);
  await tick(run).catch(() => {});
  return result;
}

/** One control cycle on the pool; its scaling events and errors go to the view. */
async function controlCycle(run: DemoRun): Promise<void> {
  const { parts, rec, view } = run;
  const nowMs = run.clock.nowMs();
  const deps = {
    cluster: parts.pool,
    metrics: parts.metrics,
    sink: parts.pool,
    logger: run.logger,
  };
  const r = await runCycle(deps, { nowMs, settings: parts.settings, state: run.cycleState });
  run.cycleState = r.state;
  if (r.report) { for (const e of rec.cycle(r.report, nowMs)) view.log(eventLine(e)); }
  for (const e of r.errors) {
    view.log(`${stamp(rec.t(nowMs))}  ${e.stage} error: ${e.message}`);
  }
}

/** One view tick: scrape the replicas, record a timeline point, publish targets, redraw. */
async function tick(run: DemoRun): Promise<void> {
  const { parts, rec, options } = run;
  const { pool, scrape } = parts;
  await scrape.scrape();
  const now = run.clock.nowMs();
  const snap = run.load.snapshot();
  const point = timelinePoint({
    tMs: rec.t(now),
    variants: pool.variants(),
    replicas: pool.replicas(),
    gauges: (id) => scrape.gauges(id, 1500),
    targetRatePerSec: snap.phase === "running" ? snap.targetRatePerSec : 0,
    achievedRatePerSec: snap.achievedRatePerSec,
    inFlight: snap.inFlight,
  });
  rec.sample(point);
  if (options.publishTargets) await publishTargets(run, options.publishTargets);
  const state = viewState(options.config, options.schedule, parts, rec, snap, point.tMs, now);
  run.view.update(run.view.isTty ? renderViewLines(state) : [renderPlainLine(state)]);
}

/** Publishes the replicas as file_sd target groups when they changed; a failure is logged. */
async function publishTargets(
  run: DemoRun,
  publish: (groups: readonly TargetGroup[]) => Promise<void>,
): Promise<void> {
  const groups = run.parts.targetGroups();
  const text = JSON.stringify(groups);
  if (text === run.published) return;
  run.published = text;
  await publish(groups).catch((err) =>
    run.logger.warn("targets-publish-failed", { error: (err as Error).message })
  );
}

/** The report document: the recorder's timeline and events, the load run's analysis. */
function demoReport(run: DemoRun, runOptions: RunOptions, result: RunResult): DemoReport {
  const { config, schedule } = run.options;
  const { rec } = run;
  const analyzed = analyzeRun(runOptions, result);
  const costs = Object.fromEntries(config.variants.map((v) => [v.name, v.cost]));
  return {
    tool: "wva demo",
    startedAt: new Date(rec.originMs).toISOString(),
    config,
    schedule,
    metricsSource: run.parts.metricsName,
    timeline: rec.timeline,
    events: rec.events,
    replicaEvents: rec.replicaEvents,
    summary: summarizeDemo({
      run: analyzed.summary,
      timeline: rec.timeline,
      events: rec.events,
      router: rec.router,
      costs,
    }),
    loadgen: { summary: analyzed.summary, timeline: analyzed.timeline },
    routerFailures: rec.routeFailures,
    settings: { actuation: "pool" },
  };
}

function viewState(
  config: DemoConfig,
  schedule: ResolvedSchedule,
  parts: DemoParts,
  rec: DemoRecorder,
  snap: LiveSnapshot,
  tMs: number,
  now: number,
): ViewState {
  const point = rec.timeline.at(-1);
  const variants = parts.pool.variants().map((s) => {
    const p = point?.variants[s.spec.name];
    const lat = rec.recentP50(s.spec.name, now);
    return {
      name: s.spec.name,
      accelerator: s.spec.accelerator,
      costPerReplica: s.spec.costPerReplica,
      ready: s.ready,
      desired: s.desired,
      loading: s.loading,
      draining: s.draining,
      unschedulable: s.unschedulable,
      gpusHeld: s.gpusHeld,
      gpusTotal: parts.pool.inventory?.[s.spec.accelerator],
      queue: p?.queue ?? null,
      kvUsage01: p?.kvUsage01 ?? null,
      p50TtftMs: lat.ttftMs,
      p50ItlMs: lat.itlMs,
    };
  });
  return demoViewState(config, rec, snap, {
    schedule: `schedule ${schedule.name}`,
    elapsedMs: tMs,
    nowMs: now,
    variants,
  });
}
