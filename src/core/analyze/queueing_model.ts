/**
 * Queueing-model analyzer: sizes each variant from its performance parameters, the model's load
 * and SLOs, in requests per second.
 *
 * For every variant with `perf` parameters the Gen2 model (default) or the Gen1 model gives the
 * largest per-replica request rate that meets the SLOs; that is the variant's per-replica
 * capacity PRC (req/s). Demand is the model's arrival rate: requests arriving at the inference
 * gateway when the source can tell (those that left its flow control, whatever the outcome, plus
 * the growth of its queue), else the gateway's dispatches, else the servers' completions — the
 * last two count what is served, not what arrives, once the model is saturated; the `qm.demand`
 * step says which. The signals then follow the same rule
 * as saturation V2 with scale-up threshold 1 (the SLO rate already holds the headroom) and a
 * scale-down boundary (default 0.9) so that a replica is removed only when the rest would run at
 * ≤ 90 % of their SLO rate.
 *
 * @module
 */
import { z } from "zod";
import { f32 } from "../model/float32.ts";
import { sizeGen1 } from "../model/gen1.ts";
import { createGen2Queue, sizeGen2Targets } from "../model/gen2_queue.ts";
import type {
  CapacityAnalysis,
  DecisionStep,
  ModelObservation,
  VariantCapacity,
  VariantObservation,
} from "../contract/types.ts";
import { capacitySignals, modelDemandCapacity } from "./capacity_signals.ts";
import { step } from "../contract/steps.ts";

/** How the `qm.demand` step names where the arrival rate came from. */
const ARRIVAL_WORDS = {
  gateway: "from the gateway: requests arriving there (flow-control departures + queue growth)",
  dispatches: "from the gateway's dispatches (inference_extension_scheduler_attempts_total: " +
    "arrivals only while nothing waits in its flow control)",
  completions: "from completions (vllm:request_success_total: understates load under overload)",
} as const;

/** Configuration of the queueing-model analyzer. */
export const QueueingModelConfigSchema = z.strictObject({
  /** Which sizing model: `gen2` (prefill + decode, TTFT/ITL) or `gen1` (the seed logs' model). */
  generation: z.enum(["gen2", "gen1"]).default("gen2"),
  /** Remove replicas only while demand stays below this fraction of the remaining SLO rate. */
  scaleDownBoundary: z.number().gt(0).lt(1).default(0.9),
  /** Gen2 queue slots per unit of batch size (Q = ratio × N). */
  queueToBatchRatio: z.number().int().min(0).default(10),
});

/** Queueing-model analyzer configuration. */
export type QueueingModelConfig = z.infer<typeof QueueingModelConfigSchema>;

/** Defaults: Gen2, scale-down boundary 0.9, queue 10 × batch. */
export const DEFAULT_QUEUEING_MODEL_CONFIG: QueueingModelConfig = QueueingModelConfigSchema.parse(
  {},
);

/** Per-replica SLO rate of one variant (req/s), or why there is none. */
export type VariantRate =
  | { readonly ok: true; readonly ratePerSec: number; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

/** The largest per-replica rate (req/s) at which `v` meets the model's SLOs. */
export function variantSloRate(
  obs: ModelObservation,
  v: VariantObservation,
  cfg: QueueingModelConfig,
): VariantRate {
  const perf = v.perf;
  if (!perf) return { ok: false, reason: "no performance parameters (alpha, beta, …)" };
  const load = obs.load;
  if (!load) return { ok: false, reason: "no load observed (token sizes unknown)" };
  const i = Math.round(load.avgInputTokens);
  const o = Math.max(1, Math.round(load.avgOutputTokens));
  const slo = obs.slo ?? {};
  if (cfg.generation === "gen1") {
    const s = sizeGen1({
      alphaMs: perf.alphaMs,
      betaMs: perf.betaMs,
      perfMaxBatchSize: perf.maxBatchSize,
      atTokens: 0,
      serverMaxBatchSize: perf.maxBatchSize,
      avgTokens: o,
      arrivalRateRpm: Math.max(load.arrivalRatePerSec * 60, 1),
      itlMs: slo.itlMs ?? 0,
      ttwMs: slo.ttwMs ?? slo.ttftMs ?? 0,
      tps: 0,
      minReplicas: 0,
    });
    if (!s.feasible) return { ok: false, reason: `infeasible: ${s.reason}` };
    const rate = f32(s.maxArrvRatePerReplicaPerMs * 1000);
    return { ok: true, ratePerSec: rate, detail: `gen1 λ* at ${o} tokens` };
  }
  const q = createGen2Queue({
    maxBatchSize: perf.maxBatchSize,
    maxQueueSize: perf.maxBatchSize * cfg.queueToBatchRatio,
    params: perf,
  }, { inputTokens: i, outputTokens: o });
  if (!q.ok) return { ok: false, reason: q.error };
  const size = sizeGen2Targets(q.value, {
    ttftMs: slo.ttftMs ?? slo.ttwMs ?? 0,
    itlMs: slo.itlMs ?? 0,
    tps: 0,
  });
  if (!size.ok) return { ok: false, reason: `infeasible: ${size.error}` };
  const m = size.value.metrics;
  return {
    ok: true,
    ratePerSec: m.throughputPerSec,
    detail: `gen2 at i=${i}, o=${o}: TTFT ${round(m.avgWaitTimeMs + m.avgPrefillTimeMs)} ms, ITL ${
      round(m.avgTokenTimeMs)
    } ms`,
  };
}

/** Capacity signals (req/s) for one model from the queueing model. */
export function analyzeQueueingModel(
  obs: ModelObservation,
  cfg: QueueingModelConfig = DEFAULT_QUEUEING_MODEL_CONFIG,
): CapacityAnalysis {
  const variants: VariantCapacity[] = obs.variants.map((v) => {
    const r = variantSloRate(obs, v, cfg);
    const prc = r.ok ? r.ratePerSec : 0;
    const steps: DecisionStep[] = [
      r.ok
        ? step(
          "qm.variant-rate",
          `${v.name}: SLO rate ${round(prc)} req/s per replica (${r.detail})`,
          {
            variant: v.name,
            perReplicaCapacity: prc,
            readyReplicas: v.readyReplicas,
            pendingReplicas: v.pendingReplicas,
          },
        )
        : step("qm.variant-rate", `${v.name}: cannot size (${r.reason})`, {
          variant: v.name,
          reason: r.reason,
        }),
    ];
    return modelDemandCapacity(v, prc, steps);
  });
  const demand = obs.load?.arrivalRatePerSec ?? 0;
  const source = obs.load?.arrivalSource ?? "completions";
  return capacitySignals({
    analyzer: "queueing-model",
    unit: "req/s",
    variants,
    extraDemand: demand,
    scaleUp: 1,
    scaleDown: cfg.scaleDownBoundary,
    steps: [
      step("qm.demand", `arrival rate ${round(demand)} req/s ${ARRIVAL_WORDS[source]}`, {
        arrivalRatePerSec: demand,
        arrivalSource: source,
        ttftMs: obs.slo?.ttftMs ?? null,
        itlMs: obs.slo?.itlMs ?? null,
        generation: cfg.generation,
      }),
    ],
  });
}

function round(x: number): number {
  return Number(x.toPrecision(5));
}
