/**
 * `startController`: wires the Kubernetes backend, the Prometheus source, the Kubernetes sink,
 * the ConfigMap store, leader election, the loop and the HTTP endpoints around `runCycle`.
 * `stop()` (or SIGTERM/SIGINT in the CLI) ends the loop after the running cycle, releases the
 * Lease, stops the watches and closes the servers.
 *
 * @module
 */
import { createEventRecorder } from "../../adapters/kubernetes/actuator/events.ts";
import { createKubeSink } from "../../adapters/kubernetes/actuator/kube_sink.ts";
import { createControllerMetrics } from "../../adapters/prometheus/wva_gauges.ts";
import { CONFIGMAP_NAMES } from "../../core/api/configmaps/mod.ts";
import { startKubeBackend } from "../../adapters/kubernetes/backend/backend.ts";
import { type Kube, loadKube } from "../../adapters/kubernetes/kube/mod.ts";
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import { runCycle } from "../../runtime/run_cycle.ts";
import type { CycleReport } from "../../core/contract/ports.ts";
import { type CycleState, EMPTY_CYCLE_STATE } from "../../core/contract/settings.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { createPromClient } from "../../adapters/prometheus/client.ts";
import { createPrometheusSource } from "../../adapters/prometheus/source.ts";
import { createConfigStore } from "./config_store.ts";
import { runLeaderElection } from "../../adapters/kubernetes/leader.ts";
import { startLoop } from "../../runtime/loop.ts";
import type { ControllerConfig } from "./options.ts";
import { startServers } from "./server.ts";

/** Collaborators tests may replace. */
export interface ControllerRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Use these clients instead of loading the kubeconfig (not closed by `stop`). */
  readonly kube?: Kube;
}

/** A running controller. */
export interface ControllerHandle {
  readonly metricsPort: number;
  readonly healthPort: number;
  readonly identity: string;
  isLeader(): boolean;
  /** Cycles run so far (as leader). */
  cycles(): number;
  /** The last cycle's report. */
  lastReport(): CycleReport | undefined;
  /** Graceful stop; resolves when everything has ended. */
  stop(): Promise<void>;
}

/** Starts the controller; resolves once the HTTP endpoints listen (caches sync in background). */
export function startController(
  config: ControllerConfig,
  runtime: ControllerRuntime = {},
): ControllerHandle {
  const clock = runtime.clock ?? systemClock;
  const log = runtime.logger ?? NULL_LOGGER;
  const kube = runtime.kube ??
    loadKube({
      kubeconfigPath: config.kubeconfig,
      inCluster: config.inCluster,
      context: config.context,
    });
  const namespace = config.namespace ?? kube.namespace;
  const identity = config.identity ?? `${Deno.hostname()}-${Deno.pid}`;
  const ctrl = new AbortController();
  const signal = ctrl.signal;
  const metrics = createControllerMetrics();
  const store = createConfigStore({
    analyzer: config.analyzer,
    limiter: config.limiter,
    scaleToZero: config.scaleToZero,
    staleAfterMs: config.staleAfterMs,
  });
  const events = createEventRecorder(kube, {
    instance: identity,
    nowMs: () => clock.nowMs(),
    logger: log,
  });
  const prom = createPromClient({
    url: config.prometheusUrl,
    caFile: config.prometheusCaFile,
    insecureSkipVerify: config.prometheusInsecureSkipVerify,
    bearerToken: config.prometheusToken,
    tokenFile: config.prometheusTokenFile,
    timeoutMs: config.prometheusTimeoutMs,
  });
  const windowSec = config.metricsWindowMs / 1000;
  const source = createPrometheusSource(prom, {
    windows: { windowSec, tokenWindowSec: 5 * windowSec },
    observe: (q) => metrics.observeQuery(q),
  });
  let leader = !config.leaderElect;
  metrics.setLeader(leader);
  let trigger: (reason: string) => void = () => {};
  const backend = startKubeBackend(kube, {
    namespace,
    watchNamespace: config.watchNamespace,
    warmupMs: config.warmupMs,
    configMapNames: Object.values(CONFIGMAP_NAMES),
    signal,
    logger: log,
    onChange: (what) => trigger(what),
    onConfigMap: (name, data) => {
      const problems = store.update(name, data);
      backend.setAcceleratorCosts(store.acceleratorCosts());
      log.info("configmap-applied", {
        name,
        deleted: data === undefined,
        problems: problems.length,
      });
      for (const p of problems) {
        log.warn("configmap-invalid-entry", { configMap: name, ...p });
        void events.record(
          { apiVersion: "v1", kind: "ConfigMap", namespace, name },
          "Warning",
          "InvalidConfigEntry",
          `${p.key}: ${p.field}: ${p.message} (value ${JSON.stringify(p.value)}; ${p.fallback})`,
        );
      }
    },
  });
  const sink = createKubeSink(kube, {
    backend,
    metrics,
    events,
    directScale: config.directScale,
    nowMs: () => clock.nowMs(),
    statusRefreshMs: config.statusRefreshMs,
    logger: log,
  });
  let state: CycleState = EMPTY_CYCLE_STATE;
  let last: CycleReport | undefined;
  const loop = startLoop({
    intervalMs: config.intervalMs,
    debounceMs: config.debounceMs,
    clock,
    signal,
    logger: log,
    active: () => leader && backend.hasSynced(),
    async runCycle(reason) {
      const t0 = performance.now();
      const r = await runCycle(
        { cluster: backend, metrics: source, sink, logger: log },
        { nowMs: clock.nowMs(), settings: store.settings(), state },
      );
      state = r.state;
      last = r.report ?? last;
      const seconds = (performance.now() - t0) / 1000;
      const ok = r.report !== undefined && r.errors.length === 0;
      metrics.observeCycle(seconds, ok);
      for (const e of r.errors) {
        metrics.countError(e.stage === "metrics" ? "collector" : "actuator", "cycle");
      }
      log.info("cycle", {
        reason,
        durationMs: Math.round(seconds * 1000),
        models: r.report?.models.length ?? 0,
        variants: r.report?.variants.length ?? 0,
        applied: r.actuation?.applied ?? 0,
        errors: r.errors.length + (r.actuation?.errors.length ?? 0),
        ...(r.skipped ? { skipped: r.skipped } : {}),
      });
    },
  });
  trigger = (what) => loop.trigger(what);
  backend.synced.then(() => {
    log.info("caches-synced", { namespace, watchNamespace: config.watchNamespace ?? null });
    loop.trigger("synced");
  });
  const election = config.leaderElect
    ? runLeaderElection({
      kube,
      namespace,
      name: config.leaseName,
      identity,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      clock,
      signal,
      logger: log,
      onStartedLeading: () => {
        leader = true;
        metrics.setLeader(true);
        loop.trigger("leader");
      },
      onStoppedLeading: () => {
        leader = false;
        metrics.setLeader(false);
        // A standby publishes no decisions (HPA/KEDA must read only the leader's).
        metrics.publish({ nowMs: clock.nowMs(), models: [], variants: [] });
      },
    })
    : Promise.resolve();
  const servers = startServers(config, {
    metrics: () => metrics.render(),
    live: () => !signal.aborted,
    ready: () =>
      backend.hasSynced()
        ? { ok: true, detail: leader ? "ready (leader)" : "ready (standby)" }
        : { ok: false, detail: "watch caches not synced" },
  });
  log.info("controller-started", {
    identity,
    namespace,
    metricsPort: servers.metricsPort,
    healthPort: servers.healthPort,
    leaderElect: config.leaderElect,
    directScale: config.directScale,
    analyzer: config.analyzer,
    intervalMs: config.intervalMs,
  });
  let stopping: Promise<void> | undefined;
  return {
    metricsPort: servers.metricsPort,
    healthPort: servers.healthPort,
    identity,
    isLeader: () => leader,
    cycles: () => loop.cycles,
    lastReport: () => last,
    stop() {
      stopping ??= (async () => {
        ctrl.abort();
        await loop.done;
        await election;
        await backend.done;
        await servers.shutdown();
        prom.close();
        if (!runtime.kube) kube.close();
        log.info("controller-stopped", { identity });
      })();
      return stopping;
    },
  };
}
