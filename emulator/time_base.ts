/**
 * Model time versus wall time: the one place where the emulator converts between them. The
 * engine, the latency histograms and every duration of the model run in model milliseconds;
 * timers and HTTP deadlines run in wall milliseconds. A time base with `scale` K makes the model
 * run K times faster than the wall clock (every model duration takes 1/K of it in wall time).
 *
 * @module
 */

/** Converts wall-clock readings to model time and model delays to wall delays. */
export interface TimeBase {
  /** Model milliseconds per wall millisecond (1 = real time). */
  readonly scale: number;
  /** The model time at wall time `wallMs`. */
  toModelMs(wallMs: number): number;
  /** The wall time at model time `modelMs` (inverse of `toModelMs`). */
  toWallMs(modelMs: number): number;
  /** How many wall milliseconds a model duration of `modelMs` takes. */
  toWallDelayMs(modelMs: number): number;
}

/**
 * A time base running `scale` times faster than the wall clock from `originWallMs` on (model
 * time equals wall time at the origin).
 *
 * @throws {RangeError} when scale is not a positive finite number.
 * @example
 * ```ts
 * import { createTimeBase } from "./time_base.ts";
 * const tb = createTimeBase(10, 1000);
 * if (tb.toModelMs(1100) !== 2000 || tb.toWallMs(2000) !== 1100) throw new Error("wrong");
 * if (tb.toWallDelayMs(50) !== 5) throw new Error("wrong delay");
 * ```
 */
export function createTimeBase(scale = 1, originWallMs = 0): TimeBase {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot create a time base: scale must be > 0, current value is ${scale}`);
  }
  if (scale === 1) return REAL_TIME;
  return {
    scale,
    toModelMs: (wallMs) => originWallMs + (wallMs - originWallMs) * scale,
    toWallMs: (modelMs) => originWallMs + (modelMs - originWallMs) / scale,
    toWallDelayMs: (modelMs) => modelMs / scale,
  };
}

/** Model time is wall time. */
export const REAL_TIME: TimeBase = {
  scale: 1,
  toModelMs: (wallMs) => wallMs,
  toWallMs: (modelMs) => modelMs,
  toWallDelayMs: (modelMs) => modelMs,
};
