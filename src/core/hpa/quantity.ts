/**
 * Kubernetes quantities in the units the HPA computes with: integer milli-units.
 *
 * The HPA controller works on `int64` milli-values: a target written `800m` or `0.8` is 800, and
 * a metric value of 0.8 arrives (through prometheus-adapter or KEDA) as `int64(value × 1000)`,
 * i.e. truncated. Spec quantities round up to the next milli-unit, as `Quantity.MilliValue()`
 * does. Modelling both keeps the rounding of the real controller (e.g. 1.005 → 1004m). Quantities
 * are read by the one parser, `parseQuantity` (src/core/util/quantity.ts).
 *
 * @module
 */
import { z } from "zod";
import { parseQuantity } from "../util/quantity.ts";

/** A spec quantity in milli-units, rounded up as `Quantity.MilliValue()` does. */
export function specMilli(value: number): number {
  const scaled = value * 1000;
  const near = Math.round(scaled);
  return Math.abs(scaled - near) < 1e-6 ? near : Math.ceil(scaled);
}

/** A metric value in milli-units as an adapter hands it to the HPA: `int64(value × 1000)`. */
export function metricMilli(value: number): number {
  return Math.trunc(value * 1000);
}

/** zod schema of a non-negative quantity: a number or a Kubernetes quantity string. */
export const QuantitySchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const q = parseQuantity(typeof v === "string" ? v.trim() : v);
  if (q === undefined || q < 0) {
    ctx.addIssue({
      code: "custom",
      message: `must be a non-negative quantity such as 2, 0.8 or "800m"`,
    });
    return z.NEVER;
  }
  return q;
});
