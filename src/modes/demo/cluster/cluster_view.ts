/**
 * The cluster demo's timeline point and live view (pure), from what it watches: each variant's
 * pods and chain (watch_state.ts), wva's latest desired count (decisions.ts), queue and KV usage
 * per variant from Prometheus, and the load generator's counters. Same shapes as `wva demo`'s,
 * plus the chain: the HPA's desired count and the Deployment's replicas.
 *
 * @module
 */
import type { LiveSnapshot } from "../../../adapters/loadgen/mod.ts";
import type { DemoConfig } from "../config.ts";
import type { DemoRecorder, TimelinePoint, TimelineVariant } from "../recorder.ts";
import type { ResolvedSchedule } from "../schedules.ts";
import { demoViewState } from "../view_state.ts";
import type { ViewState } from "../view.ts";
import type { VariantChainState } from "./watch_state.ts";

/** Queue and KV usage of a variant's pods (Prometheus). */
export interface VariantGauges {
  readonly queue: number | null;
  readonly kvUsage01: number | null;
}

/** Inputs of {@linkcode clusterPoint}. */
export interface ClusterPointInput {
  readonly tMs: number;
  readonly config: DemoConfig;
  readonly chain: (variant: string) => VariantChainState;
  /** wva's latest desired count (undefined before its first cycle). */
  readonly desired: (variant: string) => number | undefined;
  readonly gauges: ReadonlyMap<string, VariantGauges>;
  readonly snap: LiveSnapshot;
}

/** One timeline point. */
export function clusterPoint(input: ClusterPointInput): TimelinePoint {
  const variants: Record<string, TimelineVariant> = {};
  for (const v of input.config.variants) {
    const c = input.chain(v.name);
    const held = c.ready + c.loading + c.draining;
    const g = input.gauges.get(v.name);
    variants[v.name] = {
      ready: c.ready,
      desired: input.desired(v.name) ?? c.replicas ?? 0,
      loading: c.loading,
      draining: c.draining,
      unschedulable: c.unschedulable,
      gpus: held * v.gpusPerReplica,
      queue: g?.queue ?? null,
      kvUsage01: g?.kvUsage01 ?? null,
      costPerHour: held * v.cost,
      hpaDesired: c.hpaDesired ?? null,
      replicas: c.replicas ?? null,
    };
  }
  const s = input.snap;
  return {
    tMs: input.tMs,
    targetRatePerSec: s.phase === "running" ? s.targetRatePerSec : 0,
    achievedRatePerSec: s.achievedRatePerSec,
    inFlight: s.inFlight,
    variants,
  };
}

/** The view state of the latest point. */
export function clusterViewState(
  config: DemoConfig,
  schedule: ResolvedSchedule,
  rec: DemoRecorder,
  snap: LiveSnapshot,
  nowMs: number,
): ViewState {
  const point = rec.timeline.at(-1);
  const gpusOf = (acc: string) =>
    config.inventory.filter((n) => n.accelerator === acc).reduce((a, n) => a + n.gpus, 0);
  const variants = config.variants.map((v) => {
    const p = point?.variants[v.name];
    const lat = rec.recentP50(v.name, nowMs);
    return {
      name: v.name,
      accelerator: v.accelerator,
      costPerReplica: v.cost,
      ready: p?.ready ?? 0,
      desired: p?.desired ?? 0,
      loading: p?.loading ?? 0,
      draining: p?.draining ?? 0,
      unschedulable: p?.unschedulable ?? 0,
      gpusHeld: p?.gpus ?? 0,
      gpusTotal: gpusOf(v.accelerator),
      queue: p?.queue ?? null,
      kvUsage01: p?.kvUsage01 ?? null,
      p50TtftMs: lat.ttftMs,
      p50ItlMs: lat.itlMs,
      chain: { hpa: p?.hpaDesired ?? null, deployment: p?.replicas ?? null },
    };
  });
  return demoViewState(config, rec, snap, {
    schedule: `schedule ${schedule.name} · actuation KEDA`,
    elapsedMs: point?.tMs ?? 0,
    nowMs,
    variants,
  });
}
