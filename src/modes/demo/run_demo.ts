/**
 * Runs the demo: starts the parts (parts.ts), waits for the first replicas to load, then runs
 * three loops until the load schedule ends (or `signal` aborts it):
 *
 * - the load generator on the schedule, through the router;
 * - the control cycle every interval — `runCycle` from src/runtime/run_cycle.ts, the same code the
 *   Kubernetes controller runs, with the pool as cluster and sink;
 * - the view every second: scrape the replicas, record a timeline point, redraw.
 *
 * Then it drains and stops everything and returns the report document (report.ts).
 *
 * @module
 */
import { createLogger } from "../../runtime/log.ts";
import { analyzeRun, prepareRun, startLoadRun } from "../../adapters/loadgen/mod.ts";
import { meanItlMs } from "../../core/load/record.ts";
import { isGood } from "../../core/load/slo.ts";
import { runCycle } from "../../runtime/run_cycle.ts";
import { EMPTY_CYCLE_STATE } from "../../core/contract/settings.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { createLiveView, type LiveViewOptions } from "../../runtime/tty.ts";
import type { PoolEvent } from "../../adapters/local/status.ts";
import type { DemoConfig } from "./config.ts";
import { type DemoParts, startParts, type TargetGroup } from "./parts.ts";
import { DemoRecorder } from "./recorder.ts";
import type { DemoReport } from "./report.ts";
import type { ResolvedSchedule } from "./schedules.ts";
import { integrateCost, summarizeDemo } from "./summary.ts";
import { timelinePoint } from "./timeline_point.ts";
import { eventLine, renderPlainLine, renderViewLines, stamp, type ViewState } from "./view.ts";

/** Options of {@linkcode runDemo}. */
export interface RunDemoOptions {
  readonly config: DemoConfig;
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
  readonly clock?: Clock;
}

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
  const { pool, router, scrape } = parts;
  try {
    pool.start();
    const loading = pool.replicas().map((r) => r.id).join(", ");
    view.log(`wva demo: loading the model on ${loading} (${config.loadingDelayMs / 1000} s)…`);
    if (!(await pool.whenReady(config.loadingDelayMs + 60_000))) {
      throw new Error("the first replicas did not become ready within a minute");
    }
    const runOptions = await prepareRun({
      url: `${router.url}/v1`,
      model: config.model,
      stages: [...schedule.stages],
      seed: config.load.seed,
      promptTokens: config.load.promptTokens,
      outputTokens: config.load.outputTokens,
      slo: config.load.slo,
      drainMs: config.load.drainMs,
    });
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
    const onAbort = () => load.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) load.stop();
    const stop = new AbortController();
    let published = "";
    const tick = async (): Promise<void> => {
      await scrape.scrape();
      const now = clock.nowMs();
      const snap = load.snapshot();
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
      if (options.publishTargets) {
        const groups = parts.targetGroups();
        const text = JSON.stringify(groups);
        if (text !== published) {
          published = text;
          await options.publishTargets(groups).catch((err) =>
            logger.warn("targets-publish-failed", { error: (err as Error).message })
          );
        }
      }
      const state = viewState(config, schedule, parts, rec, snap, point.tMs, now);
      view.update(view.isTty ? renderViewLines(state) : [renderPlainLine(state)]);
    };
    const viewLoop = (async () => {
      while (!stop.signal.aborted) {
        await tick().catch((err) => logger.warn("view-failed", { error: (err as Error).message }));
        await clock.sleep(TICK_MS, stop.signal).catch(() => {});
      }
    })();
    const controlLoop = (async () => {
      let state = EMPTY_CYCLE_STATE;
      const interval = config.controller.intervalMs;
      const startMs = clock.nowMs();
      for (let k = 1; !stop.signal.aborted; k++) {
        const wait = startMs + k * interval - clock.nowMs();
        await clock.sleep(Math.max(0, wait), stop.signal).catch(() => {});
        if (stop.signal.aborted) break;
        const nowMs = clock.nowMs();
        const deps = { cluster: pool, metrics: parts.metrics, sink: pool, logger };
        const r = await runCycle(deps, { nowMs, settings: parts.settings, state });
        state = r.state;
        if (r.report) { for (const e of rec.cycle(r.report, nowMs)) view.log(eventLine(e)); }
        for (const e of r.errors) {
          view.log(`${stamp(rec.t(nowMs))}  ${e.stage} error: ${e.message}`);
        }
      }
    })();
    const result = await load.done;
    options.signal?.removeEventListener("abort", onAbort);
    stop.abort();
    await Promise.all([viewLoop, controlLoop]);
    await tick().catch(() => {});
    view.close();
    const analyzed = analyzeRun(runOptions, result);
    const costs = Object.fromEntries(config.variants.map((v) => [v.name, v.cost]));
    return {
      tool: "wva demo",
      startedAt: new Date(rec.originMs).toISOString(),
      config,
      schedule,
      metricsSource: parts.metricsName,
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
    };
  } finally {
    view.close();
    await pool.close();
    await router.stop();
  }
}

function viewState(
  config: DemoConfig,
  schedule: ResolvedSchedule,
  parts: DemoParts,
  rec: DemoRecorder,
  snap: ReturnType<ReturnType<typeof startLoadRun>["snapshot"]>,
  tMs: number,
  now: number,
): ViewState {
  const client = rec.recentP50(null, now);
  const point = rec.timeline.at(-1);
  return {
    model: config.model,
    analyzer: config.controller.analyzer,
    intervalMs: config.controller.intervalMs,
    schedule: `schedule ${schedule.name}`,
    phase: snap.phase === "running" ? `stage ${snap.stage + 1}/${snap.stageCount}` : snap.phase,
    elapsedMs: Math.max(0, tMs),
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
    variants: parts.pool.variants().map((s) => {
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
    }),
    costPerHour: point ? Object.values(point.variants).reduce((a, v) => a + v.costPerHour, 0) : 0,
    costSoFar: integrateCost(rec.timeline).total,
    events: rec.events,
    note: rec.lastNote,
  };
}
