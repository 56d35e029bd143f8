/**
 * `report.html` of a bench run (pure): the figures and paper-like tables, then per sweep point
 * the arms overlaid over time (replicas, Ready replicas, TTFT and ITL percentiles, failures, the
 * gateway queue, cost so far), each arm's scale events, and for a sweep each figure against the
 * swept parameter (where an arm's curve bends is its knee). wva arms are solid lines, baselines
 * dashed.
 *
 * @module
 */
import {
  type ChartSeries,
  formatNumber,
  PALETTE,
  renderHtmlReport,
  renderLineChart,
  type ReportSection,
  type TableSpec,
} from "../../report/mod.ts";
import type { ArmRun } from "../run.ts";
import type { ScaleEvent } from "../sim/types.ts";
import type { BenchSummary, SummaryArm } from "../summary.ts";
import { type ArmSeries, armSeries, binSeconds } from "./series.ts";
import { figuresTable, RATIO_CELL, ratioTable, type TableData } from "./tables.ts";

/** What the report keeps of one arm's run (the run itself can be dropped). */
export interface ReportRun {
  readonly series: ArmSeries;
  readonly scaleEvents: readonly ScaleEvent[];
  /** The first model's SLO bounds (ms), drawn as thresholds. */
  readonly slo: { readonly ttftMs?: number | undefined; readonly itlMs?: number | undefined };
}

/** Keeps what the report needs of a run. */
export function reportRun(run: ArmRun): ReportRun {
  const slo = run.models[0]?.slo ?? {};
  return {
    series: armSeries(run, binSeconds(run.plan.loadEndMs / 1000)),
    scaleEvents: run.scaleEvents,
    slo: { ttftMs: slo.ttftMs, itlMs: slo.itlMs ?? slo.tpotMs },
  };
}

/** The report's input: the summary and, in the same order as `summary.arms`, the kept runs. */
export interface BenchReportInput {
  readonly summary: BenchSummary;
  readonly runs: readonly ReportRun[];
  /** The command line, shown under the title. */
  readonly command?: string;
}

/** Most scale events listed per arm. */
export const MAX_EVENTS_LISTED = 60;

const tableSpec = (t: TableData, caption: string): TableSpec => ({ ...t, caption });

function style(i: number, type: string): Pick<ChartSeries, "color" | "dashed"> {
  return { color: PALETTE[i % PALETTE.length]!, ...(type === "wva" ? {} : { dashed: true }) };
}

function overlay(
  runs: readonly ReportRun[],
  title: string,
  yLabel: string,
  pick: (s: ArmSeries) => { xs: readonly number[]; ys: readonly number[] },
  extra: { step?: boolean; threshold?: number | undefined } = {},
): string {
  const series = runs.map((r, i): ChartSeries => {
    const { xs, ys } = pick(r.series);
    return {
      name: r.series.name,
      ...style(i, r.series.type),
      ...(extra.step ? { style: "step" as const } : {}),
      points: xs.map((x, k) => ({ x, y: ys[k]! })),
    };
  });
  return renderLineChart({
    title,
    yLabel,
    xLabel: "virtual time (s)",
    xMin: 0,
    series,
    ...(extra.threshold !== undefined
      ? { thresholds: [{ y: extra.threshold, label: "SLO" }] }
      : {}),
  });
}

function timeCharts(runs: readonly ReportRun[]): string[] {
  const slo = runs[0]?.slo ?? {};
  const tl = (col: "spec" | "ready" | "queued" | "costSoFar") => (s: ArmSeries) => ({
    xs: s.tSec,
    ys: s[col],
  });
  const bins =
    (col: "ttftP50Ms" | "ttftP99Ms" | "itlP90Ms" | "failedPerSec") => (s: ArmSeries) => ({
      xs: s.latency.tSec,
      ys: s.latency[col],
    });
  return [
    overlay(runs, "Replicas (Deployment spec, all variants)", "replicas", tl("spec"), {
      step: true,
    }),
    overlay(runs, "Ready replicas", "replicas", tl("ready"), { step: true }),
    overlay(runs, "TTFT p50 by arrival time", "ms", bins("ttftP50Ms"), { threshold: slo.ttftMs }),
    overlay(runs, "TTFT p99 by arrival time", "ms", bins("ttftP99Ms"), { threshold: slo.ttftMs }),
    overlay(runs, "ITL p90 (mean gap per request)", "ms", bins("itlP90Ms"), {
      threshold: slo.itlMs,
    }),
    overlay(runs, "Failed requests per second (by arrival)", "req/s", bins("failedPerSec")),
    overlay(runs, "Gateway queue (flow control)", "requests", tl("queued")),
    overlay(runs, "Cost so far", "cost", tl("costSoFar")),
  ];
}

function eventsTable(r: ReportRun): TableSpec {
  const shown = r.scaleEvents.slice(0, MAX_EVENTS_LISTED);
  const more = r.scaleEvents.length - shown.length;
  return {
    caption: `${r.series.name}: ${r.scaleEvents.length} scale events${
      more > 0 ? ` (first ${shown.length} listed)` : ""
    }`,
    columns: ["t (s)", "variant", "from", "to", "by"],
    rows: shown.map((e) => [formatNumber(e.atMs / 1000), e.variant, e.from, e.to, e.by]),
  };
}

function sweepCharts(summary: BenchSummary): string[] {
  const names = [...new Set(summary.arms.map((a) => a.name))];
  const param = summary.arms[0]?.sweep?.parameter ?? "";
  const chart = (title: string, yLabel: string, y: (a: SummaryArm) => number) =>
    renderLineChart({
      title,
      yLabel,
      xLabel: param,
      series: names.map((n, i) => {
        const arms = summary.arms.filter((a) => a.name === n);
        return {
          name: n,
          ...style(i, arms[0]!.type),
          points: arms.map((a) => ({ x: a.sweep!.value, y: y(a) })),
        };
      }),
    });
  return [
    chart("Goodput", "req/s within every SLO", (a) => a.goodputPerSec),
    chart("Failed requests", "share of requests", (a) => (a.requests ? a.failed / a.requests : 0)),
    chart("SLO attainment (all bounds)", "share of requests", (a) => a.sloAttainment.all01),
    chart("GPU-hours", "GPU-hours", (a) => a.gpuHours),
  ];
}

function pointSections(input: BenchReportInput): ReportSection[] {
  const groups = new Map<string, ReportRun[]>();
  input.summary.arms.forEach((a, i) => {
    const key = a.sweep ? `${a.sweep.parameter} = ${a.sweep.value}` : "";
    groups.set(key, [...(groups.get(key) ?? []), input.runs[i]!]);
  });
  return [...groups].flatMap(([key, runs]) => [
    { title: `Over time${key ? ` (${key})` : ""}`, charts: timeCharts(runs) },
    { title: `Scale events${key ? ` (${key})` : ""}`, tables: runs.map(eventsTable) },
  ]);
}

/** Renders the page. */
export function renderBenchReport(input: BenchReportInput): string {
  const s = input.summary;
  const ratios = ratioTable(s);
  const sweep = s.arms.some((a) => a.sweep);
  return renderHtmlReport({
    title: `wva bench — ${s.scenario}`,
    ...(input.command ? { subtitle: input.command } : {}),
    sections: [
      {
        title: "Run",
        figures: [
          { label: "seed", value: String(s.seed) },
          { label: "arm runs", value: String(s.arms.length) },
          { label: "virtual time", value: `${formatNumber(s.virtualSeconds)} s` },
          { label: "wall time", value: `${formatNumber(s.wallSeconds)} s` },
          { label: "speed", value: `${formatNumber(s.speedup)}× real time` },
        ],
        paragraphs: [
          "Every arm replays the same requests through the same emulated cluster; figures are " +
          "defined once for every arm (docs/bench.md). Ratios are wva / baseline: goodput higher " +
          "is better, failures and GPU-hours lower is better.",
        ],
        tables: [
          tableSpec(figuresTable(s), "Figures per arm"),
          ...(ratios ? [tableSpec(ratios, `wva / baseline, each cell: ${RATIO_CELL}`)] : []),
        ],
      },
      ...(sweep ? [{ title: "Sweep", charts: sweepCharts(s) }] : []),
      ...pointSections(input),
    ],
  });
}
