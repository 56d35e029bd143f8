/**
 * The `Clock` port: the only way shells read time or wait.
 *
 * Pure code takes `nowMs: number` instead; shells (loops, servers, the load generator) take a
 * `Clock` so tests can drive them with {@linkcode ManualClock} without real sleeps.
 *
 * @module
 */

/** Time source and timer, in milliseconds. */
export interface Clock {
  /** Milliseconds on this clock's time line (wall clock for {@linkcode systemClock}). */
  nowMs(): number;
  /** Resolves after `ms` milliseconds, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      function onAbort(): void {
        clearTimeout(timer);
        reject(abortReason(signal!));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

interface Sleeper {
  readonly wakeAtMs: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` wakes every sleeper whose deadline has
 * passed, in deadline order, letting each woken task run (microtasks) before the next wakes.
 *
 * @example
 * ```ts
 * import { ManualClock } from "./clock.ts";
 * const clock = new ManualClock(1000);
 * const done = clock.sleep(50);
 * await clock.advance(50);
 * await done;
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];

  /** @param startMs initial reading in ms. @default 0 */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  /** Current reading in ms. */
  nowMs(): number {
    return this.#now;
  }

  /** Number of pending sleepers (useful to assert that a loop is parked). */
  get pendingSleepers(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const sleeper: Sleeper = {
        wakeAtMs: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms`, waking due sleepers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.#sleepers
        .filter((s) => s.wakeAtMs <= target)
        .sort((a, b) => a.wakeAtMs - b.wakeAtMs || a.seq - b.seq)[0];
      if (!due) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== due);
      this.#now = Math.max(this.#now, due.wakeAtMs);
      due.resolve();
    }
    this.#now = target;
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
