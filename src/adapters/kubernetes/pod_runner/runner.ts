/**
 * `startPodRunner`: what makes a laptop cluster without a container engine behave like Kind with
 * fake GPUs. It watches the nodes kwok fakes (annotation `kwok.x-k8s.io/node: fake`, or a label
 * selector) and the pods bound to them, and runs each such pod as a real `wva emulator` process
 * on a loopback port ({@linkcode startRun}): the pod's container args (translated), env and
 * readiness probe; Ready in the pod status only once the emulator's readiness endpoint answers;
 * the endpoint in the pod annotation `wva.llmd.ai/endpoint` and in a Prometheus file-SD targets
 * file (`targetsFile`); drain and removal on delete.
 *
 * Readiness is the runner's: on a test cluster started with `scripts/testcluster.sh up --full
 * --pod-runner`, kwok makes these pods Running with Ready=False and leaves the rest to the runner.
 *
 * @module
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { type Clock, systemClock } from "../../../runtime/clock.ts";
import type { FlagRow } from "../../../runtime/config/table.ts";
import { createLogger, type Logger } from "../../../runtime/log.ts";
import type { Kube, WatchEvent } from "../kube/mod.ts";
import { defaultWvaCommand } from "./process.ts";
import { podTargetGroups, type ScrapedPod, writeTargetsFile } from "./targets.ts";
import { coalesce, type Coalesced } from "./coalesce.ts";
import {
  endRun,
  type PodRun,
  type RunContext,
  seePod,
  startRun,
  syncStatus,
  who,
} from "./pod_run.ts";

/** The annotation kwok puts on the nodes it manages. */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

/** Options of {@linkcode startPodRunner}. */
export interface PodRunnerOptions {
  /** The flags `wva emulator` accepts (its flag table): container args are translated to them. */
  readonly emulatorFlags: readonly FlagRow[];
  /** Program and leading args that run `wva`. @default this checkout's main.ts via Deno, or the compiled binary */
  readonly command?: readonly string[];
  /** Only pods of this namespace. @default all namespaces */
  readonly namespace?: string;
  /** Nodes whose pods are run, by label selector. @default nodes annotated `kwok.x-k8s.io/node: fake` */
  readonly nodeLabelSelector?: string;
  /** Only pods matching this label selector. @default all pods on those nodes */
  readonly podLabelSelector?: string;
  /**
   * Prometheus file-SD targets file the runner keeps up to date (see {@linkcode podScrapeConfig}).
   * @default none
   */
  readonly targetsFile?: string;
  /** Each pod's emulator output goes to `<logDir>/<namespace>_<pod>.log`. @default kept in memory (last lines) */
  readonly logDir?: string;
  /** Readiness probe period for containers without an HTTP readiness probe, in ms. @default 1000 */
  readonly probePeriodMs?: number;
  /** On `stop()`, the longest drain of a process before SIGKILL, in ms. @default 5000 */
  readonly stopGraceMs?: number;
  /** Restart back-off after an exit, in ms (doubles per exit). @default {initialMs: 1000, maxMs: 30000} */
  readonly restartBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** @default JSON lines on stderr at info level */
  readonly logger?: Logger;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** One pod the runner runs. */
export interface PodEndpoint {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `127.0.0.1:PORT`, as in the pod's `wva.llmd.ai/endpoint` annotation. */
  readonly endpoint: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The readiness probe passes (what the pod's Ready condition reports). */
  readonly ready: boolean;
  /** Process id; undefined between a crash and the restart. */
  readonly pid: number | undefined;
  readonly restartCount: number;
  /** When the current process started and became ready, in clock ms. */
  readonly startedAtMs: number | undefined;
  readonly readyAtMs: number | undefined;
}

/** A running pod runner. */
export interface PodRunnerHandle {
  /** The pods being run (not those draining after a delete). */
  endpoints(): readonly PodEndpoint[];
  /** Stops watching, drains and stops every process (each reported not Ready), then resolves. */
  stop(): Promise<void>;
}

/** The runner's state: managed nodes, pods waiting for their node, and the pods being run. */
interface RunnerState {
  readonly ctx: RunContext;
  readonly nodeLabelSelector: string | undefined;
  readonly stopGraceMs: number;
  readonly nodes: Set<string>;
  /** Bound pods whose node is not (yet) known to be managed, by uid. */
  readonly parked: Map<string, V1Pod>;
  readonly runs: Map<string, PodRun>;
  /** Pods being drained after a delete or a stop. */
  readonly ending: Set<PodRun>;
  readonly abort: AbortController;
  readonly targetsFile: string | undefined;
  /** Rewrites the targets file ({@linkcode writeTargets}). */
  targets: Coalesced;
  /** The targets file text last written. */
  targetsWritten: string;
}

/**
 * Starts the runner on a cluster. It needs rights to watch nodes and pods, patch pods and their
 * status, and delete pods.
 *
 * @example
 * ```ts ignore
 * import { EMULATOR_FLAGS } from "../../../modes/emulator/flags.ts";
 * const runner = startPodRunner(kube, { emulatorFlags: EMULATOR_FLAGS });
 * // … pods on fake nodes now run as emulators; runner.endpoints() lists them
 * await runner.stop();
 * ```
 */
export function startPodRunner(kube: Kube, options: PodRunnerOptions): PodRunnerHandle {
  const log = options.logger ??
    createLogger({ level: "info", base: { component: "pod-runner" } });
  const state: RunnerState = {
    ctx: {
      transport: kube.transport,
      log,
      clock: options.clock ?? systemClock,
      command: options.command ?? defaultWvaCommand(),
      emulatorFlags: options.emulatorFlags,
      logDir: options.logDir,
      probePeriodMs: options.probePeriodMs ?? 1000,
      backoff: options.restartBackoff ?? { initialMs: 1000, maxMs: 30_000 },
      onEndpointsChanged: () => state.targets.kick(),
    },
    nodeLabelSelector: options.nodeLabelSelector,
    stopGraceMs: options.stopGraceMs ?? 5000,
    nodes: new Set(),
    parked: new Map(),
    runs: new Map(),
    ending: new Set(),
    abort: new AbortController(),
    targetsFile: options.targetsFile,
    targets: coalesce(() => Promise.resolve()),
    targetsWritten: "",
  };
  state.targets = coalesce(() => writeTargets(state));
  const signal = state.abort.signal;
  const onError = (what: string) => (err: unknown, attempt: number) => {
    if (attempt === 1 || attempt % 10 === 0) {
      log.warn("watch-failed", { what, attempt, error: err });
    }
  };
  const watches = [
    kube.watch<V1Node>("/api/v1/nodes", {
      signal,
      labelSelector: options.nodeLabelSelector,
      onEvent: (e) => onNode(state, e),
      onError: onError("nodes"),
    }),
    kube.watch<V1Pod>(
      options.namespace
        ? `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods`
        : "/api/v1/pods",
      {
        signal,
        fieldSelector: "spec.nodeName!=",
        labelSelector: options.podLabelSelector,
        onEvent: (e) => onPod(state, e),
        onError: onError("pods"),
      },
    ),
  ];
  log.info("pod-runner-started", { command: state.ctx.command, namespace: options.namespace });
  return {
    endpoints: () => [...state.runs.values()].map(endpointOf),
    stop: () => stopRunner(state, watches),
  };
}

function endpointOf(run: PodRun): PodEndpoint {
  return {
    namespace: run.namespace,
    pod: run.name,
    uid: run.uid,
    labels: { ...run.pod.metadata?.labels },
    endpoint: `127.0.0.1:${run.port}`,
    url: `http://127.0.0.1:${run.port}`,
    ready: run.report.ready,
    pid: run.child?.pid,
    restartCount: run.report.restartCount,
    startedAtMs: run.startedAtMs,
    readyAtMs: run.readyAtMs,
  };
}

function managed(state: RunnerState, node: V1Node): boolean {
  if (state.nodeLabelSelector !== undefined) return true; // the watch selected it
  return node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === "fake";
}

function onNode(state: RunnerState, e: WatchEvent<V1Node>): void {
  const name = e.object.metadata?.name ?? "";
  if (e.type === "DELETED" || !managed(state, e.object)) {
    state.nodes.delete(name);
    return;
  }
  if (state.nodes.has(name)) return;
  state.nodes.add(name);
  for (const pod of [...state.parked.values()]) {
    if (pod.spec?.nodeName === name) onPod(state, { type: "MODIFIED", object: pod });
  }
}

function onPod(state: RunnerState, e: WatchEvent<V1Pod>): void {
  const pod = e.object;
  const uid = pod.metadata?.uid ?? "";
  const run = state.runs.get(uid);
  if (e.type === "DELETED") {
    state.parked.delete(uid);
    if (run) {
      run.gone = true;
      stopRun(state, run, false);
    }
    return;
  }
  if (run) {
    seePod(run, pod);
    if (pod.metadata?.deletionTimestamp) stopRun(state, run, true);
    else syncStatus(run);
    return;
  }
  if (!state.nodes.has(pod.spec?.nodeName ?? "")) {
    state.parked.set(uid, pod);
    return;
  }
  state.parked.delete(uid);
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp || phase === "Succeeded" || phase === "Failed") return;
  if (state.abort.signal.aborted) return;
  state.runs.set(uid, startRun(state.ctx, pod));
}

/** Ends a pod's life: drain within its grace period; `finalDelete` removes the pod object after. */
function stopRun(state: RunnerState, run: PodRun, finalDelete: boolean): void {
  if (!state.runs.delete(run.uid)) return;
  const graceS = run.pod.metadata?.deletionGracePeriodSeconds ??
    run.pod.spec?.terminationGracePeriodSeconds ?? 30;
  const podGraceMs = graceS * 1000;
  const graceMs = state.abort.signal.aborted ? Math.min(podGraceMs, state.stopGraceMs) : podGraceMs;
  state.ctx.log.info("pod-stopping", { ...who(run), finalDelete, graceMs });
  state.ending.add(run);
  endRun(run, { finalDelete, graceMs });
  void run.loop.finally(() => state.ending.delete(run));
}

async function stopRunner(state: RunnerState, watches: readonly Promise<void>[]): Promise<void> {
  if (!state.abort.signal.aborted) state.abort.abort();
  await Promise.all(watches);
  for (const run of [...state.runs.values()]) stopRun(state, run, false);
  // Pods deleted before the stop drain within their own grace period: cut that short too.
  const hurry = new AbortController();
  void state.ctx.clock.sleep(state.stopGraceMs + 500, hurry.signal).then(() => {
    for (const run of state.ending) run.child?.signal("SIGKILL");
  }, () => {});
  await Promise.all([...state.ending].map((r) => r.loop));
  hurry.abort();
  state.targets.kick();
  await state.targets.idle();
  state.ctx.log.info("pod-runner-stopped", {});
}

/** Rewrites the targets file from the pods whose process runs (draining ones included). */
async function writeTargets(state: RunnerState): Promise<void> {
  const file = state.targetsFile;
  if (file === undefined) return;
  const live = [...state.runs.values(), ...state.ending].filter((r) => r.child !== undefined);
  const groups = podTargetGroups(live.map(scrapedPod));
  const text = JSON.stringify(groups);
  if (text === state.targetsWritten) return;
  try {
    await writeTargetsFile(file, groups);
    state.targetsWritten = text;
  } catch (err) {
    state.ctx.log.warn("targets-write-failed", { file, error: err });
  }
}

function scrapedPod(run: PodRun): ScrapedPod {
  return {
    namespace: run.namespace,
    pod: run.name,
    endpoint: `127.0.0.1:${run.port}`,
    labels: run.pod.metadata?.labels,
    annotations: run.pod.metadata?.annotations,
  };
}
