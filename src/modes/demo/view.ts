/**
 * The demo's live view, rendered from plain data (pure): on a terminal a block that is redrawn in
 * place (header with progress, load, one row per variant, cost, the latest decisions); in a pipe
 * or CI log one compact status line per period, plus one line per scale event as it happens.
 *
 * @module
 */
import {
  formatClock,
  formatMs,
  formatNumber,
  formatPercent,
  MISSING,
} from "../../core/report/format.ts";
import type { CycleNote, ScaleEvent } from "./recorder.ts";

/** One variant's row. */
export interface ViewVariant {
  readonly name: string;
  readonly accelerator: string;
  readonly costPerReplica: number;
  readonly ready: number;
  readonly desired: number;
  readonly loading: number;
  readonly draining: number;
  readonly unschedulable: number;
  readonly gpusHeld: number;
  /** GPUs of the accelerator in the inventory (undefined: unlimited). */
  readonly gpusTotal: number | undefined;
  readonly queue: number | null;
  readonly kvUsage01: number | null;
  readonly p50TtftMs: number;
  readonly p50ItlMs: number;
  /** `--cluster`: the actuation chain now (HPA's desired count, the Deployment's replicas). */
  readonly chain?: { readonly hpa: number | null; readonly deployment: number | null };
}

/** Everything the view shows. */
export interface ViewState {
  readonly model: string;
  readonly analyzer: string;
  readonly intervalMs: number;
  readonly schedule: string;
  readonly phase: string;
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly targetRatePerSec: number;
  readonly achievedRatePerSec: number;
  readonly inFlight: number;
  readonly done: number;
  readonly good: number;
  readonly failed: number;
  readonly failedByScaleDown: number;
  readonly p50TtftMs: number;
  readonly p50ItlMs: number;
  readonly variants: readonly ViewVariant[];
  readonly costPerHour: number;
  readonly costSoFar: number;
  readonly events: readonly ScaleEvent[];
  readonly note: CycleNote | undefined;
}

function bar(fraction01: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction01)) * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

/** Replica glyphs: ● ready, ◐ loading, ○ draining, · waiting for a GPU. */
export function replicaGlyphs(v: ViewVariant): string {
  return "●".repeat(v.ready) + "◐".repeat(v.loading) + "○".repeat(v.draining) +
    "·".repeat(v.unschedulable);
}

/** `+12.3s` from ms since the load started. */
export function stamp(tMs: number): string {
  return `${tMs < 0 ? "-" : "+"}${(Math.abs(tMs) / 1000).toFixed(1)}s`;
}

/** One line for a scale event. */
export function eventLine(e: ScaleEvent): string {
  const arrow = e.to > e.from ? "▲" : "▼";
  return `${
    stamp(e.tMs).padStart(7)
  }  ${arrow} ${e.variant} ${e.from} → ${e.to}  ${e.reason}: ${e.message}`;
}

/** Columns 0 (name) and 4 (replica glyphs) are left-aligned, the rest right-aligned. */
function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
    .join("  ");
}

/** The terminal block. */
export function renderViewLines(s: ViewState): string[] {
  const progress = Number.isFinite(s.totalMs) && s.totalMs > 0 ? s.elapsedMs / s.totalMs : 0;
  const goodput = s.done > 0 ? formatPercent(s.good / s.done) : MISSING;
  const header = [
    "variant",
    "GPU",
    "cost/h",
    "ready/want",
    "replicas",
    "GPUs",
    "queue",
    "KV",
    "TTFT p50",
    "ITL p50",
  ];
  const widths = [8, 6, 5, 10, 10, 5, 6, 5, 9, 8];
  const rows = s.variants.map((v) =>
    pad([
      v.name,
      v.accelerator,
      formatNumber(v.costPerReplica),
      `${v.ready}/${v.desired}`,
      replicaGlyphs(v) || "–",
      v.gpusTotal === undefined ? `${v.gpusHeld}` : `${v.gpusHeld}/${v.gpusTotal}`,
      v.queue === null ? MISSING : formatNumber(v.queue),
      v.kvUsage01 === null ? MISSING : `${Math.round(v.kvUsage01 * 100)}%`,
      formatMs(v.p50TtftMs),
      formatMs(v.p50ItlMs),
    ], widths)
  );
  const events = s.events.slice(-4).map((e) => "  " + eventLine(e));
  const chains = s.variants.filter((v) => v.chain).map((v) =>
    `${v.name}: wva ${v.desired} → HPA ${v.chain!.hpa ?? MISSING} → Deployment ${
      v.chain!.deployment ?? MISSING
    } → ready ${v.ready}`
  );
  return [
    `wva demo · ${s.model} · ${s.analyzer} every ${
      formatNumber(s.intervalMs / 1000)
    }s · ${s.schedule}`,
    `${bar(progress, 30)} ${formatClock(s.elapsedMs)} / ${formatClock(s.totalMs)}  ${s.phase}`,
    `load    target ${formatNumber(s.targetRatePerSec)} req/s · sent ${
      formatNumber(s.achievedRatePerSec)
    } req/s · in flight ${s.inFlight}`,
    `        done ${s.done} · within SLO ${goodput} · failed ${s.failed} (by scale-down ${s.failedByScaleDown}) · p50 TTFT ${
      formatMs(s.p50TtftMs)
    } · ITL ${formatMs(s.p50ItlMs)}`,
    "",
    "  " + pad(header, widths),
    ...rows.map((r) => "  " + r),
    `  cost now ${formatNumber(s.costPerHour)}/h · so far ${
      s.costSoFar.toFixed(2)
    }   (● ready ◐ loading ○ draining · no free GPU)`,
    ...(chains.length > 0 ? [`  via KEDA  ${chains.join(" · ")}`] : []),
    "",
    "decisions" +
    (s.note
      ? ` · cycle ${s.note.cycle} ${stamp(s.note.tMs)}: ${s.note.message}`
      : " · waiting for the first cycle"),
    ...(events.length > 0 ? events : ["  (no scaling yet)"]),
  ];
}

/** One status line for logs (no redraw). */
export function renderPlainLine(s: ViewState): string {
  const vs = s.variants.map((v) =>
    `${v.name} ${v.ready}/${v.desired}${
      v.chain ? ` (hpa ${v.chain.hpa ?? MISSING} deploy ${v.chain.deployment ?? MISSING})` : ""
    } q=${v.queue === null ? MISSING : formatNumber(v.queue)} kv=${
      v.kvUsage01 === null ? MISSING : `${Math.round(v.kvUsage01 * 100)}%`
    }`
  ).join(" | ");
  return `${stamp(s.elapsedMs).padStart(7)}  load ${formatNumber(s.targetRatePerSec)}/${
    formatNumber(s.achievedRatePerSec)
  } req/s | ${vs} | done ${s.done} failed ${s.failed} | ${formatNumber(s.costPerHour)}/h`;
}
