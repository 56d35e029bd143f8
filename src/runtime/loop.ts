/**
 * The control loop's timing: a cycle every `intervalMs`, and sooner when something relevant
 * changes (`trigger`), debounced so a burst of changes costs one cycle. Cycles never overlap and
 * run only while `active()` (the leader). Clock-driven, so tests step it with a `ManualClock`.
 *
 * The one loop of every mode that runs cycles: the controller (Kubernetes backend; triggers from
 * watches, `active` from leader election) and the demo (local pool; a fixed interval, the first
 * cycle one interval after the start).
 *
 * @module
 */
import { type Logger, NULL_LOGGER } from "./log.ts";
import type { Clock } from "./clock.ts";

/** Options of {@linkcode startLoop}. */
export interface LoopOptions {
  /** Time from the start of one cycle to the start of the next, in ms. */
  readonly intervalMs: number;
  /** Wait this long after a trigger for more changes. @default 1000 */
  readonly debounceMs?: number;
  /** Paces the loop (tests pass a `ManualClock`). */
  readonly clock: Clock;
  /** Aborting stops the loop after the running cycle. */
  readonly signal: AbortSignal;
  /** Runs one cycle; errors are logged and the loop goes on. */
  runCycle(reason: string): Promise<void>;
  /** Cycles run only while this is true. @default always */
  active?(): boolean;
  /**
   * Run the first cycle right away (reason `start`); false waits one interval first (the demo:
   * its replicas have only just started and have no metrics yet). @default true
   */
  readonly runAtStart?: boolean;
  /** Gets `cycle-failed` when `runCycle` throws. @default NULL_LOGGER */
  readonly logger?: Logger;
}

/** A running loop. */
export interface Loop {
  /** Asks for a cycle soon (after the debounce). */
  trigger(reason: string): void;
  /** Cycles completed so far. */
  readonly cycles: number;
  /** Resolves when the loop has stopped (after `signal` aborts and the running cycle ends). */
  readonly done: Promise<void>;
}

/** Starts the loop; the first cycle runs right away (if active) unless `runAtStart` is false. */
export function startLoop(options: LoopOptions): Loop {
  const { clock, signal } = options;
  const log = options.logger ?? NULL_LOGGER;
  const debounceMs = options.debounceMs ?? 1000;
  const runAtStart = options.runAtStart ?? true;
  const startMs = clock.nowMs();
  let pending: string | undefined = runAtStart ? "start" : undefined;
  let wake: AbortController | undefined;
  let cycles = 0;
  /** Sleeps; only an interval sleep (`wakeable`) ends early on a trigger. */
  async function sleep(ms: number, wakeable = false): Promise<void> {
    const w = new AbortController();
    wake = wakeable ? w : undefined;
    try {
      await clock.sleep(ms, AbortSignal.any([signal, w.signal]));
    } catch { /* woken or stopped */ }
    wake = undefined;
  }
  async function run(): Promise<void> {
    let lastRunMs = runAtStart ? -Infinity : startMs;
    while (!signal.aborted) {
      if (pending === undefined) {
        const due = lastRunMs + options.intervalMs - clock.nowMs();
        if (due > 0) await sleep(due, true);
        if (signal.aborted) break;
        if (pending !== undefined) await sleep(debounceMs);
      } else if (pending !== "start") {
        await sleep(debounceMs);
      }
      if (signal.aborted) break;
      const reason = pending ?? "interval";
      pending = undefined;
      lastRunMs = clock.nowMs();
      if (options.active && !options.active()) continue;
      try {
        await options.runCycle(reason);
      } catch (err) {
        log.error("cycle-failed", { error: err });
      }
      cycles++;
    }
  }
  const done = run();
  return {
    trigger(reason) {
      if (pending === undefined) pending = reason;
      wake?.abort();
    },
    get cycles() {
      return cycles;
    },
    done,
  };
}
