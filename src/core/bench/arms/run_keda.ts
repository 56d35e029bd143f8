/**
 * Runs the KEDA model against the simulated cluster: per variant a ScaledObject whose triggers
 * query the simulated Prometheus in the variant's scope, its generated HPA (synced every 15 s at
 * a random phase, reading KEDA's metrics server live) and KEDA's operator poll (every
 * `pollingInterval`, at its own phase) for 0 ↔ 1.
 *
 * @module
 */
import type { MetricReading } from "../../hpa/hpa.ts";
import { metricName } from "../../hpa/spec.ts";
import {
  kedaMetrics,
  kedaPoll,
  type KedaState,
  newKedaState,
  readTriggers,
  type TriggerReader,
} from "../../keda/keda.ts";
import { kedaHpaSpec, type ScaledObject } from "../../keda/scaled_object.ts";
import { setReplicas } from "../sim/pods.ts";
import { evaluate } from "../sim/query.ts";
import type { VariantRt, World } from "../sim/types.ts";
import { every } from "../sim/world.ts";
import type { Controller, KedaArm } from "./arm_schema.ts";
import { queryOf, scopeOf, statusReplicas } from "./hpa_view.ts";
import { controllerConfig, startHpa } from "./run_hpa.ts";
import type { SyncRecord } from "./sync_log.ts";

function triggerReader(w: World, v: VariantRt): TriggerReader {
  return (t) => {
    const value = evaluate(
      w.prom,
      queryOf(t.metadata.query),
      scopeOf(v),
      w.nowMs - w.settings.metricDelayMs,
    );
    return value === undefined ? { kind: "empty" } : { kind: "value", value };
  };
}

/** One ScaledObject on a variant: what it is, the HPA controller's flags, who scales. */
export interface ScaledObjectRun {
  readonly scaledObject: ScaledObject;
  readonly controller: Controller;
  readonly by: string;
}

/** Starts one ScaledObject (its generated HPA and KEDA's operator poll) on a variant. */
export function startScaledObject(
  w: World,
  v: VariantRt,
  arm: ScaledObjectRun,
  log: SyncRecord[],
): void {
  const so = arm.scaledObject;
  const read = triggerReader(w, v);
  let state: KedaState = newKedaState(0);
  let readings = new Map<string, MetricReading>();
  startHpa(w, v, {
    spec: kedaHpaSpec(so),
    controller: controllerConfig(arm.controller),
    by: arm.by,
    log,
    beforeSync: () => {
      const values = readTriggers(so, read, state.cached);
      const m = kedaMetrics(so, values, {
        failures: state.failures,
        statusReplicas: statusReplicas(v),
      });
      state = { ...state, failures: m.failures };
      readings = new Map(m.readings);
    },
    read: (metric) =>
      readings.get(metricName(metric)) ?? { kind: "error", message: "no such metric" },
  });
  const period = so.pollingInterval * 1000;
  every(w, w.rng.uniform(0, period), period, () => {
    const values = readTriggers(so, read);
    const p = kedaPoll(so, state, { nowMs: w.nowMs, currentReplicas: v.specReplicas, values });
    state = p.state;
    if (p.setReplicas !== undefined && p.setReplicas !== v.specReplicas) {
      setReplicas(w, v, p.setReplicas, arm.by);
      log.push({
        atMs: w.nowMs,
        variant: v.name,
        scaler: "keda",
        replicas: p.setReplicas,
        reason: p.active ? "Activated" : "ScaledToMin",
      });
    }
  });
}

/** Starts a KEDA arm: one ScaledObject per variant. */
export function startKedaArm(w: World, arm: KedaArm, log: SyncRecord[]): void {
  for (const v of w.variants) {
    startScaledObject(w, v, {
      scaledObject: arm.scaledObject,
      controller: arm.controller,
      by: arm.name,
    }, log);
  }
}
