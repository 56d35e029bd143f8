/**
 * Static arms: a fixed replica count from t = 0. `peak`/`mean` size each model's first variant
 * for the plan's peak or mean rate with a simple capacity estimate of one replica (below); other
 * variants get 0. A record `{variant: count}` sets counts explicitly.
 *
 * Capacity of one replica (req/s): the largest batch b whose decode step α + β·b stays within the
 * ITL SLO (all of `maxNumSeqs` without one; never more than the KV cache holds at the mean
 * request size), divided by one request's time in the batch: prefill γ + δ·prompt plus
 * output × step(b). An estimate for sizing, not a guarantee.
 *
 * @module
 */
import type { EngineParams } from "../../../../emulator/engine/types.ts";
import type { Slo } from "../../load/slo.ts";
import type { PlannedModel } from "../load/plan.ts";
import type { World } from "../sim/types.ts";
import type { StaticArm } from "./arm_schema.ts";

/** Requests per second one replica sustains within the ITL SLO (estimate). */
export function replicaCapacityPerSec(engine: EngineParams, load: PlannedModel, slo: Slo): number {
  const tokensPerSeq = Math.max(1, load.meanPromptTokens + load.meanOutputTokens);
  const kvSeqs = Math.floor((engine.kvCacheBlocks * engine.blockSize) / tokensPerSeq);
  const itlBatch = slo.itlMs !== undefined && engine.betaMs > 0
    ? Math.floor((slo.itlMs - engine.alphaMs) / engine.betaMs)
    : engine.maxNumSeqs;
  const b = Math.max(1, Math.min(engine.maxNumSeqs, kvSeqs, itlBatch));
  const stepMs = engine.alphaMs + engine.betaMs * b;
  const serviceMs = engine.gammaMs + engine.deltaMs * load.meanPromptTokens +
    load.meanOutputTokens * stepMs;
  return b / (serviceMs / 1000);
}

/** Replicas of each variant for a static arm. */
export function staticReplicas(w: World, arm: StaticArm): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of w.models) {
    m.variants.forEach((v, i) => {
      if (typeof arm.replicas !== "string") {
        out.set(v.index, arm.replicas[v.name] ?? 0);
        return;
      }
      if (i > 0) {
        out.set(v.index, 0);
        return;
      }
      const planned = w.plan.models[m.index]!;
      const rate = arm.replicas === "peak" ? planned.peakRatePerSec : planned.meanRatePerSec;
      const cap = replicaCapacityPerSec(v.spec.engine, planned, m.slo);
      out.set(v.index, rate > 0 ? Math.max(1, Math.ceil((rate * (1 + arm.headroom01)) / cap)) : 0);
    });
  }
  return out;
}
