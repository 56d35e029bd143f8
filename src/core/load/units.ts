/**
 * Request rates for schedule text (`2rps`, `120rpm`). Durations in schedule text are read by the
 * one duration parser, `parseDurationMs(text, UNIT_DURATION, what)` in `src/core/util/coerce.ts`.
 * Every parse error is an {@linkcode InputError} whose message names the bad text and lists the
 * accepted units, so the CLI can print it as one line and exit 2.
 *
 * @module
 */
import { splitNumberUnit } from "../util/coerce.ts";
import { InputError } from "../util/validate.ts";

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
 * Parses a request rate into requests per second. `rps` (also `r/s`, `req/s`) and `rpm` (also
 * `r/m`, `req/min`). A bare number uses `defaultUnit` when given, else it is an error.
 *
 * @throws {InputError} on a missing or unknown unit, or a negative or non-finite value
 */
export function parseRatePerSec(
  text: string,
  what: string,
  options: { defaultUnit?: "rps" | "rpm" } = {},
): number {
  const parts = splitNumberUnit(text);
  if (!parts) throw new InputError(`${what}: cannot read rate "${text}" (e.g. 2rps, 120rpm)`);
  const [value, rawUnit] = parts;
  const unit = rawUnit === "" ? options.defaultUnit : rawUnit;
  if (unit === undefined) {
    throw new InputError(`${what}: rate "${text}" needs a unit (rps or rpm)`);
  }
  const factor = Object.hasOwn(RATE_UNITS_PER_SEC, unit) ? RATE_UNITS_PER_SEC[unit] : undefined;
  if (factor === undefined) {
    throw new InputError(`${what}: unknown rate unit "${unit}" in "${text}" (use rps or rpm)`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(`${what}: rate must be ≥ 0, got "${text}"`);
  }
  return value * factor;
}
