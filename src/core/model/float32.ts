/**
 * Float32 arithmetic and Go-style printing.
 *
 * The reference optimizer (Go) keeps every interface quantity in `float32` and the state
 * probabilities in `float64`. To reproduce its log lines digit for digit we round after every
 * float32 operation with {@linkcode f32} (Go on amd64 does not fuse multiply-add for float32) and
 * print with {@linkcode formatFloat32}, which matches Go's `%v` for a `float32`: the shortest
 * decimal that reads back to the same float32, in `%g` layout (exponent form when the decimal
 * exponent is below -4 or at least 6).
 *
 * @module
 */

/** Rounds a number to the nearest float32 (ties to even), like a Go `float32` conversion. */
export const f32: (x: number) => number = Math.fround;

/**
 * Shortest decimal digits (no sign, no point) and decimal exponent of a positive finite float32,
 * such that `0.d1d2d3… × 10^(exp)` reads back to the same float32.
 */
function shortestDigits(x: number): { digits: string; pointPos: number } {
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1); // d.ddd e±x, nearest, but ties round away from zero
    if (Math.fround(Number(s)) === x) return splitExponential(halfEven(x, s, p));
  }
  return splitExponential(x.toExponential(8));
}

function splitExponential(s: string): { digits: string; pointPos: number } {
  const [mant, exp] = s.split("e") as [string, string];
  const digits = mant.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, pointPos: Number(exp) + 1 };
}

/**
 * Go breaks an exact tie between two shortest candidates towards the even last digit; JS's
 * `toExponential` rounds ties away from zero. A tie means the exact value has p+1 significant
 * digits ending in 5; then the candidate below is used when its last digit is even. Powers of two
 * (asymmetric rounding interval) keep the upper candidate, as Go's shortest algorithm does.
 */
function halfEven(x: number, s: string, p: number): string {
  if (Number.isInteger(Math.log2(x))) return s;
  const [exactMant, exactExp] = x.toExponential(99).split("e") as [string, string];
  const exact = exactMant.replace(".", "").replace(/0+$/, "");
  if (exact.length !== p + 1 || !exact.endsWith("5")) return s;
  const kept = exact.slice(0, p);
  if (Number(kept[kept.length - 1]) % 2 !== 0) return s;
  const candidate = `${kept[0]}${kept.length > 1 ? "." + kept.slice(1) : ""}e${exactExp}`;
  return Math.fround(Number(candidate)) === x ? candidate : s;
}

/**
 * Formats a float32 value the way Go's `fmt` prints it with `%v`: `21.49347`, `0.71789724`,
 * `10801.08`, `-40`, `0`, `1e-05`, `1.2345679e+08`.
 *
 * @param x any number; it is first rounded to float32
 */
export function formatFloat32(x: number): string {
  const v = Math.fround(x);
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const sign = v < 0 ? "-" : "";
  const { digits, pointPos } = shortestDigits(Math.abs(v));
  const exp = pointPos - 1;
  // Go's %g with the shortest precision switches to exponent form below 1e-4 and from 1e6 on.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expAbs = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${expAbs < 10 ? "0" : ""}${expAbs}`;
  }
  if (pointPos <= 0) return `${sign}0.${"0".repeat(-pointPos)}${digits}`;
  if (pointPos >= digits.length) return `${sign}${digits}${"0".repeat(pointPos - digits.length)}`;
  return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
}

/**
 * Converts a float32 value to the float64 number whose shortest decimal is the float32's
 * shortest decimal (`21.49347` rather than `21.493471145629883`), for JSON and YAML output.
 */
export function toDecimal32(x: number): number {
  return Number(formatFloat32(x));
}
