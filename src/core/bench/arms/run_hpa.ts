/**
 * Runs the HPA model against the simulated cluster: one HPA per variant, synced every
 * `syncPeriodSec` at a random phase (drawn per run), with a fresh controller memory.
 *
 * @module
 */
import { hpaSync, type MetricReading } from "../../hpa/hpa.ts";
import { EMPTY_HPA_MEMORY, type HpaMemory } from "../../hpa/normalize.ts";
import type { HpaControllerConfig, HpaSpec, MetricSpec } from "../../hpa/spec.ts";
import { setReplicas } from "../sim/pods.ts";
import type { VariantRt, World } from "../sim/types.ts";
import { every } from "../sim/world.ts";
import type { Controller } from "./arm_schema.ts";
import { adapterReader, hpaView } from "./hpa_view.ts";
import type { SyncRecord } from "./sync_log.ts";

/** The controller flags in ms. */
export function controllerConfig(c: Controller): HpaControllerConfig {
  return {
    syncPeriodMs: c.syncPeriodSec * 1000,
    tolerance: c.tolerance,
    downscaleStabilizationMs: c.downscaleStabilizationSec * 1000,
    configurableTolerance: c.configurableTolerance,
  };
}

/** Options of {@linkcode startHpa}. */
export interface StartHpaOptions {
  readonly spec: HpaSpec;
  readonly controller: HpaControllerConfig;
  readonly read: (metric: MetricSpec, atMs: number) => MetricReading;
  readonly by: string;
  readonly log: SyncRecord[];
  /** Called before each sync (e.g. KEDA refreshing its values). */
  readonly beforeSync?: () => void;
}

/** Starts one HPA on a variant. */
export function startHpa(w: World, v: VariantRt, o: StartHpaOptions): void {
  let memory: HpaMemory = EMPTY_HPA_MEMORY;
  const period = o.controller.syncPeriodMs;
  every(w, w.rng.uniform(0, period), period, () => {
    o.beforeSync?.();
    const r = hpaSync(o.spec, memory, hpaView(w, v, o.read), o.controller);
    memory = r.memory;
    if (r.rescale) setReplicas(w, v, r.replicas, o.by);
    const values: Record<string, number | null> = {};
    for (const p of r.proposals) values[p.metric] = p.usage ?? null;
    o.log.push({
      atMs: w.nowMs,
      variant: v.name,
      scaler: "hpa",
      replicas: r.replicas,
      ...(r.recommendation !== undefined ? { recommendation: r.recommendation } : {}),
      reason: r.reason,
      values,
    });
  });
}

/** Starts an HPA arm: the same HPA spec on every variant, metrics through prometheus-adapter. */
export function startHpaArm(
  w: World,
  arm: {
    readonly name: string;
    readonly hpa: HpaSpec;
    readonly controller: Controller;
    readonly queries: Readonly<Record<string, string>>;
  },
  log: SyncRecord[],
): void {
  const controller = controllerConfig(arm.controller);
  for (const v of w.variants) {
    startHpa(w, v, {
      spec: arm.hpa,
      controller,
      read: adapterReader(w, v, arm.queries),
      by: arm.name,
      log,
    });
  }
}
