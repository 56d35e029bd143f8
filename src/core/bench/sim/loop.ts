/**
 * The event loop of one run on the virtual clock. Four sources, merged by time: the replicas'
 * engines (an indexed heap keyed by each engine's next event), the planned arrivals (already
 * sorted), the clients' timeouts (arrival + timeout, so also sorted) and timers (scrapes, syncs,
 * pod start-up, drains). At equal times engines go first, then arrivals, timeouts and timers.
 * No event per token: an engine event is a whole decode step of a replica.
 *
 * @module
 */
import { route } from "./gateway.ts";
import { accountPod } from "./pods.ts";
import { advancePod, timeOut } from "./requests.ts";
import { RUNNING, type World } from "./types.ts";

/**
 * Runs the world up to `untilMs` (its end time by default; then GPU time is settled). Can be
 * called again to continue from where it stopped.
 */
export function runLoop(w: World, untilMs = w.settings.endMs): void {
  const plan = w.plan;
  const count = plan.count;
  const atMs = plan.atMs;
  const status = w.records.status;
  const timeoutMs = w.settings.timeoutMs;
  const endMs = Math.min(untilMs, w.settings.endMs);
  let next = w.cursor.next, late = w.cursor.late;
  for (;;) {
    while (late < next && status[late]! > RUNNING) late++;
    const tPod = w.podHeap.peekKey();
    const tArr = next < count ? atMs[next]! : Infinity;
    const tOut = late < next ? atMs[late]! + timeoutMs : Infinity;
    const tTimer = w.timers.peekKey();
    const t = Math.min(tPod, tArr, tOut, tTimer);
    if (t > endMs) break;
    w.nowMs = t;
    if (tPod === t) advancePod(w, w.podHeap.peek()!);
    else if (tArr === t) route(w, next++);
    else if (tOut === t) timeOut(w, late++);
    else w.timers.pop()!.run();
  }
  w.cursor.next = next;
  w.cursor.late = late;
  w.nowMs = Math.max(w.nowMs, endMs);
  if (endMs < w.settings.endMs) return;
  for (const p of w.pods) if (p.goneMs < 0) accountPod(w, p, endMs);
}
