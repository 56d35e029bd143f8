/**
 * `report.html` (pure): the run on one self-contained page — key figures, SVG charts of load,
 * replicas per variant, TTFT and ITL percentiles, saturation signals and cost over time (scale
 * events marked on every chart), the event list with reasons, and the settings.
 *
 * @module
 */
import { describeLength } from "../../core/load/lengths.ts";
import { formatSlo } from "../../core/load/slo.ts";
import {
  type ChartMarker,
  type ChartPoint,
  type ChartSeries,
  formatMs,
  formatNumber,
  formatPercent,
  PALETTE,
  renderHtmlReport,
  renderLineChart,
  type TableSpec,
} from "../../core/report/mod.ts";
import type { DemoReport } from "./report.ts";
import { hopsSections } from "./report_hops.ts";

const sec = (tMs: number) => tMs / 1000;

/** One marker per cycle that changed something (events of one cycle share a label). */
function markers(r: DemoReport): ChartMarker[] {
  const byTime = new Map<number, string[]>();
  for (const e of r.events) {
    const label = `${e.variant}${e.to > e.from ? "▲" : "▼"}${e.to}`;
    byTime.set(e.tMs, [...(byTime.get(e.tMs) ?? []), label]);
  }
  return [...byTime].map(([tMs, labels]) => ({ x: sec(tMs), label: labels.join(" ") }));
}

function timelineSeries(
  r: DemoReport,
  pick: (v: DemoReport["timeline"][number]["variants"][string]) => number | null,
  options: { style?: ChartSeries["style"]; suffix?: string; dashed?: boolean } = {},
): ChartSeries[] {
  return r.config.variants.map((v, i) => ({
    name: `${v.name}${options.suffix ?? ""}`,
    color: PALETTE[i % PALETTE.length]!,
    style: options.style ?? "step",
    ...(options.dashed ? { dashed: true } : {}),
    points: r.timeline.map((p) => {
      const x = p.variants[v.name];
      const y = x ? pick(x) : null;
      return { x: sec(p.tMs), y: y ?? NaN };
    }),
  }));
}

function charts(r: DemoReport): string[] {
  const mk = markers(r);
  const bins = r.loadgen.timeline;
  const mid = (b: (typeof bins)[number]) => (b.startSec + b.endSec) / 2;
  const line = (pick: (b: (typeof bins)[number]) => number): ChartPoint[] =>
    bins.map((b) => ({ x: mid(b), y: pick(b) }));
  const xLabel = "time since the load started (s)";
  const base = { xLabel, markers: mk, xMin: 0 };
  const slo = r.summary.slo;
  const total: ChartPoint[] = r.timeline.map((p) => ({
    x: sec(p.tMs),
    y: Object.values(p.variants).reduce((a, v) => a + v.costPerHour, 0),
  }));
  return [
    renderLineChart({
      ...base,
      title: "Load (requests/s)",
      series: [
        {
          name: "target",
          points: r.timeline.map((p) => ({ x: sec(p.tMs), y: p.targetRatePerSec })),
          dashed: true,
        },
        { name: "sent", points: line((b) => b.sentPerSec) },
        { name: "completed", points: line((b) => b.completedPerSec) },
      ],
    }),
    renderLineChart({
      ...base,
      title: "Replicas per variant (solid: ready, dashed: desired)",
      series: [
        ...timelineSeries(r, (v) => v.ready),
        ...timelineSeries(r, (v) => v.desired, { suffix: " desired", dashed: true }),
      ],
    }),
    renderLineChart({
      ...base,
      title: "Time to first token (ms, client view)",
      series: [
        { name: "p50", points: line((b) => b.ttftMs.p50) },
        { name: "p90", points: line((b) => b.ttftMs.p90) },
        { name: "p99", points: line((b) => b.ttftMs.p99) },
      ],
      thresholds: slo.ttftMs ? [{ y: slo.ttftMs, label: "SLO" }] : [],
    }),
    renderLineChart({
      ...base,
      title: "Inter-token latency (ms, client view)",
      series: [
        { name: "p50", points: line((b) => b.itlMs.p50) },
        { name: "p90", points: line((b) => b.itlMs.p90) },
        { name: "p99", points: line((b) => b.itlMs.p99) },
      ],
      thresholds: slo.itlMs ? [{ y: slo.itlMs, label: "SLO" }] : [],
    }),
    renderLineChart({
      ...base,
      title: "Waiting requests per variant (scraped vllm:num_requests_waiting)",
      series: timelineSeries(r, (v) => v.queue, { style: "line" }),
    }),
    renderLineChart({
      ...base,
      title: "KV-cache usage per variant (%)",
      series: timelineSeries(r, (v) => (v.kvUsage01 === null ? null : v.kvUsage01 * 100), {
        style: "line",
      }),
      yMax: 100,
    }),
    renderLineChart({
      ...base,
      title: "GPU cost per hour (replicas holding GPUs × cost)",
      series: [
        ...timelineSeries(r, (v) => v.costPerHour, { style: "step" }),
        { name: "total", points: total, style: "step", dashed: true, color: "#444" },
      ],
    }),
  ];
}

function eventsTable(r: DemoReport): TableSpec {
  return {
    caption: "Every change of a variant's desired replicas, with the controller's reason",
    columns: ["t (s)", "variant", "from", "to", "reason", "why"],
    rows: r.events.map((
      e,
    ) => [formatNumber(sec(e.tMs)), e.variant, e.from, e.to, e.reason, e.message]),
  };
}

function variantsTable(r: DemoReport): TableSpec {
  return {
    columns: [
      "variant",
      "accelerator",
      "cost/h",
      "min",
      "max",
      "peak ready",
      "at (s)",
      "ups",
      "downs",
      "replica-h",
      "cost",
    ],
    rows: r.config.variants.map((v) => {
      const s = r.summary.variants[v.name];
      return [
        v.name,
        v.accelerator,
        v.cost,
        v.minReplicas,
        v.maxReplicas,
        s?.peakReady ?? 0,
        s?.peakAtSec === null || s?.peakAtSec === undefined ? null : formatNumber(s.peakAtSec),
        s?.scaleUps ?? 0,
        s?.scaleDowns ?? 0,
        formatNumber(s?.replicaHours ?? 0),
        (s?.cost ?? 0).toFixed(3),
      ];
    }),
  };
}

function settingsTable(r: DemoReport): TableSpec {
  const c = r.config;
  return {
    columns: ["setting", "value"],
    rows: [
      ["model", c.model],
      ["analyzer", c.controller.analyzer],
      ["interval", formatMs(c.controller.intervalMs)],
      ["metrics", r.metricsSource],
      [
        "actuation",
        r.settings.actuation === "keda"
          ? "KEDA → HPA → Deployment (wva demo --cluster)"
          : "the demo resizes its local pool",
      ],
      ["GPU limiter", String(c.controller.limiter)],
      ["model-loading delay", formatMs(c.loadingDelayMs)],
      ["inventory", c.inventory.map((n) => `${n.node}: ${n.gpus}× ${n.accelerator}`).join(", ")],
      ["schedule", `${r.schedule.name}: ${r.schedule.spec}`],
      [
        "prompt / output tokens",
        `${describeLength(c.load.promptTokens)} / ${describeLength(c.load.outputTokens)}`,
      ],
      ["SLO", formatSlo(c.load.slo)],
      ["seed", String(c.load.seed)],
    ],
  };
}

/** Renders the page. */
export function renderDemoReport(r: DemoReport, options: { command?: string } = {}): string {
  const s = r.summary;
  const peaks = r.config.variants.map((v) => `${v.name} ${s.variants[v.name]?.peakReady ?? 0}`)
    .join(", ");
  return renderHtmlReport({
    title: `wva demo — ${r.config.model}`,
    ...(options.command ? { subtitle: options.command } : {}),
    sections: [
      {
        title: "Summary",
        figures: [
          {
            label: "requests",
            value: String(s.requests),
            note: `${formatNumber(s.achievedRatePerSec)} req/s`,
          },
          {
            label: "within SLO (goodput)",
            value: formatPercent(s.goodput.fraction01),
            note: formatSlo(s.slo),
          },
          { label: "failed", value: String(s.failed), note: `${s.cancelled} cancelled` },
          {
            label: "failed by scale-down",
            value: String(s.failedByScaleDown),
            note: `${s.router.retried} retried elsewhere`,
          },
          { label: "peak ready replicas", value: peaks },
          { label: "scale events", value: `${s.scaleUps} up, ${s.scaleDowns} down` },
          {
            label: "GPU cost",
            value: s.cost.total.toFixed(3),
            note: `${formatPercent(s.cost.savedFraction01)} below holding the peak (${
              s.cost.peakHeld.toFixed(3)
            })`,
          },
        ],
        tables: [variantsTable(r)],
      },
      { title: "Over time", charts: charts(r) },
      { title: "Scale events", tables: [eventsTable(r)] },
      ...hopsSections(r),
      { title: "Settings", tables: [settingsTable(r)] },
    ],
    footer: `started ${r.startedAt} · metrics: ${r.metricsSource}`,
  });
}
