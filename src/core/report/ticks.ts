/**
 * "Nice" axis ticks (1, 2, 2.5, 5 × 10ⁿ steps) so chart axes read 0, 20, 40 rather than 0, 17.3.
 *
 * @module
 */

/** A tick layout: the rounded range and the tick values in it. */
export interface Ticks {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly values: readonly number[];
}

/** The smallest nice step (1, 2, 2.5, 5 × 10ⁿ) that is ≥ `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  return 10 * mag;
}

/**
 * Ticks covering [min, max] with about `count` intervals; the range widens to whole steps.
 * A zero-width range widens to one step around the value.
 *
 * @example
 * ```ts
 * import { niceTicks } from "./ticks.ts";
 * const t = niceTicks(0, 87);
 * if (t.max !== 100 || t.step !== 20) throw new Error(`bad ${JSON.stringify(t)}`);
 * ```
 */
export function niceTicks(min: number, max: number, count = 5): Ticks {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : lo + 1;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= lo === 0 ? 0 : pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, count));
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = first, i = 0; v <= last + step * 1e-6 && i < 1000; v = first + ++i * step) {
    values.push(Number(v.toPrecision(12)));
  }
  return { min: values[0] ?? first, max: values.at(-1) ?? last, step, values };
}
