/**
 * Runs a wva arm: every `intervalSec` (at a random phase) the decision function — by default
 * wva's real control cycle (wva/cycle_decider.ts) — gets the observation the controller would
 * have (wva/observe.ts: its query window, its warm-up) and returns desired replicas. With
 * `actuation: direct` they are set on the Deployments (the controller's `--direct-scale`); with
 * `hpa` or `keda` they are exported as `wva_desired_replicas`, scraped, and an HPA or a KEDA
 * ScaledObject per variant (the shapes of manifests/samples, arms/wva_actuation.ts) does the
 * scaling.
 *
 * @module
 */
import { setReplicas } from "../sim/pods.ts";
import { scrapePodsNow, startGaugeScrapes } from "../sim/scrape.ts";
import type { World } from "../sim/types.ts";
import { every } from "../sim/world.ts";
import { CYCLE_REGISTRY } from "../wva/cycle_decider.ts";
import { observe } from "../wva/observe.ts";
import type { WvaDecide, WvaRegistry } from "../wva/seam.ts";
import type { WvaArm } from "./arm_schema.ts";
import { adapterReader } from "./hpa_view.ts";
import { controllerConfig, startHpa } from "./run_hpa.ts";
import { startScaledObject } from "./run_keda.ts";
import type { SyncRecord } from "./sync_log.ts";
import { WVA_DESIRED, WVA_DESIRED_QUERY, wvaHpaSpec, wvaScaledObject } from "./wva_actuation.ts";

function decider(arm: WvaArm, registry: WvaRegistry): WvaDecide {
  const all: WvaRegistry = { ...CYCLE_REGISTRY, ...registry };
  const factory = Object.hasOwn(all, arm.decide) ? all[arm.decide] : undefined;
  if (!factory) {
    throw new RangeError(
      `Cannot run arm ${arm.name}: no decision function "${arm.decide}" is registered (known: ${
        Object.keys(all).join(", ")
      })`,
    );
  }
  return factory(arm.settings);
}

/** Starts the HPAs or ScaledObjects that follow the exported gauge. */
function startFollowers(w: World, arm: WvaArm, log: SyncRecord[]): void {
  const act = arm.actuation;
  for (const v of w.variants) {
    if (act.mode === "hpa") {
      startHpa(w, v, {
        spec: wvaHpaSpec(v.spec, act.behavior),
        controller: controllerConfig(act.controller),
        read: adapterReader(w, v, { [WVA_DESIRED]: WVA_DESIRED_QUERY }),
        by: arm.name,
        log,
      });
    } else if (act.mode === "keda") {
      startScaledObject(w, v, {
        scaledObject: wvaScaledObject(v.spec, act.scaledObject),
        controller: act.controller,
        by: arm.name,
      }, log);
    }
  }
}

/** Starts a wva arm (`registry` adds or replaces decision functions by name). */
export function startWvaArm(w: World, arm: WvaArm, registry: WvaRegistry, log: SyncRecord[]): void {
  const decide = decider(arm, registry);
  const byName = new Map(w.variants.map((v) => [v.name, v]));
  const gauge = new Map<number, number>();
  const period = arm.intervalSec * 1000;
  const options = {
    windowMs: arm.windowSec * 1000,
    warmupMs: arm.warmupSec * 1000,
    requestWindowMs: decide.requestWindowMs,
  };
  const first = arm.phaseSec !== undefined ? arm.phaseSec * 1000 : w.rng.uniform(0, period);
  every(w, first, period, () => {
    if (arm.metricsSource === "scrape") scrapePodsNow(w);
    const desired = decide(observe(w, options));
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
  if (arm.actuation.mode === "direct") return;
  startGaugeScrapes(w, WVA_DESIRED, (i) => gauge.get(i));
  startFollowers(w, arm, log);
}
