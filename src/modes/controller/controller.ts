/**
 * `startController`: wires the Kubernetes backend, the Prometheus source, the sinks (the gauge
 * exporter, then the Kubernetes sink), the ConfigMap store, leader election, the loop and the
 * HTTP endpoints around `runCycle`. `stop()` (or SIGTERM/SIGINT in the CLI) ends the loop after
 * the running cycle, releases the Lease, stops the watches and closes the servers.
 *
 * @module
 */
import {
  createEventRecorder,
  type EventRecorder,
} from "../../adapters/kubernetes/actuator/events.ts";
import { createKubeSink } from "../../adapters/kubernetes/actuator/kube_sink.ts";
import {
  type ControllerMetrics,
  createControllerMetrics,
  createGaugeSink,
} from "../../adapters/prometheus/wva_gauges.ts";
import { CONFIGMAP_NAMES, type ConfigMapData } from "../../core/api/configmaps/mod.ts";
import { type KubeBackend, startKubeBackend } from "../../adapters/kubernetes/backend/backend.ts";
import { type Kube, loadKube } from "../../adapters/kubernetes/kube/mod.ts";
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import { combineSinks, type CycleDeps, runCycle } from "../../runtime/run_cycle.ts";
import type { CycleReport, DecisionSink } from "../../core/contract/ports.ts";
import { type CycleState, EMPTY_CYCLE_STATE } from "../../core/contract/settings.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { createPromClient, type PromQuery } from "../../adapters/prometheus/client.ts";
import { createPrometheusSource } from "../../adapters/prometheus/source.ts";
import { type ConfigStore, createConfigStore } from "./config_store.ts";
import { runLeaderElection } from "../../adapters/kubernetes/leader.ts";
import { type Loop, startLoop } from "../../runtime/loop.ts";
import type { ControllerConfig } from "./options.ts";
import { type ControllerServers, startServers } from "./server.ts";

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

/** Everything a running controller holds; the functions below share it. */
interface ControllerState {
  readonly config: ControllerConfig;
  readonly runtime: ControllerRuntime;
  readonly clock: Clock;
  readonly log: Logger;
  readonly kube: Kube;
  /** The controller's namespace (ConfigMaps, Lease). */
  readonly namespace: string;
  readonly identity: string;
  readonly ctrl: AbortController;
  readonly metrics: ControllerMetrics;
  readonly store: ConfigStore;
  readonly events: EventRecorder;
  leader: boolean;
  cycleState: CycleState;
  last: CycleReport | undefined;
  /** Set once the loop runs; triggers before that are dropped (the first cycle comes anyway). */
  loop: Loop | undefined;
}

function initialState(config: ControllerConfig, runtime: ControllerRuntime): ControllerState {
  const clock = runtime.clock ?? systemClock;
  const log = runtime.logger ?? NULL_LOGGER;
  const kube = runtime.kube ??
    loadKube({
      kubeconfigPath: config.kubeconfig,
      inCluster: config.inCluster,
      context: config.context,
    });
  const identity = config.identity ?? `${Deno.hostname()}-${Deno.pid}`;
  return {
    config,
    runtime,
    clock,
    log,
    kube,
    namespace: config.namespace ?? kube.namespace,
    identity,
    ctrl: new AbortController(),
    metrics: createControllerMetrics({ controllerInstance: config.controllerInstance }),
    store: createConfigStore({
      analyzer: config.analyzer,
      limiter: config.limiter,
      scaleToZero: config.scaleToZero,
      staleAfterMs: config.staleAfterMs,
      intervalMs: config.intervalMs,
    }),
    events: createEventRecorder(kube, {
      instance: identity,
      nowMs: () => clock.nowMs(),
      logger: log,
    }),
    leader: !config.leaderElect,
    cycleState: EMPTY_CYCLE_STATE,
    last: undefined,
    loop: undefined,
  };
}

function prometheusClient(config: ControllerConfig): PromQuery {
  return createPromClient({
    url: config.prometheusUrl,
    caFile: config.prometheusCaFile,
    insecureSkipVerify: config.prometheusInsecureSkipVerify,
    bearerToken: config.prometheusToken,
    tokenFile: config.prometheusTokenFile,
    timeoutMs: config.prometheusTimeoutMs,
  });
}

/** A watched ConfigMap changed: update the store and the backend's costs; warn on bad entries. */
function applyConfigMap(
  state: ControllerState,
  backend: KubeBackend,
  name: string,
  data: ConfigMapData,
): void {
  const problems = state.store.update(name, data);
  backend.setAcceleratorCosts(state.store.acceleratorCosts());
  state.log.info("configmap-applied", {
    name,
    deleted: data === undefined,
    problems: problems.length,
  });
  for (const p of problems) {
    // A dropped field (unknown, or WVA's and unused) leaves the entry in force: its own reason.
    const ignored = p.fallback === "field-ignored";
    state.log.warn(ignored ? "configmap-field-ignored" : "configmap-invalid-entry", {
      configMap: name,
      ...p,
    });
    void state.events.record(
      { apiVersion: "v1", kind: "ConfigMap", namespace: state.namespace, name },
      "Warning",
      ignored ? "IgnoredConfigField" : "InvalidConfigEntry",
      `${p.key}: ${p.field}: ${p.message} (value ${JSON.stringify(p.value)}; ${p.fallback})`,
    );
  }
}

function startBackend(state: ControllerState): KubeBackend {
  const backend: KubeBackend = startKubeBackend(state.kube, {
    namespace: state.namespace,
    watchNamespace: state.config.watchNamespace,
    controllerInstance: state.config.controllerInstance,
    warmupMs: state.config.warmupMs,
    configMapNames: Object.values(CONFIGMAP_NAMES),
    signal: state.ctrl.signal,
    logger: state.log,
    onChange: (what) => state.loop?.trigger(what),
    onConfigMap: (name, data) => applyConfigMap(state, backend, name, data),
  });
  return backend;
}

/** The gauges HPA/KEDA read first, then scaling, events and statuses on the cluster. */
function createSink(state: ControllerState): DecisionSink {
  const { config, clock, metrics } = state;
  return combineSinks(
    createGaugeSink(metrics),
    createKubeSink(state.kube, {
      counters: metrics,
      events: state.events,
      directScale: config.directScale,
      nowMs: () => clock.nowMs(),
      statusRefreshMs: config.statusRefreshMs,
      logger: state.log,
    }),
  );
}

/** One cycle as leader: run it, keep the state and report, count and log. */
async function runOneCycle(state: ControllerState, deps: CycleDeps, reason: string): Promise<void> {
  const t0 = performance.now();
  const r = await runCycle(deps, {
    nowMs: state.clock.nowMs(),
    settings: state.store.settings(),
    state: state.cycleState,
  });
  state.cycleState = r.state;
  state.last = r.report ?? state.last;
  const seconds = (performance.now() - t0) / 1000;
  state.metrics.observeCycle(seconds, r.report !== undefined && r.errors.length === 0);
  for (const e of r.errors) {
    state.metrics.countError(e.stage === "metrics" ? "collector" : "actuator", "cycle");
  }
  state.log.info("cycle", {
    reason,
    durationMs: Math.round(seconds * 1000),
    models: r.report?.models.length ?? 0,
    variants: r.report?.variants.length ?? 0,
    applied: r.actuation?.applied ?? 0,
    errors: r.errors.length + (r.actuation?.errors.length ?? 0),
    ...(r.skipped ? { skipped: r.skipped } : {}),
  });
}

function setLeader(state: ControllerState, leader: boolean): void {
  state.leader = leader;
  state.metrics.setLeader(leader);
  if (leader) state.loop?.trigger("leader");
  // A standby publishes no decisions (HPA/KEDA must read only the leader's).
  else state.metrics.publish({ nowMs: state.clock.nowMs(), models: [], variants: [] });
}

function startElection(state: ControllerState): Promise<void> {
  const { config } = state;
  if (!config.leaderElect) return Promise.resolve();
  return runLeaderElection({
    kube: state.kube,
    namespace: state.namespace,
    name: config.leaseName,
    identity: state.identity,
    leaseDurationMs: config.leaseDurationMs,
    renewDeadlineMs: config.renewDeadlineMs,
    retryPeriodMs: config.retryPeriodMs,
    clock: state.clock,
    signal: state.ctrl.signal,
    logger: state.log,
    onStartedLeading: () => setLeader(state, true),
    onStoppedLeading: () => setLeader(state, false),
  });
}

/** The running parts `stop()` waits for. */
interface Parts {
  readonly loop: Loop;
  readonly election: Promise<void>;
  readonly backend: KubeBackend;
  readonly servers: ControllerServers;
  readonly prom: PromQuery;
}

async function stopController(state: ControllerState, parts: Parts): Promise<void> {
  state.ctrl.abort();
  await parts.loop.done;
  await parts.election;
  await parts.backend.done;
  await parts.servers.shutdown();
  parts.prom.close();
  if (!state.runtime.kube) state.kube.close();
  state.log.info("controller-stopped", { identity: state.identity });
}

function serve(state: ControllerState, backend: KubeBackend): ControllerServers {
  return startServers(state.config, {
    metrics: () => state.metrics.render(),
    live: () => !state.ctrl.signal.aborted,
    ready: () =>
      backend.hasSynced()
        ? { ok: true, detail: state.leader ? "ready (leader)" : "ready (standby)" }
        : { ok: false, detail: "watch caches not synced" },
  });
}

/** Starts the controller; resolves once the HTTP endpoints listen (caches sync in background). */
export function startController(
  config: ControllerConfig,
  runtime: ControllerRuntime = {},
): ControllerHandle {
  const state = initialState(config, runtime);
  const { log, metrics } = state;
  const prom = prometheusClient(config);
  const windowSec = config.metricsWindowMs / 1000;
  const source = createPrometheusSource(prom, {
    windows: { windowSec, tokenWindowSec: 5 * windowSec },
    observe: (q) => metrics.observeQuery(q),
  });
  metrics.setLeader(state.leader);
  const backend = startBackend(state);
  const deps: CycleDeps = {
    cluster: backend,
    metrics: source,
    sink: createSink(state),
    logger: log,
  };
  const loop = startLoop({
    intervalMs: config.intervalMs,
    debounceMs: config.debounceMs,
    clock: state.clock,
    signal: state.ctrl.signal,
    logger: log,
    active: () => state.leader && backend.hasSynced(),
    runCycle: (reason) => runOneCycle(state, deps, reason),
  });
  state.loop = loop;
  backend.synced.then(() => {
    log.info("caches-synced", {
      namespace: state.namespace,
      watchNamespace: config.watchNamespace ?? null,
    });
    loop.trigger("synced");
  });
  const election = startElection(state);
  const servers = serve(state, backend);
  log.info("controller-started", {
    identity: state.identity,
    namespace: state.namespace,
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
    identity: state.identity,
    isLeader: () => state.leader,
    cycles: () => loop.cycles,
    lastReport: () => state.last,
    stop: () => (stopping ??= stopController(state, { loop, election, backend, servers, prom })),
  };
}
