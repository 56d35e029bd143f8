/**
 * Requests inside the replicas: engine events (a finished sequence is a success; the gateway may
 * then dispatch queued requests) and client timeouts (a request still unanswered after the
 * client's timeout is cancelled wherever it is).
 *
 * @module
 */
import { drainQueue } from "./gateway.ts";
import { fail, succeed } from "./outcome.ts";
import { podGone } from "./pods.ts";
import { reschedule } from "./sched.ts";
import { DRAINING, type Pod, QUEUED, RUNNING, TIMEOUT, type World } from "./types.ts";

/** Processes a pod's engine events due now. */
export function advancePod(w: World, pod: Pod): void {
  const engine = pod.engine!;
  const events = engine.advance(w.nowMs);
  let finished = false;
  for (const ev of events) {
    if (ev.kind !== "finish") continue;
    if (ev.reason !== "abort") {
      const req = ev.id;
      if (w.records.status[req] === RUNNING && w.records.podOf[req] === pod.id) {
        succeed(w, req, pod, ev.timing);
        pod.outstanding--;
        finished = true;
      }
    }
  }
  reschedule(w, pod);
  if (pod.state === DRAINING && engine.idle) podGone(w, pod);
  if (finished) drainQueue(w, pod.variant.model);
}

/** The client of `req` gives up (its timeout passed). */
export function timeOut(w: World, req: number): void {
  const status = w.records.status[req];
  if (status === QUEUED) {
    fail(w, req, TIMEOUT);
    return;
  }
  if (status !== RUNNING) return;
  const pod = w.pods[w.records.podOf[req]!]!;
  fail(w, req, TIMEOUT);
  pod.engine!.abort(req, w.nowMs);
  pod.outstanding--;
  reschedule(w, pod);
  if (pod.state === DRAINING && pod.engine!.idle) podGone(w, pod);
  drainQueue(w, pod.variant.model);
}
