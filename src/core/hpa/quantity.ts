/**
 * Kubernetes quantities in the units the HPA computes with: integer milli-units.
 *
 * The HPA controller works on `int64` milli-values: a target written `800m` or `0.8` is 800, and
 * a metric value of 0.8 arrives (through prometheus-adapter or KEDA) as `int64(value × 1000)`,
 * i.e. truncated. Spec quantities round up to the next milli-unit, as `Quantity.MilliValue()`
 * does. Modelling both keeps the rounding of the real controller (e.g. 1.005 → 1004m).
 *
 * @module
 */
import { z } from "zod";

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const PATTERN =
  /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * The value of a quantity (`"800m"`, `"2"`, `"1.5k"`, or a number), or undefined when the text is
 * not a quantity.
 *
 * @example
 * ```ts
 * import { quantityValue } from "./quantity.ts";
 * if (quantityValue("800m") !== 0.8) throw new Error("bad");
 * ```
 */
export function quantityValue(input: string | number): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) ? input : undefined;
  const m = PATTERN.exec(input.trim());
  if (!m) return undefined;
  const scale = SUFFIX[m[2] ?? ""]!;
  const v = Number(m[1]) * scale;
  return Number.isFinite(v) ? v : undefined;
}

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
  const q = quantityValue(v);
  if (q === undefined || q < 0) {
    ctx.addIssue({
      code: "custom",
      message: `must be a non-negative quantity such as 2, 0.8 or "800m"`,
    });
    return z.NEVER;
  }
  return q;
});
