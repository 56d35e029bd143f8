/**
 * Units for schedule text: durations (`500ms`, `60s`, `2m`, `1h`) and request rates (`2rps`,
 * `120rpm`). Every parse error is a {@linkcode PlanInputError} whose message names the bad text
 * and lists the accepted units, so the CLI can print it as one line and exit 2.
 *
 * @module
 */

/** Bad schedule, length or SLO text; the message is one line meant for the user. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const RATE_UNITS_PER_SEC: Readonly<Record<string, number>> = {
  rps: 1,
  "r/s": 1,
  "req/s": 1,
  "/s": 1,
  rpm: 1 / 60,
  "r/m": 1 / 60,
  "req/min": 1 / 60,
  "/min": 1 / 60,
};

const NUMBER_AND_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z/]*)$/i;

/** Splits `"2.5rps"` into `[2.5, "rps"]`; `undefined` when the text is not number-then-unit. */
export function splitNumberUnit(text: string): [number, string] | undefined {
  const m = NUMBER_AND_UNIT.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), m[2]!.toLowerCase()];
}

/**
 * Parses a duration with an explicit unit into milliseconds: `ms`, `s`, `m`/`min`, `h`.
 *
 * @param what names the value in the error (e.g. `--duration`)
 * @throws {PlanInputError} on a missing or unknown unit, or a negative or non-finite value
 * @example
 * ```ts
 * import { parseDurationMs } from "./units.ts";
 * if (parseDurationMs("2m", "--duration") !== 120_000) throw new Error("bad");
 * ```
 */
export function parseDurationMs(text: string, what: string): number {
  const parts = splitNumberUnit(text);
  if (!parts) throw new PlanInputError(`${what}: cannot read duration "${text}" (e.g. 60s, 2m)`);
  const [value, unit] = parts;
  if (unit === "") {
    throw new PlanInputError(`${what}: duration "${text}" needs a unit (ms, s, m or h)`);
  }
  const factor = DURATION_UNITS_MS[unit];
  if (factor === undefined) {
    throw new PlanInputError(
      `${what}: unknown duration unit "${unit}" in "${text}" (use ms, s, m or h)`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new PlanInputError(`${what}: duration must be ≥ 0, got "${text}"`);
  }
  return value * factor;
}

/**
 * Parses a request rate into requests per second. `rps` (also `r/s`, `req/s`) and `rpm` (also
 * `r/m`, `req/min`). A bare number uses `defaultUnit` when given, else it is an error.
 *
 * @throws {PlanInputError} on a missing or unknown unit, or a negative or non-finite value
 */
export function parseRatePerSec(
  text: string,
  what: string,
  options: { defaultUnit?: "rps" | "rpm" } = {},
): number {
  const parts = splitNumberUnit(text);
  if (!parts) throw new PlanInputError(`${what}: cannot read rate "${text}" (e.g. 2rps, 120rpm)`);
  const [value, rawUnit] = parts;
  const unit = rawUnit === "" ? options.defaultUnit : rawUnit;
  if (unit === undefined) {
    throw new PlanInputError(`${what}: rate "${text}" needs a unit (rps or rpm)`);
  }
  const factor = RATE_UNITS_PER_SEC[unit];
  if (factor === undefined) {
    throw new PlanInputError(`${what}: unknown rate unit "${unit}" in "${text}" (use rps or rpm)`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new PlanInputError(`${what}: rate must be ≥ 0, got "${text}"`);
  }
  return value * factor;
}
