/**
 * Coercion of config text (flags, environment variables, YAML values, ConfigMap entries) into
 * durations in milliseconds, booleans and numbers: one implementation for every mode, each
 * input keeping its own grammar through a {@linkcode DurationSyntax} or an option (so `1h30m`
 * stays a ConfigMap form and a bare `500` stays milliseconds only where it always was).
 *
 * Each kind has one parser and thin forms around it: `readX` says what the text is or that it is
 * not one (for callers that word their own errors), `parseX(text, …, what)` throws an
 * `InputError` line naming `what` (flags, schedules), `xSchema` lets zod take the text.
 * Booleans: {@linkcode readBoolean}; durations: {@linkcode readDuration}; numbers:
 * {@linkcode readNumber}. Kubernetes quantities are in `./quantity.ts`.
 *
 * Pure (no I/O, no clock): the pure folders (`src/core/load`) import it.
 *
 * @module
 */
import { z } from "zod";
import { InputError } from "./validate.ts";

/** Milliseconds per duration unit; a {@linkcode DurationSyntax} picks which it accepts. */
export const DURATION_UNIT_MS = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
} as const;

/** A duration unit's name. */
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

/** The grammar of one kind of duration text. */
export interface DurationSyntax {
  /** Units accepted; case-sensitive unless `loose`. */
  readonly units: readonly DurationUnit[];
  /** Unit of a bare number (`"ms"`: `500` is 500 ms); unset, a bare number lacks its unit. */
  readonly bareUnit?: DurationUnit;
  /**
   * Go-style sum of terms without spaces (`1h30m`). Otherwise one term, with spaces allowed
   * around it and between number and unit (`2 s`).
   */
  readonly composite?: boolean;
  /**
   * Schedule-text numbers (one term, not with `composite`): a sign, an exponent or a leading dot
   * (`.5s`, `1e3ms`), units in any letter case; a negative or non-finite number is then a
   * `negative` problem.
   */
  readonly loose?: boolean;
}

/** Kubernetes/Go durations as in ConfigMaps: `90s`, `10m`, `1h30m`, `1.5h`, `500ms`. */
export const GO_DURATION: DurationSyntax = { units: ["ms", "s", "m", "h"], composite: true };

/** Schedule text (`wva loadgen`, `wva demo`): a unit is required; `ms`, `s`/`sec`, `m`/`min`, `h`. */
export const UNIT_DURATION: DurationSyntax = {
  units: ["ms", "s", "sec", "m", "min", "h"],
  loose: true,
};

/** Why a text is not a duration (`unit` is the offending unit, lower-cased when `loose`). */
export type DurationProblem =
  | { readonly problem: "syntax" | "no-unit" | "negative" }
  | { readonly problem: "unknown-unit"; readonly unit: string };

/** A duration reading: its milliseconds, or why the text is not one. */
export type DurationReading =
  | { readonly ok: true; readonly ms: number }
  | ({ readonly ok: false } & DurationProblem);

const PLAIN_NUMBER = String.raw`\d+(?:\.\d+)?`;
const LOOSE_NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?`;
const term = (num: string) => new RegExp(String.raw`^(${num})\s*([a-z/]*)$`, "i");
const PLAIN_TERM = term(PLAIN_NUMBER);
const LOOSE_TERM = term(LOOSE_NUMBER);

/**
 * Splits `"2.5rps"` into `[2.5, "rps"]` (surrounding spaces ignored, the unit lower-cased); the
 * number may carry a sign, an exponent or a leading dot. `undefined` when the text is not
 * number-then-unit. Shared by durations and the load generator's rates.
 */
export function splitNumberUnit(text: string): [number, string] | undefined {
  const m = LOOSE_TERM.exec(text.trim());
  return m ? [Number(m[1]), m[2]!.toLowerCase()] : undefined;
}

/** The (number, unit as written) terms of a duration; undefined when the text has another form. */
function terms(text: string, syntax: DurationSyntax): [number, string][] | undefined {
  if (syntax.loose) {
    const one = splitNumberUnit(text);
    return one && [one];
  }
  if (!syntax.composite) {
    const m = PLAIN_TERM.exec(text.trim());
    return m ? [[Number(m[1]), m[2]!]] : undefined;
  }
  const re = new RegExp(`(${PLAIN_NUMBER})([a-z/]*)`, "iy");
  const out: [number, string][] = [];
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    out.push([Number(m[1]), m[2]!]);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Reads a duration into milliseconds under `syntax`, or says why it is not one (in the order
 * syntax, missing unit, unknown unit, negative), so callers can word their own errors.
 *
 * @example
 * ```ts
 * import { GO_DURATION, readDuration } from "./coerce.ts";
 * const r = readDuration("1h30m", GO_DURATION);
 * if (!r.ok || r.ms !== 5_400_000) throw new Error("bad");
 * ```
 */
export function readDuration(text: string, syntax: DurationSyntax): DurationReading {
  const parts = terms(text, syntax);
  if (!parts) return { ok: false, problem: "syntax" };
  const ms: number[] = [];
  for (const [value, written] of parts) {
    const unit = written === "" ? syntax.bareUnit : written;
    if (unit === undefined) return { ok: false, problem: "no-unit" };
    if (!syntax.units.includes(unit as DurationUnit)) {
      return { ok: false, problem: "unknown-unit", unit };
    }
    if (syntax.loose && (!Number.isFinite(value) || value < 0)) {
      return { ok: false, problem: "negative" };
    }
    ms.push(value * DURATION_UNIT_MS[unit as DurationUnit]);
  }
  return { ok: true, ms: ms.reduce((a, b) => a + b) };
}

/** The units of `syntax` for messages, aliases left out: `ms, s, m or h`. */
function unitList(syntax: DurationSyntax): string {
  const seen = new Set<number>();
  const names = syntax.units.filter((u) => {
    const fresh = !seen.has(DURATION_UNIT_MS[u]);
    seen.add(DURATION_UNIT_MS[u]);
    return fresh;
  });
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names.join("");
}

/**
 * Milliseconds of a duration under `syntax`, for text a user wrote (flags, schedules, SLOs).
 * {@linkcode readDuration} is the parser; this adds one error line that names `what`.
 *
 * @param what names the value in the error (e.g. `--duration`)
 * @throws {InputError} on bad syntax, a missing or unknown unit, or a negative value
 * @example
 * ```ts
 * import { parseDurationMs, UNIT_DURATION } from "./coerce.ts";
 * if (parseDurationMs("2m", UNIT_DURATION, "--duration") !== 120_000) throw new Error("bad");
 * ```
 */
export function parseDurationMs(text: string, syntax: DurationSyntax, what: string): number {
  const r = readDuration(text, syntax);
  if (r.ok) return r.ms;
  const units = unitList(syntax);
  switch (r.problem) {
    case "syntax":
      throw new InputError(`${what}: cannot read duration "${text}" (e.g. 60s, 2m)`);
    case "no-unit":
      throw new InputError(`${what}: duration "${text}" needs a unit (${units})`);
    case "unknown-unit":
      throw new InputError(
        `${what}: unknown duration unit "${r.unit}" in "${text}" (use ${units})`,
      );
    case "negative":
      throw new InputError(`${what}: duration must be ≥ 0, got "${text}"`);
  }
}

/**
 * A zod schema for a duration in milliseconds given as a number (ms) or as text under
 * `syntax`; text that is not a duration fails with `expected a duration such as <examples>`.
 */
export function durationMsSchema(
  options: { readonly syntax: DurationSyntax; readonly examples: string; readonly min?: number },
) {
  const { syntax, examples, min = 0 } = options;
  return z.preprocess(
    (v) => {
      const r = typeof v === "string" ? readDuration(v, syntax) : undefined;
      return r?.ok ? r.ms : v;
    },
    z.number({ error: `expected a duration such as ${examples}` }).min(min),
  );
}

/**
 * Reads `true`/`1` and `false`/`0` (exactly); `loose` also trims, ignores case and reads
 * `yes`/`no` and the empty string (false), as environment variables are written.
 * `undefined` for any other text.
 */
export function readBoolean(
  text: string,
  options: { readonly loose?: boolean } = {},
): boolean | undefined {
  const s = options.loose ? text.trim().toLowerCase() : text;
  if (s === "true" || s === "1" || (options.loose && s === "yes")) return true;
  if (s === "false" || s === "0" || (options.loose && (s === "no" || s === ""))) return false;
  return undefined;
}

/** A zod boolean that also takes the text {@linkcode readBoolean} reads (env, flags). */
export function booleanSchema(options: { readonly loose?: boolean } = {}) {
  return z.preprocess(
    (v) => (typeof v === "string" ? readBoolean(v, options) ?? v : v),
    z.boolean(),
  );
}

/**
 * A finite number written as text (`" 42 "`, `1e3`, `0x10`, as `Number()` reads it), or
 * undefined; unlike `Number()`, blank text is not 0.
 */
export function readNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : undefined;
}

/** What a number read by {@linkcode parseNumber} must be, and how the error names it. */
const NUMBER_RULES = {
  number: [(_: number) => true, "a number"],
  integer: [(v: number) => Number.isInteger(v), "an integer"],
  count: [(v: number) => Number.isInteger(v) && v >= 1, "a whole number ≥ 1"],
  positive: [(v: number) => v > 0, "a number > 0"],
} as const;

/** A rule of {@linkcode parseNumber}. */
export type NumberRule = keyof typeof NUMBER_RULES;

/**
 * A number written by a user (a flag or variable), checked against `rule`; the error is one
 * line naming `what` and the text.
 *
 * @throws {InputError} `--cv: expected a number > 0, got "0"`
 */
export function parseNumber(text: string, rule: NumberRule, what: string): number {
  const v = readNumber(text);
  const [check, expected] = NUMBER_RULES[rule];
  if (v === undefined || !check(v)) {
    throw new InputError(`${what}: expected ${expected}, got ${JSON.stringify(text)}`);
  }
  return v;
}

/** A number schema that also takes the numeric text {@linkcode readNumber} reads (env, flags). */
export function numberSchema(schema: z.ZodNumber) {
  return z.preprocess((v) => (typeof v === "string" ? readNumber(v) ?? v : v), schema);
}
