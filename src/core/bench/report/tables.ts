/**
 * The tables of a bench run, as plain cells, rendered as a terminal table, as Markdown (the
 * README's section is regenerated from `wva bench … --markdown`) or in report.html:
 *
 * - the figures table: one row per arm (and sweep point) with the figures of figures.ts;
 * - the paper-like table: for each baseline arm, each wva arm's goodput, failures and GPU-hours
 *   as ratios wva / baseline in one cell (goodput: higher is better; failures and GPU-hours:
 *   lower is better), per sweep point.
 *
 * @module
 */
import { formatNumber, formatTextTable } from "../../report/format.ts";
import type { BenchSummary, SummaryArm } from "../summary.ts";

/** Header and rows of cells. */
export interface TableData {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : "–");
const fixed = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const sweepOf = (a: SummaryArm) => (a.sweep ? `${a.sweep.parameter}=${a.sweep.value}` : "");

/** One row per arm (per sweep point). */
export function figuresTable(summary: BenchSummary): TableData {
  const sweep = summary.arms.some((a) => a.sweep);
  const columns = [
    "arm",
    ...(sweep ? ["sweep"] : []),
    "requests",
    "failed",
    "429",
    "timeout",
    "shed",
    "error",
    "SLO TTFT",
    "SLO ITL",
    "SLO all",
    "goodput/s",
    "GPU-h",
    "cost",
    "max rep.",
    "scale ↑/↓",
  ];
  const rows = summary.arms.map((a) => [
    a.name,
    ...(sweep ? [sweepOf(a)] : []),
    String(a.requests),
    String(a.failed),
    String(a.failures.rateLimited),
    String(a.failures.timeouts),
    String(a.failures.shed),
    String(a.failures.errors),
    pct(a.sloAttainment.ttft01),
    pct(a.sloAttainment.itl01),
    pct(a.sloAttainment.all01),
    fixed(a.goodputPerSec),
    fixed(a.gpuHours),
    fixed(a.cost),
    String(a.maxReplicas),
    `${a.scaleEvents.up}/${a.scaleEvents.down}`,
  ]);
  return { columns, rows };
}

/** `wva / baseline` as `0.85×`; with a zero baseline `12 vs 0` (or `0 = 0`). */
export function formatRatio(wva: number, baseline: number): string {
  if (!Number.isFinite(wva) || !Number.isFinite(baseline)) return "–";
  if (baseline === 0) return wva === 0 ? "0 = 0" : `${formatNumber(wva)} vs 0`;
  return `${formatNumber(wva / baseline)}×`;
}

/** The entries of one sweep point, in summary order. */
function byPoint(summary: BenchSummary): SummaryArm[][] {
  const groups = new Map<string, SummaryArm[]>();
  for (const a of summary.arms) {
    const key = sweepOf(a);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()];
}

/** How a cell of the ratio table reads. */
export const RATIO_CELL = "goodput · failures · GPU-h";

/** One cell: wva's goodput, failure and GPU-hour ratios against a baseline. */
function ratioCell(w: SummaryArm | undefined, b: SummaryArm): string {
  if (!w) return "–";
  return [
    formatRatio(w.goodputPerSec, b.goodputPerSec),
    formatRatio(w.failed, b.failed),
    formatRatio(w.gpuHours, b.gpuHours),
  ].join(" · ");
}

/**
 * For each baseline (a row), each wva arm's (a column) goodput, failure and GPU-hour ratios
 * wva / baseline in one cell ({@linkcode RATIO_CELL}); undefined when the run has no wva arm
 * or no baseline.
 */
export function ratioTable(summary: BenchSummary): TableData | undefined {
  const points = byPoint(summary);
  const first = points[0] ?? [];
  const wvaNames = first.filter((a) => a.type === "wva").map((a) => a.name);
  if (wvaNames.length === 0 || wvaNames.length === first.length) return undefined;
  const sweep = summary.arms.some((a) => a.sweep);
  const columns = [...(sweep ? ["sweep"] : []), "baseline", ...wvaNames];
  const rows: string[][] = [];
  for (const arms of points) {
    const wvas = wvaNames.map((n) => arms.find((a) => a.name === n));
    for (const b of arms.filter((a) => a.type !== "wva")) {
      rows.push([...(sweep ? [sweepOf(b)] : []), b.name, ...wvas.map((w) => ratioCell(w, b))]);
    }
  }
  return { columns, rows };
}

/** A table as aligned plain text (numbers right-aligned). */
export function textTable(t: TableData): string {
  return formatTextTable(t.columns, t.rows);
}

/** A table as GitHub Markdown (`|` in cells escaped). */
export function markdownTable(t: TableData): string {
  const cell = (c: string) => c.replaceAll("|", "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [
    line(t.columns),
    line(t.columns.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...t.rows.map(line),
  ].join("\n");
}
