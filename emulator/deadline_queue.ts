/**
 * Callbacks due at deadlines that arrive in non-decreasing order (every entry waits the same
 * time), served by one timer however many are pending: pushing and cancelling are O(1) and
 * allocate no timer. Used to hold a non-streaming response's headers for a short time.
 *
 * @module
 */
import type { Clock } from "../src/runtime/clock.ts";
import { Deque } from "./engine/deque.ts";

/** Reason for cancelling a timer (a constant: a DOMException would capture a stack each time). */
const SUPERSEDED = Symbol("superseded");

/** A pending entry; `cancel()` makes it a no-op. */
export interface DeadlineHandle {
  cancel(): void;
}

interface Entry {
  readonly atMs: number;
  fn: (() => void) | null;
}

/** FIFO deadlines on one timer. */
export class DeadlineQueue {
  readonly #clock: Clock;
  readonly #items = new Deque<Entry>();
  #ctrl: AbortController | null = null;
  /** Entries neither run nor cancelled; at zero the timer is disarmed (no idle timer). */
  #live = 0;

  /** @param clock the wall clock that times the deadlines. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Entries waiting to run (cancelled ones excluded). */
  get size(): number {
    return this.#live;
  }

  /**
   * Runs `fn` once `delayMs` has passed. Delays should be equal for all entries (FIFO order);
   * a shorter delay than an earlier entry's runs no earlier than that entry.
   */
  push(delayMs: number, fn: () => void): DeadlineHandle {
    const entry: Entry = { atMs: this.#clock.nowMs() + delayMs, fn };
    this.#items.pushBack(entry);
    this.#live++;
    if (this.#ctrl === null) this.#arm(entry.atMs);
    return {
      cancel: () => {
        if (entry.fn === null) return;
        entry.fn = null;
        if (--this.#live === 0) this.clear();
      },
    };
  }

  /** Cancels the timer and forgets every entry (nothing runs). */
  clear(): void {
    while (this.#items.popFront()) { /* drop */ }
    this.#live = 0;
    this.#ctrl?.abort(SUPERSEDED);
    this.#ctrl = null;
  }

  #arm(atMs: number): void {
    const ctrl = new AbortController();
    this.#ctrl = ctrl;
    const delayMs = Math.min(2 ** 31 - 1, Math.max(0, atMs - this.#clock.nowMs()));
    this.#clock.sleep(delayMs, ctrl.signal).then(() => {
      if (this.#ctrl !== ctrl) return;
      this.#ctrl = null;
      this.#run();
    }, () => {});
  }

  #run(): void {
    const now = this.#clock.nowMs() + 1; // timers may fire up to a millisecond early

    for (;;) {
      const head = this.#items.peekFront();
      if (!head) return;
      if (head.fn !== null && head.atMs > now) {
        this.#arm(head.atMs);
        return;
      }
      this.#items.popFront();
      const fn = head.fn;
      if (fn === null) continue;
      head.fn = null;
      this.#live--;
      fn();
    }
  }
}
