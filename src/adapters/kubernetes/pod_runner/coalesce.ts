/**
 * A write that is asked for often and must reflect the latest state: calls that come while it
 * runs share one more run after it (never two at once, never a lost request).
 *
 * @module
 */

/** A coalesced job. */
export interface Coalesced {
  /** Asks for a run; returns at once. */
  kick(): void;
  /** Resolves once no run is pending or in flight. */
  idle(): Promise<void>;
}

/**
 * Wraps `work` so that {@linkcode Coalesced.kick} runs it again after the current run when it
 * was asked for meanwhile. `work` must not throw (catch and log inside).
 *
 * @example
 * ```ts
 * import { coalesce } from "./coalesce.ts";
 * let runs = 0;
 * const job = coalesce(async () => void runs++);
 * job.kick();
 * job.kick();
 * await job.idle(); // runs === 1 or 2, never 3
 * ```
 */
export function coalesce(work: () => Promise<void>): Coalesced {
  let running: Promise<void> | undefined;
  let again = false;
  function kick(): void {
    again = true;
    if (running) return;
    running = (async () => {
      while (again) {
        again = false;
        await work();
      }
    })().finally(() => {
      running = undefined;
      if (again) kick();
    });
  }
  return {
    kick,
    async idle() {
      while (running) await running;
    },
  };
}
