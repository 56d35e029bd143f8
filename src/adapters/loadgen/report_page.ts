/**
 * The load generator's `report.html`: headline figures, the per-stage table and four charts
 * (target vs achieved rate, TTFT and ITL percentiles over time, errors and requests in flight
 * over time), built from the summary and the timeline with the shared `src/core/report` renderers.
 *
 * @module
 */
import { formatMs, formatNumber, formatPercent } from "../../core/report/format.ts";
import {
  renderHtmlReport,
  type ReportSection,
  type TableSpec,
} from "../../core/report/html_report.ts";
import {
  type ChartPoint,
  type ChartThreshold,
  renderLineChart,
} from "../../core/report/svg_chart.ts";
import { describeLength } from "../../core/load/lengths.ts";
import { formatSlo } from "../../core/load/slo.ts";
import type { RunSummary } from "../../core/load/summary.ts";
import type { TimelineBin } from "../../core/load/timeline.ts";
import type { RunOptions } from "./runner.ts";

/** Inputs of {@linkcode renderLoadgenReport}. */
export interface LoadgenReportInput {
  /** Whole-run and per-stage figures (headline, stage table, SLO lines). */
  readonly summary: RunSummary;
  /** Per-bin figures for the charts (x axis in seconds since the start). */
  readonly timeline: readonly TimelineBin[];
  /** The settings, listed at the end of the page. */
  readonly options: RunOptions;
  /** The command line, shown under the title. */
  readonly command?: string;
  /** Footer text (e.g. when the run started); the caller supplies it to keep this pure. */
  readonly footer?: string;
}

const mid = (b: TimelineBin): number => (b.startSec + b.endSec) / 2;

function line(bins: readonly TimelineBin[], pick: (b: TimelineBin) => number): ChartPoint[] {
  return bins.map((b) => ({ x: mid(b), y: pick(b) }));
}

function stageTable(summary: RunSummary): TableSpec {
  const rows = summary.stages.map((s) => [
    String(s.index + 1),
    `${formatNumber(s.startSec)}-${formatNumber(s.startSec + s.durationSec)} s`,
    s.fromRatePerSec === s.toRatePerSec
      ? formatNumber(s.fromRatePerSec)
      : `${formatNumber(s.fromRatePerSec)}→${formatNumber(s.toRatePerSec)}`,
    formatNumber(s.achievedRatePerSec),
    s.sent,
    s.succeeded,
    s.failed,
    s.dropped,
    formatPercent(s.goodput.fraction01),
    formatNumber(s.ttftMs.p50),
    formatNumber(s.ttftMs.p99),
    formatNumber(s.itlMs.p50),
    formatNumber(s.itlMs.p99),
    formatNumber(s.e2eMs.p99),
  ]);
  return {
    caption: "Per stage (rates in requests/s, latencies in ms)",
    columns: [
      "stage",
      "window",
      "target",
      "achieved",
      "sent",
      "ok",
      "failed",
      "dropped",
      "goodput",
      "TTFT p50",
      "TTFT p99",
      "ITL p50",
      "ITL p99",
      "E2E p99",
    ],
    rows,
  };
}

function settingsTable(o: RunOptions): TableSpec {
  return {
    columns: ["setting", "value"],
    rows: [
      ["url", o.url],
      ["model", o.model],
      ["api", o.api],
      ["arrivals", o.arrival === "gamma" ? `gamma (cv ${o.cv})` : o.arrival],
      ["seed", String(o.seed)],
      ["prompt tokens", describeLength(o.promptTokens)],
      ["output tokens", describeLength(o.outputTokens)],
      ["streaming", String(o.stream)],
      ["timeout", formatMs(o.timeoutMs)],
      ["max concurrency", o.maxConcurrency === undefined ? "none" : String(o.maxConcurrency)],
      ["SLO", formatSlo(o.slo)],
    ],
  };
}

/** Renders the whole report page. Pure. */
export function renderLoadgenReport(input: LoadgenReportInput): string {
  const { summary: s, timeline: bins } = input;
  const sections: ReportSection[] = [
    summarySection(s),
    { title: "Over time", charts: loadgenCharts(s, bins) },
    {
      title: "Errors",
      paragraphs: [
        Object.keys(s.errors).length
          ? Object.entries(s.errors).map(([k, v]) => `${k}: ${v}`).join(", ")
          : "No errors.",
      ],
    },
    { title: "Settings", tables: [settingsTable(input.options)] },
  ];
  return renderHtmlReport({
    title: "wva loadgen report",
    ...(input.command ? { subtitle: input.command } : {}),
    sections,
    ...(input.footer ? { footer: input.footer } : {}),
  });
}

/** Headline figures (counts, rates in requests/s, latencies in ms) and the per-stage table. */
function summarySection(s: RunSummary): ReportSection {
  return {
    title: "Summary",
    figures: [
      { label: "sent", value: String(s.sent), note: `of ${s.total} planned` },
      {
        label: "achieved rate",
        value: `${formatNumber(s.achievedRatePerSec)}/s`,
        note: `target ${formatNumber(s.targetRatePerSec)}/s`,
      },
      {
        label: "succeeded",
        value: String(s.succeeded),
        note: `${s.failed} failed, ${s.dropped} dropped`,
      },
      {
        label: "goodput",
        value: formatPercent(s.goodput.fraction01),
        note: `${formatNumber(s.goodput.ratePerSec)}/s, SLO ${formatSlo(s.slo)}`,
      },
      { label: "TTFT p50 / p99", value: `${formatMs(s.ttftMs.p50)} / ${formatMs(s.ttftMs.p99)}` },
      { label: "ITL p50 / p99", value: `${formatMs(s.itlMs.p50)} / ${formatMs(s.itlMs.p99)}` },
      { label: "E2E p99", value: formatMs(s.e2eMs.p99) },
    ],
    paragraphs: s.interrupted ? ["The run was interrupted before the schedule ended."] : [],
    tables: [stageTable(s)],
  };
}

type Percentiles = { p50: number; p90: number; p99: number };

/** The four charts over time (seconds since start), stage changes marked on each. */
function loadgenCharts(s: RunSummary, bins: readonly TimelineBin[]): string[] {
  const axes = {
    xLabel: "time since start (s)",
    xMin: 0,
    xMax: bins.at(-1)?.endSec ?? 1,
    markers: s.stages.slice(1).map((st) => ({ x: st.startSec, label: `stage ${st.index + 1}` })),
  };
  const slo = (ms: number | undefined, name: string): ChartThreshold[] =>
    ms === undefined ? [] : [{ y: ms, label: `SLO ${name} ${formatNumber(ms)} ms` }];
  const pct = (pick: (b: TimelineBin) => Percentiles) => [
    { name: "p50", points: line(bins, (b) => pick(b).p50) },
    { name: "p90", points: line(bins, (b) => pick(b).p90) },
    { name: "p99", points: line(bins, (b) => pick(b).p99), dashed: true },
  ];
  return [
    renderLineChart({
      ...axes,
      title: "Request rate: target vs achieved",
      yLabel: "requests/s",
      series: [
        {
          name: "target",
          points: line(bins, (b) => b.targetRatePerSec),
          color: "#888",
          dashed: true,
        },
        { name: "sent", points: line(bins, (b) => b.sentPerSec) },
        { name: "completed", points: line(bins, (b) => b.completedPerSec) },
      ],
    }),
    renderLineChart({
      ...axes,
      title: "Time to first token (by send time)",
      yLabel: "ms",
      thresholds: slo(s.slo.ttftMs, "ttft"),
      series: pct((b) => b.ttftMs),
    }),
    renderLineChart({
      ...axes,
      title: "Inter-token latency (by send time)",
      yLabel: "ms",
      thresholds: slo(s.slo.itlMs ?? s.slo.tpotMs, s.slo.itlMs !== undefined ? "itl" : "tpot"),
      series: pct((b) => b.itlMs),
    }),
    renderLineChart({
      ...axes,
      title: "Errors (by send time) and requests in flight",
      yLabel: "requests",
      series: [
        {
          name: "errors per bin",
          points: line(bins, (b) => b.errors),
          style: "area",
          color: "#D55E00",
        },
        { name: "in flight", points: line(bins, (b) => b.inFlight), color: "#0072B2" },
      ],
    }),
  ];
}
