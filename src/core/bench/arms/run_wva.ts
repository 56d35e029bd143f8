/**
 * Runs a wva arm: every `intervalSec` (at a random phase) the decision function gets the
 * observation the controller would have (wva/observe.ts) and returns desired replicas. With
 * `actuation: direct` they are set on the Deployments; with `actuation: hpa` they are exported
 * as `wva_desired_replicas`, scraped, and an HPA per variant (External AverageValue 1, the
 * variant's min/max, the arm's behaviour) does the scaling.
 *
 * @module
 */
import { HpaSpecSchema } from "../../hpa/spec.ts";
import { setReplicas } from "../sim/pods.ts";
import { startGaugeScrapes } from "../sim/scrape.ts";
import type { World } from "../sim/types.ts";
import { every } from "../sim/world.ts";
import { observe } from "../wva/observe.ts";
import type { WvaRegistry } from "../wva/seam.ts";
import type { WvaArm } from "./arm_schema.ts";
import { adapterReader } from "./hpa_view.ts";
import { controllerConfig, startHpa } from "./run_hpa.ts";
import type { SyncRecord } from "./sync_log.ts";

/** The desired-replicas gauge a wva arm exports for an HPA. */
export const WVA_DESIRED = "wva_desired_replicas";

/** Starts a wva arm. */
export function startWvaArm(w: World, arm: WvaArm, registry: WvaRegistry, log: SyncRecord[]): void {
  const factory = registry[arm.decide];
  if (!factory) {
    throw new RangeError(
      `Cannot run arm ${arm.name}: no decision function "${arm.decide}" is registered (known: ${
        Object.keys(registry).join(", ") || "none"
      })`,
    );
  }
  const decide = factory(arm.settings);
  const byName = new Map(w.variants.map((v) => [v.name, v]));
  const gauge = new Map<number, number>();
  const period = arm.intervalSec * 1000;
  every(w, w.rng.uniform(0, period), period, () => {
    const desired = decide(observe(w, arm.windowSec * 1000));
    for (const [name, n] of desired) {
      const v = byName.get(name);
      if (!v || !Number.isFinite(n)) continue;
      const target = Math.max(0, Math.round(n));
      log.push({
        atMs: w.nowMs,
        variant: name,
        scaler: "wva",
        replicas: target,
        reason: "decided",
      });
      if (arm.actuation.mode === "direct") setReplicas(w, v, target, arm.name);
      else gauge.set(v.index, target);
    }
  });
  if (arm.actuation.mode !== "hpa") return;
  const act = arm.actuation;
  startGaugeScrapes(w, WVA_DESIRED, (i) => gauge.get(i));
  for (const v of w.variants) {
    const spec = HpaSpecSchema.parse({
      minReplicas: v.spec.minReplicas,
      maxReplicas: v.spec.maxReplicas,
      metrics: [{
        type: "External",
        external: {
          metric: { name: WVA_DESIRED },
          target: { type: "AverageValue", averageValue: 1 },
        },
      }],
    });
    startHpa(w, v, {
      spec: act.behavior ? { ...spec, behavior: act.behavior } : spec,
      controller: controllerConfig(act.controller),
      read: adapterReader(w, v, { [WVA_DESIRED]: `max(${WVA_DESIRED})` }),
      by: arm.name,
      log,
    });
  }
}
