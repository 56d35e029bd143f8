/**
 * Generation 2 sizing of one server on one accelerator (model.md §6, "Allocation").
 *
 * The largest per-replica rate λ* meeting the TTFT and ITL targets comes from
 * {@linkcode sizeGen2Targets}; replicas are sized with the *throughput* at λ* (slightly below λ*),
 * then TTFT, ITL and rho are re-evaluated at the per-replica load. Zero load gives minReplicas
 * replicas (or an empty allocation when minReplicas is 0).
 *
 * @module
 */
import { f32 } from "./float32.ts";
import { batchSize, type Infeasible, perMsToRpm } from "./gen1.ts";
import { analyzeGen2, createGen2Queue, type Gen2Params, sizeGen2Targets } from "./gen2_queue.ts";

/** Queue slots per unit of batch size: the replica holds N + 10·N requests (Gen2). */
export const GEN2_QUEUE_PER_BATCH = 10;

/** Inputs of one Gen2 sizing. Times in ms, rates in requests per minute. */
export interface Gen2Input extends Gen2Params {
  readonly perfMaxBatchSize: number;
  /** Tokens per request assumed when profiling `perfMaxBatchSize` (0 = unknown). */
  readonly atTokens: number;
  /** Max batch size configured on the server; 0 = derive from the profile. */
  readonly serverMaxBatchSize: number;
  readonly avgInTokens: number;
  /** Average output tokens o (0 means zero load). */
  readonly avgOutTokens: number;
  readonly arrivalRateRpm: number;
  /** Target mean TTFT (queueing + prefill), ms; 0 = none. */
  readonly ttftMs: number;
  /** Target mean ITL, ms; 0 = none. */
  readonly itlMs: number;
  /** Target throughput, tokens/s; 0 = none. */
  readonly tps: number;
  readonly minReplicas: number;
}

/** A feasible Gen2 sizing (float32 values). */
export interface Gen2Sizing {
  readonly feasible: true;
  readonly numReplicas: number;
  readonly maxBatch: number;
  /** Predicted ITL at the per-replica load (ms). */
  readonly itlMs: number;
  /** Predicted TTFT at the per-replica load (ms). */
  readonly ttftMs: number;
  /** L_s / N at the per-replica load. */
  readonly rho: number;
  /** Throughput at λ*, per ms: the per-replica capacity used for sizing. */
  readonly maxArrvRatePerReplicaPerMs: number;
  readonly maxRpm: number;
  readonly zeroLoad: boolean;
  /** True for the empty allocation of zero load with minReplicas 0. */
  readonly empty: boolean;
  /** Max rates per target (req/s), absent for zero load. */
  readonly rates?: { readonly ttftPerSec: number; readonly itlPerSec: number; tpsPerSec: number };
}

/** Batch size N: the server's, else the profile scaled to o tokens (see `batchSize`). */
export function gen2BatchSize(input: Gen2Input): number {
  return batchSize(
    input.serverMaxBatchSize,
    input.perfMaxBatchSize,
    input.atTokens,
    input.avgOutTokens,
  );
}

/** Sizes one server on one accelerator with the Gen2 model. */
export function sizeGen2(input: Gen2Input): Gen2Sizing | Infeasible {
  const rate = f32(input.arrivalRateRpm);
  if (rate < 0 || input.avgInTokens < 0 || input.avgOutTokens < 0) {
    return { feasible: false, reason: "negative load" };
  }
  if (rate === 0 || input.avgOutTokens === 0) return zeroLoadGen2(input);
  const n = gen2BatchSize(input);
  const q = createGen2Queue(
    { maxBatchSize: n, maxQueueSize: n * GEN2_QUEUE_PER_BATCH, params: input },
    { inputTokens: input.avgInTokens, outputTokens: input.avgOutTokens },
  );
  if (!q.ok) return { feasible: false, reason: q.error };
  const size = sizeGen2Targets(q.value, {
    ttftMs: input.ttftMs,
    itlMs: input.itlMs,
    tps: input.tps,
  });
  if (!size.ok) return { feasible: false, reason: size.error };
  const rateStar = size.value.metrics.throughputPerSec;
  const totalRate = input.tps === 0
    ? f32(rate / 60)
    : f32(f32(input.tps) / f32(input.avgOutTokens));
  const numReplicas = Math.max(Math.ceil(totalRate / rateStar), input.minReplicas);
  const m = analyzeGen2(q.value, f32(totalRate / f32(numReplicas)));
  if (!m.ok) return { feasible: false, reason: m.error };
  const perMs = f32(rateStar / 1000);
  return {
    feasible: true,
    numReplicas,
    maxBatch: n,
    itlMs: m.value.avgTokenTimeMs,
    ttftMs: f32(m.value.avgWaitTimeMs + m.value.avgPrefillTimeMs),
    rho: m.value.rho,
    maxArrvRatePerReplicaPerMs: perMs,
    maxRpm: perMsToRpm(perMs),
    zeroLoad: false,
    empty: false,
    rates: {
      ttftPerSec: size.value.rateTtftPerSec,
      itlPerSec: size.value.rateItlPerSec,
      tpsPerSec: size.value.rateTpsPerSec,
    },
  };
}

/** Zero load: minReplicas replicas, ITL α + β, TTFT γ + δ, max rate N / (γ + δ + α + β N). */
function zeroLoadGen2(input: Gen2Input): Gen2Sizing {
  if (input.minReplicas === 0) {
    return {
      feasible: true,
      numReplicas: 0,
      maxBatch: 0,
      itlMs: 0,
      ttftMs: 0,
      rho: 0,
      maxArrvRatePerReplicaPerMs: 0,
      maxRpm: 0,
      zeroLoad: true,
      empty: true,
    };
  }
  const n = input.serverMaxBatchSize > 0 ? input.serverMaxBatchSize : input.perfMaxBatchSize;
  const [a, b, g, d] = [
    f32(input.alphaMs),
    f32(input.betaMs),
    f32(input.gammaMs),
    f32(input.deltaMs),
  ];
  const prefill = f32(g + d);
  const maxDecode = f32(a + f32(b * f32(n)));
  const perMs = f32(f32(n) / f32(prefill + maxDecode));
  return {
    feasible: true,
    numReplicas: input.minReplicas,
    maxBatch: n,
    itlMs: f32(a + b),
    ttftMs: prefill,
    rho: 0,
    maxArrvRatePerReplicaPerMs: perMs,
    maxRpm: perMsToRpm(perMs),
    zeroLoad: true,
    empty: false,
  };
}
