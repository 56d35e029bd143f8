/**
 * Units for schedule text: durations (`500ms`, `60s`, `2m`, `1h`) and request rates (`2rps`,
 * `120rpm`). Every parse error is a {@linkcode PlanInputError} whose message names the bad text
 * and lists the accepted units, so the CLI can print it as one line and exit 2.
 *
 * @module
 */
import { readDuration, splitNumberUnit, UNIT_DURATION } from "../util/coerce.ts";

/** Bad schedule, length or SLO text; the message is one line meant for the user. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

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
  const r = readDuration(text, UNIT_DURATION);
  if (r.ok) return r.ms;
  switch (r.problem) {
    case "syntax":
      throw new PlanInputError(`${what}: cannot read duration "${text}" (e.g. 60s, 2m)`);
    case "no-unit":
      throw new PlanInputError(`${what}: duration "${text}" needs a unit (ms, s, m or h)`);
    case "unknown-unit":
      throw new PlanInputError(
        `${what}: unknown duration unit "${r.unit}" in "${text}" (use ms, s, m or h)`,
      );
    case "negative":
      throw new PlanInputError(`${what}: duration must be ≥ 0, got "${text}"`);
  }
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
  const factor = Object.hasOwn(RATE_UNITS_PER_SEC, unit) ? RATE_UNITS_PER_SEC[unit] : undefined;
  if (factor === undefined) {
    throw new PlanInputError(`${what}: unknown rate unit "${unit}" in "${text}" (use rps or rpm)`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new PlanInputError(`${what}: rate must be ≥ 0, got "${text}"`);
  }
  return value * factor;
}
