/**
 * Number formatting shared by text tables, progress lines and chart axes: fixed significant
 * detail, thousands kept short, and a dash for missing values (NaN, null, ±Infinity).
 *
 * @module
 */

/** What a missing value prints as. */
export const MISSING = "–";

/**
 * Formats a number with about 3 significant digits (`0.0123`, `1.23`, `12.3`, `123`, `1235`;
 * trailing zeros dropped, so `20`, not `20.0`),
 * or {@linkcode MISSING} for NaN / null / undefined / infinite values.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./format.ts";
 * if (formatNumber(12.345) !== "12.3" || formatNumber(NaN) !== "–") throw new Error("bad");
 * ```
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 100) return String(Math.round(value));
  const text = abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
  return text.includes("e") ? text : text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** Formats milliseconds as `850 ms`, `12.3 s` (from 10 s) or a dash. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
  return Math.abs(ms) >= 10_000 ? `${formatNumber(ms / 1000)} s` : `${formatNumber(ms)} ms`;
}

/** Formats a duration in ms as `m:ss` (or `h:mm:ss`); Infinity prints as `∞`. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return "∞";
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Formats a 0..1 fraction as a percentage with one decimal, or a dash. */
export function formatPercent(fraction01: number | null | undefined): string {
  if (fraction01 === null || fraction01 === undefined || !Number.isFinite(fraction01)) {
    return MISSING;
  }
  return `${(fraction01 * 100).toFixed(1)}%`;
}

/**
 * Lays out rows as a plain-text table with columns padded to their widest cell; numbers
 * (cells in `rightAlign` columns) are right-aligned.
 */
export function formatTextTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { rightAlign?: readonly number[] } = {},
): string {
  const right = new Set(options.rightAlign ?? header.map((_, i) => i).slice(1));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
