/**
 * The `--cluster` part of `report.html` (pure): how each decision travelled — wva's desired
 * count → the HPA KEDA made → the Deployment → ready pods — as a chart per variant over time, a
 * summary per hop and one row per decision; and the start-up phases.
 *
 * @module
 */
import {
  formatMs,
  formatNumber,
  PALETTE,
  renderLineChart,
  type ReportSection,
  type TableSpec,
} from "../../core/report/mod.ts";
import type { HopStat, HopStats } from "./cluster/hops.ts";
import type { TimelineVariant } from "./recorder.ts";
import type { DemoReport } from "./report.ts";

const sec = (tMs: number) => tMs / 1000;
const ms = (x: number | null) => (x === null ? "–" : formatMs(x));
const stat = (s: HopStat) => [s.count, ms(s.p50Ms), ms(s.maxMs)];

function chainCharts(r: DemoReport): string[] {
  const series = (variant: string, pick: (v: TimelineVariant) => number | null | undefined) =>
    r.timeline.map((p) => {
      const v = p.variants[variant];
      const y = v ? pick(v) : null;
      return { x: sec(p.tMs), y: y ?? NaN };
    });
  return r.config.variants.map((v, i) =>
    renderLineChart({
      title: `${v.name}: wva desired → HPA desired → Deployment → ready`,
      xLabel: "time since the load started (s)",
      xMin: 0,
      series: [
        {
          name: "wva desired",
          points: series(v.name, (x) => x.desired),
          style: "step",
          color: PALETTE[i % PALETTE.length]!,
        },
        {
          name: "HPA desired",
          points: series(v.name, (x) => x.hpaDesired),
          style: "step",
          dashed: true,
        },
        {
          name: "Deployment",
          points: series(v.name, (x) => x.replicas),
          style: "step",
          dashed: true,
        },
        { name: "ready", points: series(v.name, (x) => x.ready), style: "step" },
      ],
    })
  );
}

function summaryTable(r: DemoReport): TableSpec {
  const s = r.hops!.summary;
  const rows = (dir: string, x: HopStats) => [
    [`${dir}: → HPA desired`, ...stat(x.hpa)],
    [`${dir}: → Deployment replicas`, ...stat(x.deployment)],
    [`${dir}: → pods ready`, ...stat(x.ready)],
  ];
  return {
    caption:
      `Time from wva's decision to each hop, over the ${s.completed} of ${s.decisions} decisions ` +
      "that reached ready (0 ↔ 1 has no HPA hop: KEDA's operator scales it; scale-ups include the " +
      "model loading, scale-downs the HPA's scale-down window or KEDA's cooldown)",
    columns: ["hop", "decisions", "p50", "max"],
    rows: [...rows("up", s.up), ...rows("down", s.down)],
  };
}

function decisionsTable(r: DemoReport): TableSpec {
  return {
    caption: "Each change of wva's desired count, followed down the chain (ms after the decision)",
    columns: ["t (s)", "variant", "from", "to", "→ HPA", "→ Deployment", "→ ready", "note"],
    rows: r.hops!.decisions.map((d) => [
      formatNumber(sec(d.tMs)),
      d.variant,
      d.from,
      d.to,
      ms(d.hpaMs),
      ms(d.deploymentMs),
      ms(d.readyMs),
      d.superseded ? "overtaken by the next decision" : "",
    ]),
  };
}

function startupTable(r: DemoReport): TableSpec {
  const s = r.startup!;
  return {
    caption: "Start-up, from the command to the load start",
    columns: ["phase", "time"],
    rows: [
      ["Kubernetes and KEDA builds (cached)", formatMs(s.buildMs)],
      ["control plane, KEDA, fake GPUs, controller manifests", formatMs(s.clusterMs)],
      ["Prometheus, pod runner, gateway, controller", formatMs(s.servicesMs)],
      ["workloads applied → first replicas ready", formatMs(s.workloadsMs)],
      ["total", formatMs(s.totalMs)],
    ],
  };
}

/** The section, or none for a run without the cluster. */
export function hopsSections(r: DemoReport): ReportSection[] {
  if (!r.hops) return [];
  const c = r.settings.cluster;
  return [{
    title: "Actuation through KEDA",
    paragraphs: [
      "wva publishes wva_desired_replicas; Prometheus scrapes it; KEDA's ScaledObject queries it " +
      "and serves it to the HPA it made (AverageValue 1); the HPA controller sets the " +
      "Deployment's replicas; the pod runner starts each pod's emulator and marks it ready once " +
      "the model is loaded." +
      (c
        ? ` HPA sync ${c.hpaSyncPeriod}, KEDA polling ${c.kedaPollingSec} s, cooldown ` +
          `${c.kedaCooldownSec} s, HPA scale-down window ${c.hpaScaleDownWindowSec} s, ` +
          `scrape ${c.prometheusScrapeSec} s.`
        : ""),
    ],
    charts: chainCharts(r),
    tables: [summaryTable(r), decisionsTable(r), ...(r.startup ? [startupTable(r)] : [])],
  }];
}
