/**
 * `report.json`: everything a run measured, in one document (pure builder, plus the writer).
 *
 * | key | content |
 * |---|---|
 * | `timeline` | `[{tMs, targetRatePerSec, achievedRatePerSec, inFlight, variants: {<name>: {ready, desired, loading, draining, unschedulable, gpus, queue, kvUsage01, costPerHour}}}]`, one point per second |
 * | `events` | `[{tMs, variant, from, to, reason, message}]`: every change of a variant's desired replicas, with the decision's reason |
 * | `replicaEvents` | replica lifecycle: starting, ready, draining, stopped |
 * | `summary` | `{requests, failed, failedByScaleDown, goodput, …}` (src/modes/demo/summary.ts) |
 * | `loadgen` | the load generator's summary (per stage) and timeline bins (TTFT/ITL percentiles) |
 * | `config`, `schedule`, `metricsSource` | what ran |
 * | `settings` | `actuation`: `pool` (the demo resizes its local pool) or `keda` (`wva demo --cluster`: wva_desired_replicas → Prometheus → KEDA → HPA → Deployment), and the cluster's pace |
 * | `hops`, `startup` | `--cluster` only: every hop event, each decision's hop times and their summary; the start-up phases |
 *
 * Times are ms since the load started; NaN and infinities are written as null.
 *
 * @module
 */
import type { RunSummary } from "../../core/load/summary.ts";
import type { TimelineBin } from "../../core/load/timeline.ts";
import type { DemoConfig } from "./config.ts";
import type { ReplicaEvent, ScaleEvent, TimelinePoint } from "./recorder.ts";
import type { ResolvedSchedule } from "./schedules.ts";
import type { DemoSummary } from "./summary.ts";
import type { Hop, HopLatency, HopSummary } from "./cluster/hops.ts";

/** How the run actuated decisions, and at which pace. */
export interface DemoSettings {
  /** `pool`: the cycle resizes the local pool; `keda`: through Prometheus, KEDA, the HPA, the Deployment. */
  readonly actuation: "pool" | "keda";
  /** `--cluster`: the control plane's and KEDA's pace. */
  readonly cluster?: {
    readonly hpaSyncPeriod: string;
    readonly kedaPollingSec: number;
    readonly kedaCooldownSec: number;
    readonly hpaScaleDownWindowSec: number;
    readonly prometheusScrapeSec: number;
    readonly controllerArgs: readonly string[];
  };
}

/** The actuation chain of a `--cluster` run (times in ms since the load started). */
export interface DemoHops {
  /** Every change of wva's desired count, the HPA's desired count, the Deployment's replicas and ready count. */
  readonly events: readonly { tMs: number; variant: string; hop: Hop; value: number }[];
  /** Each change of wva's desired count followed down the chain. */
  readonly decisions: readonly HopLatency[];
  readonly summary: HopSummary;
}

/** Start-up phases of a `--cluster` run, wall ms. */
export interface DemoStartup {
  /** Kubernetes and KEDA builds (near 0 once cached). */
  readonly buildMs: number;
  /** The control plane with KEDA and fake GPUs, the controller's manifests. */
  readonly clusterMs: number;
  /** Prometheus, the pod runner, the gateway, the controller. */
  readonly servicesMs: number;
  /** The demo's workloads applied until the first replicas were ready. */
  readonly workloadsMs: number;
  /** From the command to the load start. */
  readonly totalMs: number;
}

/** The report document. */
export interface DemoReport {
  readonly tool: "wva demo";
  /** ISO time the load started (supplied by the caller). */
  readonly startedAt: string;
  readonly config: DemoConfig;
  readonly schedule: ResolvedSchedule;
  /** `scrape` or `prometheus <url>`. */
  readonly metricsSource: string;
  readonly timeline: readonly TimelinePoint[];
  readonly events: readonly ScaleEvent[];
  readonly replicaEvents: readonly ReplicaEvent[];
  readonly summary: DemoSummary;
  readonly loadgen: { readonly summary: RunSummary; readonly timeline: readonly TimelineBin[] };
  /** Up to 200 failures the router saw (time, replica, error). */
  readonly routerFailures: readonly { tMs: number; replica: string | null; error: string }[];
  readonly settings: DemoSettings;
  readonly hops?: DemoHops;
  readonly startup?: DemoStartup;
}

/** JSON text of a report: 2-space indent, non-finite numbers as null. */
export function reportJson(report: DemoReport): string {
  return JSON.stringify(
    report,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  ) + "\n";
}
