/**
 * `wva demo --cluster`: the demo's model, variants, schedule and report on a real control plane.
 * The stack (stack.ts) starts the cluster with KEDA and fake GPUs, Prometheus, the pod runner,
 * the gateway and `wva controller` (no `--direct-scale`); the demo applies its workloads from the
 * samples (manifests.ts), waits for the first replicas, drives the load through the gateway,
 * and watches every hop of each decision: wva's desired count (the controller's log) → the HPA
 * KEDA made → the Deployment → ready pods. Everything is stopped at the end, also on Ctrl-C.
 *
 * @module
 */
import {
  analyzeRun,
  type LoadRun,
  type RunOptions,
  type RunResult,
  startLoadRun,
} from "../../../adapters/loadgen/mod.ts";
import { createPromClient, type PromQuery } from "../../../adapters/prometheus/client.ts";
import { meanItlMs } from "../../../core/load/record.ts";
import { isGood } from "../../../core/load/slo.ts";
import { type Clock, systemClock } from "../../../runtime/clock.ts";
import { createLogger } from "../../../runtime/log.ts";
import { startLoop } from "../../../runtime/loop.ts";
import { createLiveView, type LiveView, type LiveViewOptions } from "../../../runtime/tty.ts";
import type { DemoConfig } from "../config.ts";
import { DemoRecorder } from "../recorder.ts";
import type { DemoReport, DemoSettings, DemoStartup } from "../report.ts";
import type { ResolvedSchedule } from "../schedules.ts";
import { summarizeDemo } from "../summary.ts";
import { eventLine, renderPlainLine, renderViewLines } from "../view.ts";
import { readSamples } from "./apply.ts";
import { demoLoadRun } from "../view_state.ts";
import { clusterPoint, clusterViewState, type VariantGauges } from "./cluster_view.ts";
import { DesiredTracker, parseCycleLine } from "./decisions.ts";
import { type HopEvent, pairHops, summarizeHops } from "./hops.ts";
import { configMapsFor, gpuLayout, POD_FLAG_NAMES, workloadsFor } from "./manifests.ts";
import { type ClusterStack, startClusterStack } from "./stack.ts";
import { type ClusterWatch, watchCluster } from "./watch_state.ts";

/** The cluster's pace: short enough to see several hops in the quick schedule. */
export interface ClusterPace {
  readonly hpaSyncPeriod: string;
  readonly kedaPollingSec: number;
  readonly kedaCooldownSec: number;
  readonly hpaScaleDownWindowSec: number;
  readonly prometheusScrapeSec: number;
}

/** The demo's default pace (docs/demo.md, "--cluster"). */
export const DEFAULT_PACE: ClusterPace = {
  hpaSyncPeriod: "2s",
  kedaPollingSec: 2,
  kedaCooldownSec: 10,
  hpaScaleDownWindowSec: 10,
  prometheusScrapeSec: 1,
};

/** Options of {@linkcode runClusterDemo}. */
export interface ClusterDemoOptions {
  readonly config: DemoConfig;
  readonly schedule: ResolvedSchedule;
  /** State directory (cluster, Prometheus, pod logs, controller log); removed at the end. */
  readonly dir: string;
  readonly signal?: AbortSignal | undefined;
  readonly view?: LiveViewOptions;
  /** The controller's JSON log lines. @default dropped */
  readonly logSink?: (line: string) => void;
  readonly pace?: ClusterPace;
}

/** The flags of `wva controller` for the demo's settings (windows as in `wva demo --prometheus`). */
export function controllerArgs(config: DemoConfig): string[] {
  const interval = config.controller.intervalMs;
  const windowSec = Math.max(
    10,
    Math.ceil((2 * (config.controller.metricsWindowMs ?? interval)) / 1000),
  );
  return [
    `--interval=${interval}ms`,
    `--analyzer=${config.controller.analyzer}`,
    `--metrics-window=${windowSec}s`,
    `--stale-after=${Math.max(10_000, 3 * interval)}ms`,
    `--warmup=${windowSec + 2}s`,
    "--status-refresh=10s",
    ...(config.controller.limiter ? ["--limiter"] : []),
  ];
}

/** What the run carries between its parts. */
interface ClusterRun {
  readonly o: ClusterDemoOptions;
  readonly pace: ClusterPace;
  readonly clock: Clock;
  readonly view: LiveView;
  readonly tracker: DesiredTracker;
  readonly wvaHops: HopEvent[];
  /** Controller lines that came before the load started (replayed into the recorder). */
  readonly early: Readonly<Record<string, unknown>>[];
  rec: DemoRecorder | undefined;
}

/** Runs the cluster demo and returns its report. */
export async function runClusterDemo(o: ClusterDemoOptions): Promise<DemoReport> {
  const startMs = Date.now();
  const layout = gpuLayout(o.config);
  const run: ClusterRun = {
    o,
    pace: o.pace ?? DEFAULT_PACE,
    clock: systemClock,
    view: createLiveView({ plainIntervalMs: 5000, ...o.view }),
    tracker: new DesiredTracker(),
    wvaHops: [],
    early: [],
    rec: undefined,
  };
  run.view.log(
    `wva demo --cluster: starting the control plane, KEDA and ${layout.nodes} fake-GPU nodes in ${o.dir}`,
  );
  const stack = await startClusterStack({
    dir: o.dir,
    ...layout,
    hpaSyncPeriod: run.pace.hpaSyncPeriod,
    namespace: o.config.namespace,
    emulatorFlags: POD_FLAG_NAMES.map((flag) => ({ flag, description: "" })),
    controllerArgs: controllerArgs(o.config),
    configMaps: (shipped) => configMapsFor(o.config, shipped),
    scrapeIntervalSec: run.pace.prometheusScrapeSec,
    onProgress: (line) => run.view.log(line),
    onControllerLog: (r) => onControllerLine(run, r),
    onRoute: (r) => run.rec?.route(r, run.clock.nowMs()),
    logger: createLogger({ level: "warn", sink: (l) => o.logSink?.(l), base: { mode: "demo" } }),
  }).catch((err) => {
    run.view.close();
    throw err;
  });
  const watch = watchCluster(stack.kube, o.config.namespace);
  const prom = createPromClient({ url: stack.prometheus.url });
  try {
    await watch.synced;
    const workloadsAt = Date.now();
    await stack.apply(workloadsFor(o.config, await readSamples(), stack.prometheus.url, {
      pollingSec: run.pace.kedaPollingSec,
      cooldownSec: run.pace.kedaCooldownSec,
      scaleDownWindowSec: run.pace.hpaScaleDownWindowSec,
    }));
    await firstReplicas(run, stack);
    const startup = {
      ...stack.timings,
      workloadsMs: Date.now() - workloadsAt,
      totalMs: Date.now() - startMs,
    };
    return await loadPhase(run, stack, watch, prom, startup);
  } finally {
    run.view.close();
    prom.close();
    await watch.stop();
    await stack.stop();
  }
}

/** A controller line: decisions go to the recorder (or wait for it), hops to the chain. */
function onControllerLine(run: ClusterRun, record: Readonly<Record<string, unknown>>): void {
  run.o.logSink?.(JSON.stringify(record));
  if (!run.rec) {
    run.early.push(record);
    return;
  }
  const line = parseCycleLine(record);
  if (!line) return;
  const out = run.tracker.apply(line);
  run.wvaHops.push(...out.hops);
  const events = out.events.map(({ atMs, ...e }) => ({ ...e, tMs: run.rec!.t(atMs) }));
  run.rec.decided(events, line.atMs, out.note);
  for (const e of events) run.view.log(eventLine(e));
}

/** Waits until every variant has its initial replicas ready behind the gateway. */
async function firstReplicas(run: ClusterRun, stack: ClusterStack): Promise<void> {
  const { config } = run.o;
  const want = config.variants.filter((v) => v.initialReplicas > 0);
  run.view.log(
    `wva demo --cluster: loading the model on ${
      want.map((v) => `${v.initialReplicas}× ${v.name}`).join(", ")
    } (${config.loadingDelayMs / 1000} s)…`,
  );
  const deadline = Date.now() + config.loadingDelayMs + 120_000;
  const ready = () =>
    want.every((v) =>
      stack.endpoints.ready(config.model).filter((e) => e.variant === v.name).length >=
        v.initialReplicas
    );
  while (!ready()) {
    if (run.o.signal?.aborted) throw new Error("stopped before the load started");
    if (Date.now() > deadline) {
      throw new Error("the first replicas were not ready within two minutes");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs the load through the gateway with the view loop, then builds the report. */
async function loadPhase(
  run: ClusterRun,
  stack: ClusterStack,
  watch: ClusterWatch,
  prom: PromQuery,
  startup: DemoStartup,
): Promise<DemoReport> {
  const { config, schedule } = run.o;
  const runOptions = await demoLoadRun(config, schedule, stack.gateway.url);
  const rec = new DemoRecorder(run.clock.nowMs());
  run.rec = rec;
  for (const r of run.early.splice(0)) onControllerLine(run, r);
  run.view.log(
    `wva demo --cluster: load started — gateway ${stack.gateway.url}/v1, Prometheus ${stack.prometheus.url}`,
  );
  const load = startLoadRun(runOptions, {
    onRecord: (r) => {
      const good = isGood(r, config.load.slo);
      rec.client({ ok: r.ok, good, ttftMs: r.ttftMs, itlMs: meanItlMs(r) }, run.clock.nowMs());
    },
  });
  const result = await viewLoop(run, watch, prom, load);
  return clusterReport(run, watch, runOptions, result, startup);
}

/** Redraws once a second until the load ends (Ctrl-C stops the load early). */
async function viewLoop(
  run: ClusterRun,
  watch: ClusterWatch,
  prom: PromQuery,
  load: LoadRun,
): Promise<RunResult> {
  const onAbort = () => load.stop();
  run.o.signal?.addEventListener("abort", onAbort, { once: true });
  if (run.o.signal?.aborted) load.stop();
  const stop = new AbortController();
  const tick = async () => {
    const gauges = await variantGauges(prom, run.o.config.namespace).catch(() => new Map());
    const now = run.clock.nowMs();
    const snap = load.snapshot();
    const rec = run.rec!;
    rec.sample(clusterPoint({
      tMs: rec.t(now),
      config: run.o.config,
      chain: (v) => watch.chain(v),
      desired: (v) => run.tracker.desired(v),
      gauges,
      snap,
    }));
    const state = clusterViewState(run.o.config, run.o.schedule, rec, snap, now);
    run.view.update(run.view.isTty ? renderViewLines(state) : [renderPlainLine(state)]);
  };
  const loop = startLoop({
    intervalMs: 1000,
    clock: run.clock,
    signal: stop.signal,
    runCycle: () => tick().catch(() => {}),
  });
  const result = await load.done;
  run.o.signal?.removeEventListener("abort", onAbort);
  stop.abort();
  await loop.done;
  await tick().catch(() => {});
  return result;
}

/** Waiting requests (sum) and KV usage (mean) per variant, from Prometheus. */
async function variantGauges(
  prom: PromQuery,
  namespace: string,
): Promise<Map<string, VariantGauges>> {
  const sel = `{namespace=${JSON.stringify(namespace)}}`;
  const [queue, kv] = await Promise.all([
    prom.instant(`sum by (llm_d_ai_variant) (vllm:num_requests_waiting${sel})`),
    prom.instant(`avg by (llm_d_ai_variant) (vllm:kv_cache_usage_perc${sel})`),
  ]);
  const out = new Map<string, VariantGauges>();
  for (const s of queue) {
    out.set(s.labels.llm_d_ai_variant ?? "", { queue: s.value, kvUsage01: null });
  }
  for (const s of kv) {
    const v = s.labels.llm_d_ai_variant ?? "";
    out.set(v, { queue: out.get(v)?.queue ?? null, kvUsage01: s.value });
  }
  return out;
}

/** The report: `wva demo`'s document, with the actuation settings, the hops and the start-up. */
function clusterReport(
  run: ClusterRun,
  watch: ClusterWatch,
  runOptions: RunOptions,
  result: RunResult,
  startup: DemoStartup,
): DemoReport {
  const { config, schedule } = run.o;
  const rec = run.rec!;
  const analyzed = analyzeRun(runOptions, result);
  const all = [...watch.events, ...run.wvaHops];
  const decisions = pairHops(all, rec.originMs);
  const settings: DemoSettings = {
    actuation: "keda",
    cluster: {
      hpaSyncPeriod: run.pace.hpaSyncPeriod,
      kedaPollingSec: run.pace.kedaPollingSec,
      kedaCooldownSec: run.pace.kedaCooldownSec,
      hpaScaleDownWindowSec: run.pace.hpaScaleDownWindowSec,
      prometheusScrapeSec: run.pace.prometheusScrapeSec,
      controllerArgs: controllerArgs(config),
    },
  };
  return {
    tool: "wva demo",
    startedAt: new Date(rec.originMs).toISOString(),
    config,
    schedule,
    metricsSource: "prometheus (wva controller process)",
    timeline: rec.timeline,
    events: rec.events,
    replicaEvents: [],
    summary: summarizeDemo({
      run: analyzed.summary,
      timeline: rec.timeline,
      events: rec.events,
      router: rec.router,
      costs: Object.fromEntries(config.variants.map((v) => [v.name, v.cost])),
    }),
    loadgen: { summary: analyzed.summary, timeline: analyzed.timeline },
    routerFailures: rec.routeFailures,
    settings,
    hops: {
      events: all.sort((a, b) => a.atMs - b.atMs).map(({ atMs, ...e }) => ({
        ...e,
        tMs: rec.t(atMs),
      })),
      decisions,
      summary: summarizeHops(decisions),
    },
    startup,
  };
}
