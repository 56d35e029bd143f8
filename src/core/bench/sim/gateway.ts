/**
 * The gateway (llm-d's EPP) on the virtual clock. A request goes to the Ready pod of its model
 * with the least outstanding requests (ties round-robin, as the demo's router does). With flow
 * control on, requests wait in the gateway queue while the pool is saturated — the saturation
 * detector's per-pod max(waiting / queueDepth, kv / kvThreshold), aggregated by max (or mean),
 * ≥ 1 — and always while no pod is Ready. A full queue answers 429; a request older than the
 * queue TTL is shed. Queued requests are dispatched FIFO as capacity frees.
 *
 * @module
 */
import { at } from "./world.ts";
import { BYTES_PER_TOKEN, fail, unqueue } from "./outcome.ts";
import { reschedule } from "./sched.ts";
import {
  ERROR,
  type ModelRt,
  type Pod,
  QUEUED,
  RATE_LIMITED,
  RUNNING,
  SHED,
  type World,
} from "./types.ts";

/** Pool saturation of a model's routable pods (1 with none), from live engine gauges. */
export function poolSaturation(w: World, model: ModelRt): number {
  const pods = model.routable;
  if (pods.length === 0) return 1;
  const s = w.scenario.gateway.saturation;
  let max = 0, sum = 0;
  for (const pod of pods) {
    const st = pod.engine!.stats();
    const score = Math.max(st.waiting / s.queueDepthThreshold, st.kvUsage01 / s.kvCacheThreshold);
    if (score > max) max = score;
    sum += score;
  }
  return s.aggregate === "max" ? max : sum / pods.length;
}

function canDispatch(w: World, model: ModelRt): boolean {
  if (model.routable.length === 0) return false;
  return !w.scenario.gateway.flowControl || poolSaturation(w, model) < 1;
}

/** The routable pod with the least outstanding requests; ties round-robin by id order. */
export function pickPod(model: ModelRt): Pod {
  const pods = model.routable;
  let least = Infinity, ties = 0;
  for (const p of pods) {
    if (p.outstanding < least) {
      least = p.outstanding;
      ties = 1;
    } else if (p.outstanding === least) ties++;
  }
  let k = model.cursor++ % ties;
  for (const p of pods) {
    if (p.outstanding === least && k-- === 0) return p;
  }
  return pods[0]!;
}

/** Sends `req` to `pod`'s engine; a full engine queue is a 429, a prompt too large an error. */
export function dispatch(w: World, pod: Pod, req: number): void {
  const plan = w.plan;
  pod.variant.model.dispatched++;
  const r = pod.engine!.submit({
    id: req,
    promptTokens: plan.promptTokens[req]!,
    outputTokens: plan.outputTokens[req]!,
    finishReason: "length",
  }, w.nowMs);
  if (r !== "accepted") {
    fail(w, req, r === "queue_full" ? RATE_LIMITED : ERROR);
    return;
  }
  const rec = w.records;
  if (rec.status[req] === QUEUED) unqueue(w, req);
  rec.status[req] = RUNNING;
  rec.podOf[req] = pod.id;
  pod.outstanding++;
  reschedule(w, pod);
}

/** A new request at the gateway. */
export function route(w: World, req: number): void {
  const model = w.models[w.plan.model[req]!]!;
  model.arrivals++;
  if (model.queued > 0) drainQueue(w, model);
  if (model.queued === 0 && canDispatch(w, model)) {
    dispatch(w, pickPod(model), req);
    return;
  }
  if (model.queued >= w.scenario.gateway.queueCapacity) {
    fail(w, req, RATE_LIMITED);
    return;
  }
  w.records.status[req] = QUEUED;
  model.queue.pushBack(req);
  model.queued++;
  model.queuedBytes += BYTES_PER_TOKEN * w.plan.promptTokens[req]!;
  if (!model.ttlArmed) armTtl(w, model);
}

function headOf(w: World, model: ModelRt): number | undefined {
  for (;;) {
    const head = model.queue.peekFront();
    if (head === undefined || w.records.status[head] === QUEUED) return head;
    model.queue.popFront();
  }
}

function armTtl(w: World, model: ModelRt): void {
  const head = headOf(w, model);
  model.ttlArmed = head !== undefined;
  if (head === undefined) return;
  at(w, w.plan.atMs[head]! + w.settings.queueTtlMs, () => shedExpired(w, model));
}

function shedExpired(w: World, model: ModelRt): void {
  for (;;) {
    const head = headOf(w, model);
    if (head === undefined || w.plan.atMs[head]! + w.settings.queueTtlMs > w.nowMs) break;
    model.queue.popFront();
    fail(w, head, SHED);
  }
  armTtl(w, model);
}

/** Dispatches queued requests of `model` while the pool can take them. */
export function drainQueue(w: World, model: ModelRt): void {
  while (model.queued > 0 && canDispatch(w, model)) {
    const head = headOf(w, model);
    if (head === undefined) break;
    model.queue.popFront();
    dispatch(w, pickPod(model), head);
  }
}

/** Inserts a pod that became Ready into its model's routable list (kept in id order). */
export function addRoutable(model: ModelRt, pod: Pod): void {
  const list = model.routable;
  let i = list.length;
  while (i > 0 && list[i - 1]!.id > pod.id) i--;
  list.splice(i, 0, pod);
}

/** Removes a pod from its model's routable list. */
export function removeRoutable(model: ModelRt, pod: Pod): void {
  const i = model.routable.indexOf(pod);
  if (i >= 0) model.routable.splice(i, 1);
}
