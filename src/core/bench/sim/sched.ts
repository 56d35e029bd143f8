/**
 * Keeps a pod's entry in the engine event queue in step with its engine: call after every
 * submit, abort or advance.
 *
 * @module
 */
import type { Pod, World } from "./types.ts";

/** Re-keys `pod` by its engine's next event time (or removes it when there is none). */
export function reschedule(w: World, pod: Pod): void {
  const next = pod.engine?.nextEventAtMs();
  w.podHeap.set(pod, next === undefined ? Infinity : next);
}
