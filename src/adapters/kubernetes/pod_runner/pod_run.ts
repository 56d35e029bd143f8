/**
 * The life of one emulated pod, as a kubelet lives it for a container: start the emulator
 * process on a loopback port, annotate the pod with that endpoint, probe readiness and report it
 * through the pod status, restart the process with back-off when it exits (CrashLoopBackOff),
 * and when the pod is deleted drain it (SIGTERM, the pod's grace period, SIGKILL) and remove the
 * pod object (grace 0, as a kubelet does once its containers are gone).
 *
 * One {@linkcode PodRun} record per pod; the functions below take it and the runner's
 * {@linkcode RunContext}.
 *
 * @module
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { Clock } from "../../../runtime/clock.ts";
import type { FlagRow } from "../../../runtime/config/table.ts";
import type { Logger } from "../../../runtime/log.ts";
import { isNotFound, type KubeTransport } from "../kube/mod.ts";
import { containerEnv, type ContainerLike, emulatorArgs, readinessOf } from "./container.ts";
import {
  type ChildProcess,
  type ExitInfo,
  INHERITED_ENV,
  loopbackPort,
  spawnChild,
  stopChild,
} from "./process.ts";
import { type ContainerReport, endpointPatch, statusPatch } from "./status.ts";
import { deletePod, patchPod } from "./writes.ts";
import { coalesce, type Coalesced } from "./coalesce.ts";

/** What every pod's life shares: the runner's settings and clients. */
export interface RunContext {
  readonly transport: KubeTransport;
  readonly log: Logger;
  readonly clock: Clock;
  /** Program and leading args that run `wva` (`emulator` and the flags are appended). */
  readonly command: readonly string[];
  readonly emulatorFlags: readonly FlagRow[];
  readonly logDir: string | undefined;
  /** Probe period for containers without an HTTP readiness probe. */
  readonly probePeriodMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Called when a pod's process starts or stops (its endpoint appears, moves or goes). */
  readonly onEndpointsChanged: () => void;
}

/** How a pod's life ends. */
export interface Ending {
  /** Delete the pod object (grace 0) once the process is gone. */
  readonly finalDelete: boolean;
  /** Longest wait for the drain before SIGKILL. */
  readonly graceMs: number;
}

/** The state of one emulated pod. */
export interface PodRun {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The latest pod object seen (watch event or write response). */
  pod: V1Pod;
  child: ChildProcess | undefined;
  /** Loopback port of the current process (0 before the first start). */
  port: number;
  report: ContainerReport;
  startedAtMs: number | undefined;
  readyAtMs: number | undefined;
  /** Exits since the process was last ready (drives the back-off). */
  failures: number;
  ending: Ending | undefined;
  /** The pod object is gone (DELETED seen or a write answered 404). */
  gone: boolean;
  readonly end: AbortController;
  loop: Promise<void>;
  /** Writes what the pod should show ({@linkcode syncStatus}). */
  writer: Coalesced;
  lastWriteError: string | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/** Creates the record of a newly seen pod and starts its life. */
export function startRun(ctx: RunContext, pod: V1Pod): PodRun {
  const run: PodRun = {
    uid: pod.metadata?.uid ?? "",
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    pod,
    child: undefined,
    port: 0,
    report: { ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } },
    startedAtMs: undefined,
    readyAtMs: undefined,
    failures: 0,
    ending: undefined,
    gone: false,
    end: new AbortController(),
    loop: Promise.resolve(),
    writer: coalesce(() => Promise.resolve()),
    lastWriteError: undefined,
  };
  run.writer = coalesce(() => writeOnce(ctx, run));
  // Starts on the next microtask, so the caller has filed the record before the process starts.
  run.loop = Promise.resolve().then(() => lifecycle(ctx, run)).catch((err) => {
    ctx.log.error("pod-run-failed", { ...who(run), error: err });
    run.child?.signal("SIGKILL"); // never leave a process behind
  });
  return run;
}

/** Asks a pod's life to end; the first ending asked for wins. */
export function endRun(run: PodRun, ending: Ending): void {
  run.ending ??= ending;
  run.end.abort();
}

/** `{namespace, pod}` fields for log lines. */
export function who(run: PodRun): { namespace: string; pod: string } {
  return { namespace: run.namespace, pod: run.name };
}

function mainContainer(run: PodRun): ContainerLike | undefined {
  return run.pod.spec?.containers?.[0];
}

async function lifecycle(ctx: RunContext, run: PodRun): Promise<void> {
  while (!run.end.signal.aborted) {
    const child = launch(ctx, run);
    const exit = child ? await supervise(ctx, run, child) : undefined;
    if (run.end.signal.aborted) break;
    if (child && exit) afterExit(ctx, run, child, exit);
    if (run.pod.spec?.restartPolicy === "Never") {
      await aborted(run.end.signal);
      break;
    }
    await backOff(ctx, run);
  }
  await finish(ctx, run);
}

/** Starts the emulator for the pod's first container; undefined (logged) when it cannot start. */
function launch(ctx: RunContext, run: PodRun): ChildProcess | undefined {
  const container = mainContainer(run);
  if (!container) return undefined;
  run.port = loopbackPort();
  const args = emulatorArgs(container, ctx.emulatorFlags, run.port);
  const env = containerEnv(container, {
    name: run.name,
    namespace: run.namespace,
    uid: run.uid,
    nodeName: run.pod.spec?.nodeName ?? "",
  });
  const ignored = [...args.ignored, ...env.ignored.map((n) => `env ${n}`)];
  if (ignored.length > 0 && run.report.restartCount === 0) {
    ctx.log.warn("pod-args-ignored", { ...who(run), ignored });
  }
  const inherited = Object.fromEntries(
    INHERITED_ENV.flatMap((k) => (Deno.env.get(k) !== undefined ? [[k, Deno.env.get(k)!]] : [])),
  );
  try {
    run.child = spawnChild({
      command: ctx.command,
      args: ["emulator", ...args.argv],
      env: { ...inherited, DENO_NO_UPDATE_CHECK: "1", ...env.env },
      logFile: ctx.logDir ? `${ctx.logDir}/${run.namespace}_${run.name}.log` : undefined,
    });
  } catch (err) {
    ctx.log.error("pod-emulator-spawn-failed", { ...who(run), command: ctx.command, error: err });
    return undefined;
  }
  run.startedAtMs = ctx.clock.nowMs();
  run.readyAtMs = undefined;
  run.report = {
    ...run.report,
    ready: false,
    state: { running: { startedAt: iso(run.startedAtMs) } },
    containerID: `emulator://${run.child.pid}`,
  };
  ctx.log.info("pod-emulator-started", {
    ...who(run),
    pid: run.child.pid,
    endpoint: `127.0.0.1:${run.port}`,
    args: args.argv,
  });
  ctx.onEndpointsChanged();
  syncStatus(run);
  return run.child;
}

/** Probes readiness until the process exits (returns how) or the pod's life ends (undefined). */
async function supervise(
  ctx: RunContext,
  run: PodRun,
  child: ChildProcess,
): Promise<ExitInfo | undefined> {
  const probe = readinessOf(mainContainer(run)!, ctx.probePeriodMs);
  let exit: ExitInfo | undefined;
  void child.exited.then((e) => (exit = e));
  const exitedOrEnded = Promise.race([child.exited, aborted(run.end.signal)]);
  let failures = 0;
  let wait = probe.initialDelayMs;
  for (;;) {
    await Promise.race([ctx.clock.sleep(wait, run.end.signal).catch(() => {}), exitedOrEnded]);
    if (exit || run.end.signal.aborted) return exit;
    wait = probe.periodMs;
    const ok = await probeOnce(`http://127.0.0.1:${run.port}${probe.path}`, probe.timeoutMs);
    if (exit || run.end.signal.aborted) return exit;
    failures = ok ? 0 : failures + 1;
    const ready = ok || (run.report.ready && failures < probe.failureThreshold);
    if (ready !== run.report.ready) markReady(ctx, run, ready);
    syncStatus(run);
  }
}

function markReady(ctx: RunContext, run: PodRun, ready: boolean): void {
  run.report = { ...run.report, ready };
  if (ready) {
    run.readyAtMs = ctx.clock.nowMs();
    run.failures = 0;
    ctx.log.info("pod-ready", { ...who(run), afterMs: run.readyAtMs - (run.startedAtMs ?? 0) });
  } else {
    run.readyAtMs = undefined;
    ctx.log.warn("pod-not-ready", who(run));
  }
}

/** One HTTP GET: true for a 2xx/3xx answer within `timeoutMs`. */
export async function probeOnce(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 400;
  } catch {
    return false;
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) r();
    else signal.addEventListener("abort", () => r(), { once: true });
  });
}

async function sleepUntilEnd(ctx: RunContext, run: PodRun, ms: number): Promise<void> {
  await ctx.clock.sleep(ms, run.end.signal).catch(() => {});
}

function afterExit(ctx: RunContext, run: PodRun, child: ChildProcess, exit: ExitInfo): void {
  const finishedAt = iso(ctx.clock.nowMs());
  const startedAt = iso(run.startedAtMs ?? ctx.clock.nowMs());
  const terminated = {
    terminated: {
      exitCode: exit.code,
      reason: exit.code === 0 ? "Completed" : "Error",
      startedAt,
      finishedAt,
    },
  };
  run.failures++;
  run.child = undefined;
  run.readyAtMs = undefined;
  run.report = {
    ready: false,
    restartCount: run.report.restartCount,
    state: terminated,
    lastState: terminated,
  };
  ctx.log.warn("pod-emulator-exited", {
    ...who(run),
    code: exit.code,
    signal: exit.signal,
    tail: child.tail(),
  });
  ctx.onEndpointsChanged();
  syncStatus(run);
}

async function backOff(ctx: RunContext, run: PodRun): Promise<void> {
  if (run.end.signal.aborted) return;
  const { initialMs, maxMs } = ctx.backoff;
  const delayMs = Math.min(maxMs, initialMs * 2 ** Math.max(0, run.failures - 1));
  run.report = {
    ...run.report,
    restartCount: run.report.restartCount + 1,
    state: { waiting: { reason: "CrashLoopBackOff", message: `restarting in ${delayMs} ms` } },
  };
  ctx.log.info("pod-emulator-restarting", {
    ...who(run),
    delayMs,
    restarts: run.report.restartCount,
  });
  syncStatus(run);
  await sleepUntilEnd(ctx, run, delayMs);
}

/** Drains and stops the process, then removes the pod object or reports it not ready. */
async function finish(ctx: RunContext, run: PodRun): Promise<void> {
  const ending = run.ending ?? { finalDelete: false, graceMs: 0 };
  const child = run.child;
  run.report = { ...run.report, ready: false };
  syncStatus(run); // not Ready while draining (a terminating pod may still be patched)
  if (child) {
    ctx.log.info("pod-draining", { ...who(run), pid: child.pid, graceMs: ending.graceMs });
    const t0 = ctx.clock.nowMs();
    const exit = await stopChild(child, ending.graceMs);
    ctx.log.info("pod-emulator-stopped", {
      ...who(run),
      pid: child.pid,
      code: exit.code,
      signal: exit.signal,
      drainMs: ctx.clock.nowMs() - t0,
    });
  }
  run.child = undefined;
  ctx.onEndpointsChanged();
  if (ending.finalDelete && !run.gone) {
    await deletePod(ctx.transport, run).catch((err) => {
      ctx.log.warn("pod-delete-failed", { ...who(run), error: err });
    });
  }
  await run.writer.idle();
}

/**
 * Records a pod object from a watch event or a write's answer, unless it is older than the one
 * held: a write's answer can arrive after the watch event of a later change (kwok's Running),
 * and keeping the older object would hide that change until the next event.
 */
export function seePod(run: PodRun, pod: V1Pod): void {
  const rv = (p: V1Pod) => p.metadata?.resourceVersion ?? "";
  const held = rv(run.pod);
  const seen = rv(pod);
  const numeric = /^\d+$/.test(held) && /^\d+$/.test(seen);
  if (numeric && BigInt(seen) < BigInt(held)) return;
  run.pod = pod;
}

/** Asks for a write of what the pod should show (endpoint annotation, status). */
export function syncStatus(run: PodRun): void {
  run.writer.kick();
}

async function writeOnce(ctx: RunContext, run: PodRun): Promise<void> {
  if (run.gone) return;
  try {
    const endpoint = endpointPatch(run.pod, `127.0.0.1:${run.port}`);
    if (run.port > 0 && !run.ending && endpoint) {
      seePod(run, await patchPod(ctx.transport, run, "", endpoint));
    }
    // kwok moves a bound pod from Pending to Running; write status only after that.
    if (run.pod.status?.phase !== "Running") return;
    const status = statusPatch(run.pod, run.report, iso(ctx.clock.nowMs()));
    if (status) seePod(run, await patchPod(ctx.transport, run, "/status", status));
    run.lastWriteError = undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (isNotFound(err)) run.gone = true;
    else if (message !== run.lastWriteError) {
      ctx.log.warn("pod-status-write-failed", { ...who(run), error: message });
    }
    run.lastWriteError = message;
  }
}
