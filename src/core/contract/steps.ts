/**
 * Helpers to build {@linkcode DecisionStep}s: rounded numbers so logs stay readable, and
 * a tiny constructor so every step has the same shape.
 *
 * @module
 */
import type { DecisionStep, StepValue } from "./types.ts";

/** Rounds a number for display in a step (6 significant digits; integers unchanged). */
export function roundForStep(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(6));
}

/** Builds a step, rounding numeric values with {@linkcode roundForStep}. */
export function step(
  rule: string,
  message: string,
  values: Readonly<Record<string, StepValue>> = {},
): DecisionStep {
  const rounded: Record<string, StepValue> = {};
  for (const [k, v] of Object.entries(values)) {
    rounded[k] = typeof v === "number" ? roundForStep(v) : v;
  }
  return { rule, message, values: rounded };
}
