/**
 * Pods of a Deployment on the virtual clock: a pod is created Pending, binds its GPUs when the
 * inventory has them (else waits, FIFO per accelerator), loads the model for the loading delay
 * (not Ready, no metrics — as vLLM), then serves. On scale-down the ReplicaSet's order is used
 * (Pending first, then not-Ready, then the most recently Ready); a Ready pod leaves the gateway at
 * once, finishes its requests for at most the drain grace period, and is then killed (its
 * remaining requests fail). GPU time is counted from binding to removal, within the load window.
 *
 * @module
 */
import { Engine } from "../../../../emulator/engine/engine.ts";
import { addRoutable, drainQueue, removeRoutable } from "./gateway.ts";
import { fail } from "./outcome.ts";
import { reschedule } from "./sched.ts";
import { startPodScrapes } from "./scrape.ts";
import {
  DRAINING,
  ERROR,
  GONE,
  LOADING,
  PENDING,
  type Pod,
  READY,
  STUCK,
  type VariantRt,
  type World,
} from "./types.ts";
import { at } from "./world.ts";

function newPod(w: World, variant: VariantRt, initial: boolean): Pod {
  const faults = w.scenario.faults;
  const id = w.podSeq++;
  return {
    id,
    name: `${variant.name}-${variant.podSeq++}`,
    variant,
    state: PENDING,
    createdMs: w.nowMs,
    boundMs: -1,
    readyMs: -1,
    deletedMs: -1,
    goneMs: -1,
    engine: undefined,
    outstanding: 0,
    scrapeLost: faults.scrapeLoss01 > 0 && w.rng.next() < faults.scrapeLoss01,
    neverStarts: !initial && faults.neverStart01 > 0 && w.rng.next() < faults.neverStart01,
    counters: {
      success: 0,
      promptTokens: 0,
      generationTokens: 0,
      ttftSumSec: 0,
      ttftCount: 0,
      itlSumSec: 0,
      itlCount: 0,
    },
    key: Infinity,
    heapIndex: -1,
    order: id,
  };
}

function tryBind(w: World, pod: Pod): boolean {
  const pool = w.gpus.get(pod.variant.spec.accelerator);
  const need = pod.variant.spec.gpusPerReplica;
  if (pool && pool.free < need) return false;
  if (pool) pool.free -= need;
  pod.boundMs = w.nowMs;
  pod.state = pod.neverStarts ? STUCK : LOADING;
  if (!pod.neverStarts) at(w, w.nowMs + startupMs(w), () => becomeReady(w, pod));
  return true;
}

/** Loading delay plus the wait for the next readiness probe (uniform over one period). */
function startupMs(w: World): number {
  const probe = w.settings.readinessProbeMs;
  return w.settings.loadingDelayMs + (probe > 0 ? w.rng.uniform(0, probe) : 0);
}

/** Makes a loaded pod serve: its engine starts, the gateway may pick it, Prometheus scrapes it. */
export function becomeReady(w: World, pod: Pod): void {
  if (pod.state !== LOADING) return;
  pod.state = READY;
  pod.readyMs = w.nowMs;
  pod.engine = new Engine(pod.variant.spec.engine, w.rng.fork(), {
    tokenEvents: false,
    stepEvents: false,
  });
  const model = pod.variant.model;
  addRoutable(model, pod);
  startPodScrapes(w, pod);
  drainQueue(w, model);
}

/** Creates a pod; `ready` = already loaded (a run's initial replicas, exempt from start faults). */
export function createPod(w: World, variant: VariantRt, ready = false): Pod {
  const pod = newPod(w, variant, ready);
  variant.pods.push(pod);
  w.pods.push(pod);
  if (!tryBind(w, pod)) w.gpus.get(variant.spec.accelerator)!.waiting.push(pod);
  else if (ready && pod.state === LOADING) becomeReady(w, pod);
  return pod;
}

/** Adds the pod's GPU and cost time within the load window, up to `untilMs`. */
export function accountPod(w: World, pod: Pod, untilMs: number): void {
  if (pod.boundMs < 0) return;
  const ms = Math.max(0, Math.min(untilMs, w.plan.loadEndMs) - pod.boundMs);
  w.gpuMs += ms * pod.variant.spec.gpusPerReplica;
  w.costMs += ms * pod.variant.spec.costPerHour;
}

/** Removes a pod for good: frees its GPUs for the pods waiting on them. */
export function podGone(w: World, pod: Pod): void {
  if (pod.state === GONE) return;
  const wasBound = pod.boundMs >= 0;
  pod.state = GONE;
  pod.goneMs = w.nowMs;
  w.podHeap.remove(pod);
  accountPod(w, pod, w.nowMs);
  const list = pod.variant.pods;
  list.splice(list.indexOf(pod), 1);
  const pool = w.gpus.get(pod.variant.spec.accelerator);
  if (!pool) return;
  if (!wasBound) {
    pool.waiting.splice(pool.waiting.indexOf(pod), 1);
    return;
  }
  pool.free += pod.variant.spec.gpusPerReplica;
  while (pool.waiting.length > 0 && tryBind(w, pool.waiting[0]!)) pool.waiting.shift();
}

/** Kills a draining pod whose grace period ran out: its requests fail. */
function killDrained(w: World, pod: Pod): void {
  if (pod.state !== DRAINING) return;
  for (const id of pod.engine!.liveIds()) {
    fail(w, id, ERROR);
    pod.engine!.abort(id, w.nowMs);
    pod.outstanding--;
  }
  podGone(w, pod);
}

/** Starts removing a pod (Pending and loading pods go at once; Ready ones drain). */
export function deletePod(w: World, pod: Pod): void {
  pod.deletedMs = w.nowMs;
  if (pod.state !== READY) {
    podGone(w, pod);
    return;
  }
  pod.state = DRAINING;
  removeRoutable(pod.variant.model, pod);
  if (pod.engine!.idle) {
    podGone(w, pod);
    return;
  }
  reschedule(w, pod);
  at(w, w.nowMs + w.settings.drainGraceMs, () => killDrained(w, pod));
}

/** Deletion rank of the ReplicaSet controller: smaller goes first. */
function rank(p: Pod): [number, number] {
  if (p.state === PENDING) return [0, -p.createdMs];
  if (p.state !== READY) return [1, -p.createdMs];
  return [2, -p.readyMs];
}

/** Pods that count towards the Deployment (not terminating). */
export function activePods(variant: VariantRt): Pod[] {
  return variant.pods.filter((p) => p.state !== DRAINING && p.state !== GONE);
}

/** Sets a Deployment's replicas and reconciles its pods at once. */
export function setReplicas(w: World, variant: VariantRt, replicas: number, by: string): void {
  const n = Math.max(0, Math.floor(replicas));
  if (n !== variant.specReplicas) {
    w.scaleEvents.push({
      atMs: w.nowMs,
      variant: variant.name,
      from: variant.specReplicas,
      to: n,
      by,
    });
  }
  variant.specReplicas = n;
  const active = activePods(variant);
  for (let i = active.length; i < n; i++) createPod(w, variant);
  if (active.length <= n) return;
  const victims = active.sort((a, b) => {
    const [ra, ta] = rank(a), [rb, tb] = rank(b);
    return ra - rb || ta - tb || b.id - a.id;
  }).slice(0, active.length - n);
  for (const p of victims) deletePod(w, p);
}
