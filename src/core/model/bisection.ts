/**
 * Float32 bisection used by both sizing generations (model.md §7).
 *
 * Finds x in [xMin, xMax] with f(x) = target for a monotone f. Both ends are evaluated first;
 * a target outside the range returns the nearer end with indicator -1 (below) or +1 (above).
 * Otherwise up to 100 halvings in float32 arithmetic; the last midpoint is returned.
 *
 * @module
 */
import { f32 } from "./float32.ts";

/** Relative tolerance of the search (1e-6, as float32). */
export const BISECTION_TOLERANCE: number = f32(1e-6);

/** Maximum number of halvings. */
export const BISECTION_MAX_ITERATIONS = 100;

/** Outcome of {@linkcode bisect}: `indicator` -1 target below the range, 0 inside, +1 above. */
export type BisectionResult =
  | { readonly ok: true; readonly x: number; readonly indicator: -1 | 0 | 1 }
  | { readonly ok: false; readonly error: string };

/** A function evaluated during the search; returns `undefined` when it cannot be evaluated. */
export type EvalFn = (x: number) => number | undefined;

/**
 * True when `x` is relatively within `tolerance` of `value` (|x − v| / v ≤ tol, float32).
 * Equal values are always within; a zero `value` or a negative tolerance never is otherwise.
 *
 * @param legacy reproduce queue-analysis v0.1.0, whose test computed |x − v/v| = |x − 1|
 */
export function withinTolerance(
  x: number,
  value: number,
  tolerance: number,
  legacy = false,
): boolean {
  if (x === value) return true;
  if (value === 0 || tolerance < 0) return false;
  const rel = legacy ? f32(x - f32(value / value)) : f32(f32(x - value) / value);
  return Math.abs(rel) <= tolerance;
}

/**
 * Bisection on a monotone function in float32.
 *
 * @param range `[xMin, xMax]` (float32)
 * @param target the value sought
 * @param evalFn the function; `undefined` aborts the search with an error
 * @param options `legacyTolerance` to reproduce the v0.1.0 tolerance test (never stops early)
 */
export function bisect(
  range: readonly [number, number],
  target: number,
  evalFn: EvalFn,
  options: { readonly legacyTolerance?: boolean } = {},
): BisectionResult {
  const legacy = options.legacyTolerance ?? false;
  let [lo, hi] = [f32(range[0]), f32(range[1])];
  const y = f32(target);
  if (lo > hi) return { ok: false, error: `invalid range [${lo}, ${hi}]` };
  const bounds: number[] = [];
  for (const x of [lo, hi]) {
    const v = evalFn(x);
    if (v === undefined) return { ok: false, error: `cannot evaluate the function at ${x}` };
    if (withinTolerance(v, y, BISECTION_TOLERANCE, legacy)) return { ok: true, x, indicator: 0 };
    bounds.push(v);
  }
  const [yLo, yHi] = bounds as [number, number];
  // Deviation: equal ends (a flat function) count as increasing, so a target above a flat
  // metric is "above the range" rather than "below" (every sizing metric grows with load).
  const increasing = yLo <= yHi;
  if ((increasing && y < yLo) || (!increasing && y > yLo)) {
    return { ok: true, x: lo, indicator: -1 };
  }
  if ((increasing && y > yHi) || (!increasing && y < yHi)) {
    return { ok: true, x: hi, indicator: 1 };
  }
  let mid = lo;
  for (let i = 0; i < BISECTION_MAX_ITERATIONS; i++) {
    mid = f32(0.5 * f32(lo + hi));
    const v = evalFn(mid);
    if (v === undefined) return { ok: false, error: `cannot evaluate the function at ${mid}` };
    if (withinTolerance(v, y, BISECTION_TOLERANCE, legacy)) break;
    if ((increasing && y < v) || (!increasing && y > v)) hi = mid;
    else lo = mid;
  }
  return { ok: true, x: mid, indicator: 0 };
}
