/**
 * Delivery of engine events to the per-request sinks, paced and in slices.
 *
 * A decode step of 4,000 sequences ends with 4,000 tokens at one instant. Written as fast as
 * possible, they leave over tens of milliseconds in an order-dependent burst whose length
 * changes from step to step with whatever else the process does, and a stream's inter-token gap
 * inherits that variation (the p99 gap). Instead, the core gives every token of a step a due
 * time spread evenly over a short window after the step's end (see {@linkcode spreadWindowMs});
 * the sequence at position p of a batch of n then always gets its token p/n of the window late,
 * so its gaps stay equal to the step times. Between slices (at most `sliceEvents` events) the
 * event loop turns, so sockets drain and scrapes are answered. Order is kept: a sequence's finish
 * always follows its tokens.
 *
 * @module
 */
import type { Clock } from "../src/runtime/clock.ts";
import type { FinishEvent, FinishReason, SequenceTiming } from "./engine/types.ts";

/** Receives the events of one sequence. `flush` is called once after each slice of events. */
export interface SequenceSink {
  onToken(index: number): void;
  onFinish(reason: FinishReason, timing: SequenceTiming): void;
  flush(): void;
}

/** Default most events per slice. */
export const DEFAULT_SLICE_EVENTS = 256;

/** Wall time budgeted per frame when spreading a step's tokens (ms). */
export const SPREAD_MS_PER_TOKEN = 0.05;

/** Largest share of a step over which its tokens are spread. */
export const MAX_SPREAD_SHARE = 0.9;

/** Steps whose tokens fit in this window are delivered at once (ms). */
export const MIN_SPREAD_MS = 2;

/**
 * The window (wall ms) over which the `tokens` tokens of one step are spread: a generous estimate
 * of the time they take to write, at most 90 % of the step (so a step's writes are done before
 * the next step's begin), and 0 (all at once) when that is short.
 */
export function spreadWindowMs(tokens: number, stepWallMs: number): number {
  const w = Math.min(tokens * SPREAD_MS_PER_TOKEN, stepWallMs * MAX_SPREAD_SHARE);
  return w < MIN_SPREAD_MS ? 0 : w;
}

/**
 * A FIFO of (sink, token index or finish, due time) written in paced slices. Entries are kept in
 * plain arrays of numbers, not event objects: thousands wait at any time, and objects would
 * survive young-generation collections (longer GC pauses, which show up as late tokens).
 */
export class SinkOutbox {
  readonly #clock: Clock;
  readonly #sliceEvents: number;
  readonly #onError: (err: unknown) => void;
  readonly #onDrained: () => void;
  readonly #onLate: (lateMs: number) => void;
  #sinks: SequenceSink[] = [];
  /** Token index, or -1 for the next entry of `#finishes`. */
  #index: number[] = [];
  #dueMs: number[] = [];
  #finishes: FinishEvent[] = [];
  #head = 0;
  #finishHead = 0;
  #waiting = false;
  readonly #touched = new Set<SequenceSink>();

  constructor(options: {
    readonly clock: Clock;
    readonly sliceEvents?: number;
    readonly onError: (err: unknown) => void;
    /** Called whenever the outbox becomes empty. */
    readonly onDrained: () => void;
    /** Called with how late (wall ms) each token is written after its due time. */
    readonly onLate?: (lateMs: number) => void;
  }) {
    this.#clock = options.clock;
    this.#sliceEvents = Math.max(1, options.sliceEvents ?? DEFAULT_SLICE_EVENTS);
    this.#onError = options.onError;
    this.#onDrained = options.onDrained;
    this.#onLate = options.onLate ?? (() => {});
  }

  /** Entries not yet delivered. */
  get pending(): number {
    return this.#index.length - this.#head;
  }

  /** Queues token `index` for `sink`, to be written no earlier than `dueMs` (wall clock). */
  pushToken(sink: SequenceSink, index: number, dueMs: number): void {
    this.#sinks.push(sink);
    this.#index.push(index);
    this.#dueMs.push(dueMs);
  }

  /**
   * Writes a sequence's first token at once, ahead of queued tokens of other sequences (a new
   * stream has nothing queued, so its order is kept and its TTFT does not wait for the spread).
   */
  deliverFirst(sink: SequenceSink): void {
    try {
      sink.onToken(0);
      sink.flush();
    } catch (err) {
      this.#onError(err);
    }
  }

  /** Queues the end of a sequence (after everything queued before). */
  pushFinish(sink: SequenceSink, ev: FinishEvent): void {
    this.#sinks.push(sink);
    this.#index.push(-1);
    this.#dueMs.push(0);
    this.#finishes.push(ev);
  }

  /** Delivers what is due now (unless a continuation is already queued). */
  run(): void {
    if (!this.#waiting) this.#slice();
  }

  #slice(): void {
    const now = this.#clock.nowMs();
    const limit = Math.min(this.#index.length, this.#head + this.#sliceEvents);
    let i = this.#head;
    while (i < limit && this.#dueMs[i]! <= now) {
      this.#deliver(i, now);
      i++;
    }
    this.#head = i;
    this.#flushTouched();
    if (i < this.#index.length) {
      this.#continueAt(this.#dueMs[i]!, now);
      return;
    }
    this.#sinks = [];
    this.#index = [];
    this.#dueMs = [];
    this.#finishes = [];
    this.#head = this.#finishHead = 0;
    this.#onDrained();
  }

  /** Continues in a new macrotask: at once if the next entry is due, else at its due time. */
  #continueAt(dueMs: number, now: number): void {
    this.#waiting = true;
    const resume = () => {
      this.#waiting = false;
      this.#slice();
    };
    if (dueMs <= now) setTimeout(resume, 0);
    else this.#clock.sleep(dueMs - now).then(resume);
  }

  #flushTouched(): void {
    for (const sink of this.#touched) {
      try {
        sink.flush();
      } catch (err) {
        this.#onError(err);
      }
    }
    this.#touched.clear();
  }

  #deliver(i: number, now: number): void {
    const sink = this.#sinks[i]!;
    const index = this.#index[i]!;
    try {
      if (index >= 0) {
        this.#onLate(now - this.#dueMs[i]!);
        sink.onToken(index);
      } else {
        const ev = this.#finishes[this.#finishHead++]!;
        sink.onFinish(ev.reason, ev.timing);
      }
      this.#touched.add(sink);
    } catch (err) {
      this.#onError(err);
    }
  }
}
