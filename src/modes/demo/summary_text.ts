/**
 * The summary printed when the demo ends (pure): requests and failures, goodput against the SLO,
 * latency, how far and when each variant scaled, GPU cost, and the scale events with reasons.
 *
 * @module
 */
import { formatSlo } from "../../core/load/slo.ts";
import {
  formatClock,
  formatMs,
  formatNumber,
  formatPercent,
  formatTextTable,
} from "../../core/report/format.ts";
import type { DemoReport } from "./report.ts";
import { eventLine, stamp } from "./view.ts";

/** Renders the end-of-run summary as lines of text. */
export function renderSummaryText(r: DemoReport, options: { maxEvents?: number } = {}): string[] {
  const s = r.summary;
  const c = r.config;
  const rows = c.variants.map((v) => {
    const x = s.variants[v.name];
    return [
      v.name,
      v.accelerator,
      formatNumber(v.cost),
      String(x?.peakReady ?? 0),
      x?.peakAtSec === null || x?.peakAtSec === undefined ? "–" : stamp(x.peakAtSec * 1000),
      String(x?.finalReady ?? 0),
      String(x?.scaleUps ?? 0),
      String(x?.scaleDowns ?? 0),
      (x?.cost ?? 0).toFixed(3),
    ];
  });
  const maxEvents = options.maxEvents ?? 12;
  const events = r.events.slice(0, maxEvents).map((e) => "  " + eventLine(e));
  const more = r.events.length > maxEvents
    ? [`  … ${r.events.length - maxEvents} more in the report`]
    : [];
  const retried = s.router.retried > 0
    ? ` (${s.router.retried} moved to another replica before any byte was sent)`
    : "";
  return [
    `wva demo ${s.interrupted ? "stopped early" : "finished"}: ${
      formatClock(s.durationSec * 1000)
    } of load, schedule ${r.schedule.name}, ${c.controller.analyzer} every ${
      formatMs(c.controller.intervalMs)
    }, metrics: ${r.metricsSource}`,
    "",
    `requests   ${s.requests} sent · ${s.succeeded} ok · ${s.failed} failed · ${s.failedByScaleDown} failed because a replica was removed${retried}`,
    `goodput    ${formatPercent(s.goodput.fraction01)} within SLO ${formatSlo(s.slo)} (${
      formatNumber(s.goodput.ratePerSec)
    } req/s of ${formatNumber(s.achievedRatePerSec)})`,
    `latency    TTFT p50 ${formatMs(s.ttftMs.p50)} p90 ${formatMs(s.ttftMs.p90)} p99 ${
      formatMs(s.ttftMs.p99)
    } · ITL p50 ${formatMs(s.itlMs.p50)} p99 ${formatMs(s.itlMs.p99)}`,
    "",
    ...formatTextTable(
      ["variant", "GPU", "cost/h", "peak ready", "reached", "at end", "ups", "downs", "cost"],
      rows,
      { rightAlign: [2, 3, 4, 5, 6, 7, 8] },
    ).split("\n"),
    `GPU cost ${s.cost.total.toFixed(3)} (holding the peak allocation all along: ${
      s.cost.peakHeld.toFixed(3)
    }, ${formatPercent(s.cost.savedFraction01)} less)`,
    "",
    `scale events (${s.scaleUps} up, ${s.scaleDowns} down)`,
    ...(events.length > 0 ? events : ["  none"]),
    ...more,
  ];
}
