/**
 * Cheap running statistics for the live progress view: a sliding-window send rate and the
 * median TTFT of the most recent successes. O(1) per event, bounded memory at any rate.
 *
 * @module
 */
import { median } from "../../core/util/stats.ts";

/** Counts events in fixed buckets over a sliding window, giving a recent rate per second. */
export class WindowRate {
  readonly #bucketMs: number;
  readonly #counts: number[];
  #headBucket = 0;

  /** @param windowMs window length. @param buckets resolution. @default 5000, 20 */
  constructor(windowMs = 5000, buckets = 20) {
    this.#bucketMs = windowMs / buckets;
    this.#counts = new Array<number>(buckets).fill(0);
  }

  #advance(tMs: number): void {
    const bucket = Math.floor(tMs / this.#bucketMs);
    const n = this.#counts.length;
    if (bucket - this.#headBucket >= n) this.#counts.fill(0);
    else for (let b = this.#headBucket + 1; b <= bucket; b++) this.#counts[b % n] = 0;
    if (bucket > this.#headBucket) this.#headBucket = bucket;
  }

  /** Records one event at `tMs` (ms since the run start, non-decreasing). */
  add(tMs: number): void {
    this.#advance(tMs);
    const n = this.#counts.length;
    this.#counts[Math.floor(tMs / this.#bucketMs) % n]!++;
  }

  /** Events per second over the window ending at `tMs` (shorter at the run start). */
  ratePerSec(tMs: number): number {
    this.#advance(tMs);
    let sum = 0;
    for (const c of this.#counts) sum += c;
    const partialMs = tMs - Math.floor(tMs / this.#bucketMs) * this.#bucketMs;
    const spanMs = Math.min(tMs, this.#bucketMs * (this.#counts.length - 1) + partialMs);
    return spanMs > 0 ? (sum * 1000) / spanMs : 0;
  }
}

/** Keeps the last `size` values and reports their median. */
export class RecentValues {
  readonly #values: number[] = [];
  readonly #size: number;
  #next = 0;

  /** @param size how many recent values to keep. @default 256 */
  constructor(size = 256) {
    this.#size = size;
  }

  add(value: number): void {
    if (this.#values.length < this.#size) this.#values.push(value);
    else this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Median of the kept values; NaN when empty. */
  median(): number {
    return median(this.#values);
  }
}
