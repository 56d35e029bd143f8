/**
 * `MicroTime` formatting for Kubernetes fields such as a Lease's `acquireTime` and `renewTime`.
 * The apiserver rejects them unless they carry exactly six fractional digits, while
 * `Date#toISOString()` gives three; leader election then silently never succeeds.
 *
 * @module
 */

/** Formats epoch milliseconds as a MicroTime string, e.g. `2026-11-21T10:00:00.123000Z`. */
export function toMicroTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a time: ${epochMs}`);
  return new Date(Math.floor(epochMs)).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Parses a MicroTime (or any RFC 3339 time) into epoch milliseconds; NaN when unparseable. */
export function fromMicroTime(value: string): number {
  return Date.parse(value);
}
