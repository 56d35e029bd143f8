/**
 * Kubernetes resource quantities (`resource.Quantity`) as numbers: `"2"`, `"1.5"`, `"500m"`
 * (0.5), `"2Ki"` (2048), `"1G"`, `"1e3"`. One reader for every quantity the code meets (GPU
 * requests and limits, node capacity); what counts as a whole GPU is decided by the caller
 * (`gpuCount` in `src/core/api/gpu_vendors.ts`).
 *
 * @module
 */

/** Decimal SI suffixes as powers of ten (`m` = milli, `k` = kilo, …). */
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Binary SI suffixes as powers of two. */
const BINARY_EXPONENT: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

/** `<sign><digits>[.<digits>]` then an `e<int>` exponent or a suffix, as Kubernetes writes them. */
const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/**
 * Reads a Kubernetes quantity; a number is taken as it is. `undefined` for anything else
 * (spaces, unknown suffixes, an empty string, a non-finite number). Decimal suffixes are applied
 * as a decimal exponent, so `"1.1k"` is exactly 1100.
 *
 * @example
 * ```ts
 * import { parseQuantity } from "./quantity.ts";
 * if (parseQuantity("500m") !== 0.5 || parseQuantity("2Ki") !== 2048) throw new Error("bad");
 * if (parseQuantity("1.5") !== 1.5 || parseQuantity("2 GB") !== undefined) throw new Error("bad");
 * ```
 */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const [, mantissa, exponent, suffix = ""] = m;
  const n = Object.hasOwn(BINARY_EXPONENT, suffix)
    ? Number(mantissa) * 2 ** BINARY_EXPONENT[suffix]!
    : Number(`${mantissa}e${exponent ?? DECIMAL_EXPONENT[suffix]}`);
  return Number.isFinite(n) ? n : undefined;
}
