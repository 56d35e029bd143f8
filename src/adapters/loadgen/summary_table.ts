/**
 * Text output of a run: the live progress lines and the end-of-run summary table.
 *
 * @module
 */
import {
  formatClock,
  formatNumber,
  formatPercent,
  formatTextTable,
  MISSING,
} from "../../core/report/format.ts";
import type { Summary } from "../../core/util/stats.ts";
import { formatSlo, isEmptySlo } from "../../core/load/slo.ts";
import { LATE_THRESHOLD_MS, type RunSummary, type WindowSummary } from "../../core/load/summary.ts";
import type { LiveSnapshot } from "./runner.ts";

function bar(fraction01: number, width = 20): string {
  const f = Math.min(1, Math.max(0, fraction01));
  const full = Math.round(f * width);
  return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
}

/**
 * Progress lines for the live view: on a TTY a bar plus a counters line; otherwise one line
 * (so periodic log lines stay greppable).
 */
export function formatProgress(s: LiveSnapshot, options: { tty: boolean }): string[] {
  const finite = Number.isFinite(s.totalMs);
  const clock = `${formatClock(s.elapsedMs)} / ${formatClock(s.totalMs)}`;
  const stage = `stage ${Math.max(1, s.stage + 1)}/${s.stageCount}`;
  const phase = s.phase === "running" ? "" : ` (${s.phase})`;
  const counters = [
    `target ${formatNumber(s.targetRatePerSec)}/s`,
    `achieved ${formatNumber(s.achievedRatePerSec)}/s`,
    `in flight ${s.inFlight}`,
    `done ${s.succeeded + s.failed}`,
    `errors ${s.failed}`,
    ...(s.dropped > 0 ? [`dropped ${s.dropped}`] : []),
    `p50 TTFT ${Number.isFinite(s.p50TtftMs) ? `${formatNumber(s.p50TtftMs)} ms` : MISSING}`,
  ].join("  ");
  if (!options.tty) return [`loadgen ${clock} ${stage}${phase}  ${counters}`];
  const progress = finite
    ? `${bar(s.elapsedMs / s.totalMs)} ${formatPercent(s.elapsedMs / s.totalMs)}`
    : "";
  return [`loadgen  ${clock} ${progress}  ${stage}${phase}`, `  ${counters}`];
}

function triple(s: Summary): string {
  return s.count === 0 ? MISSING : [s.p50, s.p90, s.p99].map(formatNumber).join(" / ");
}

function row(label: string, w: WindowSummary, window: string): string[] {
  return [
    label,
    window,
    formatNumber(w.targetRatePerSec),
    formatNumber(w.achievedRatePerSec),
    String(w.sent),
    String(w.succeeded),
    String(w.failed),
    String(w.dropped),
    formatPercent(w.goodput.fraction01),
    triple(w.ttftMs),
    triple(w.itlMs),
    triple(w.e2eMs),
  ];
}

/** The end-of-run table: one row per stage plus the total, then errors, lag and the SLO. */
export function formatSummaryTable(summary: RunSummary): string {
  const header = [
    "stage",
    "window",
    "target/s",
    "sent/s",
    "sent",
    "ok",
    "failed",
    "dropped",
    "goodput",
    "TTFT ms p50/p90/p99",
    "ITL ms p50/p90/p99",
    "E2E ms p50/p90/p99",
  ];
  const rows = summary.stages.map((s) =>
    row(
      String(s.index + 1),
      s,
      `${formatClock(s.startSec * 1000)}-${formatClock((s.startSec + s.durationSec) * 1000)}`,
    )
  );
  if (summary.stages.length > 1) {
    rows.push(row("all", summary, formatClock(summary.durationSec * 1000)));
  }
  const errors = Object.entries(summary.errors).map(([k, v]) => `${k} ${v}`).join(", ");
  const lag = summary.scheduleLagMs;
  const lines = [
    formatTextTable(header, rows, { rightAlign: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }),
    "",
    `errors: ${errors || "none"}${summary.interrupted ? "   (run interrupted)" : ""}`,
    `goodput: ${summary.goodput.good} of ${summary.sent} requests (${
      formatPercent(summary.goodput.fraction01)
    }), ${formatNumber(summary.goodput.ratePerSec)}/s; SLO ${
      isEmptySlo(summary.slo) ? "none (every success counts)" : formatSlo(summary.slo)
    }`,
    `schedule lag ms p50/p99/max: ${
      lag.count ? [lag.p50, lag.p99, lag.max].map(formatNumber).join(" / ") : MISSING
    }; late sends (> ${LATE_THRESHOLD_MS} ms): ${summary.late}`,
    `output tokens/s: ${formatNumber(summary.outputTokensPerSec)}; TPOT ms p50/p90/p99: ${
      triple(summary.tpotMs)
    }`,
  ];
  return lines.join("\n");
}
