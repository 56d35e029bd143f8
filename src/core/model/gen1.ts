/**
 * Generation 1 sizing: the model behind the seed logs (model.md §5, §12).
 *
 * Per-token time with n requests batched is t(n) = α + β·n (ms); a request of K tokens is served
 * at rate r[n] = n / (K·t(n)) per ms; there is no prefill term. The replica holds at most 10·N
 * requests. The largest arrival rate per replica that keeps (a) the mean service time under K·ITL
 * and (b) the mean wait under TTW / ln 20 (the 95th percentile of an exponential wait) is found by
 * float32 bisection; replicas = ⌈total rate / that rate⌉. Every operation is rounded to float32
 * as in the reference, so the printed numbers match its logs digit for digit.
 *
 * @module
 */
import { bisect } from "./bisection.ts";
import { solveStateDependent } from "./birth_death.ts";
import { f32 } from "./float32.ts";

/** Relative disturbance of the search range ends (float32 0.001). */
export const RANGE_DELTA: number = f32(0.001);
/** Multiplier from mean to 95th percentile of an exponential wait: −ln(0.05), as float32. */
export const SLO_MARGIN: number = f32(-Math.log(1 - 0.95));
/** Fraction of the maximum rate kept free when a throughput (TPS) target is set. */
export const STABILITY_SAFETY_FRACTION: number = f32(0.1);
/** Queue capacity per unit of batch size: the replica holds at most this × N requests (Gen1). */
export const GEN1_OCCUPANCY_PER_BATCH = 10;

/** Inputs of one (server, accelerator) sizing. Times in ms, rates in requests per minute. */
export interface Gen1Input {
  /** Per-token time at batch 1 is α + β (ms); α is the base. */
  readonly alphaMs: number;
  /** Per-token time slope per request in the batch (ms). */
  readonly betaMs: number;
  /** Profiled max batch size of the model on this accelerator. */
  readonly perfMaxBatchSize: number;
  /** Tokens per request assumed when profiling `perfMaxBatchSize` (0 = unknown). */
  readonly atTokens: number;
  /** Max batch size configured on the server; 0 = derive from the profile. */
  readonly serverMaxBatchSize: number;
  /** Average request length K in tokens (integer; 0 means zero load). */
  readonly avgTokens: number;
  /** Total arrival rate over all replicas, requests per minute. */
  readonly arrivalRateRpm: number;
  /** Target mean inter-token latency (ms); 0 = none. */
  readonly itlMs: number;
  /** Target 95th-percentile waiting time (ms); 0 = none. */
  readonly ttwMs: number;
  /** Target throughput, tokens per second; 0 = none (size for `arrivalRateRpm`). */
  readonly tps: number;
  /** Lower bound on replicas. */
  readonly minReplicas: number;
}

/** The search that produced λ*; all rates per ms (float32). */
export interface Gen1Search {
  readonly lambdaMinPerMs: number;
  readonly lambdaMaxPerMs: number;
  readonly lambdaItlPerMs: number;
  readonly lambdaWaitPerMs: number;
  readonly lambdaTpsPerMs: number;
  readonly servTimeLimitMs: number;
  readonly waitTimeLimitMs: number;
}

/** A feasible Gen1 sizing (float32 values). */
export interface Gen1Sizing {
  readonly feasible: true;
  readonly numReplicas: number;
  /** Batch size N used in the model. */
  readonly maxBatch: number;
  /** Mean per-token service time at the per-replica load, S/K (ms). */
  readonly servTimeMs: number;
  /** Mean waiting time at the per-replica load (ms). */
  readonly waitTimeMs: number;
  /** Probability the replica is busy, 1 − p_0. */
  readonly rho: number;
  /** λ*: the largest arrival rate per replica meeting the targets (per ms). */
  readonly maxArrvRatePerReplicaPerMs: number;
  /** λ* in requests per minute, computed as the reference does (float32 ×1000 ×60). */
  readonly maxRpm: number;
  /** True when the zero-load branch was taken (rate 0 or tokens 0). */
  readonly zeroLoad: boolean;
  /** The search details (absent for zero load). */
  readonly search?: Gen1Search;
}

/** An infeasible sizing with the reason. */
export interface Infeasible {
  readonly feasible: false;
  readonly reason: string;
}

/** Requests per minute from a per-ms rate, in the reference's float32 order (×1000 then ×60). */
export function perMsToRpm(perMs: number): number {
  return f32(f32(f32(perMs) * 1000) * 60);
}

/**
 * The batch size N of the model: the server's, else the profile scaled to K tokens
 * ⌊N_prof·atTokens/K⌋ (≥ 1). Deviation: with `atTokens` 0 (not profiled at a length) the profiled
 * size is used as is; the reference computed ⌊N_prof·0/K⌋ → 1.
 */
export function gen1BatchSize(input: Gen1Input): number {
  return batchSize(
    input.serverMaxBatchSize,
    input.perfMaxBatchSize,
    input.atTokens,
    input.avgTokens,
  );
}

/** Shared by Gen1 and Gen2: server override, else the profile scaled to `tokens`. */
export function batchSize(
  server: number,
  profiled: number,
  atTokens: number,
  tokens: number,
): number {
  if (server > 0) return server;
  if (atTokens <= 0) return profiled;
  return Math.max(Math.trunc((profiled * atTokens) / tokens), 1);
}

/** Service rates r[n] = n / ((α + β n)·K) per ms, n = 1..N, in float32. */
export function gen1ServiceRates(alphaMs: number, betaMs: number, n: number, k: number): number[] {
  const [alpha, beta, kf] = [f32(alphaMs), f32(betaMs), f32(k)];
  const rates: number[] = [];
  for (let i = 1; i <= n; i++) {
    const tokenTime = f32(alpha + f32(beta * i));
    rates.push(f32(i / f32(tokenTime * kf)));
  }
  return rates;
}

/**
 * Sizes one server on one accelerator with the Gen1 model.
 *
 * @returns the sizing, or an infeasible result when a target cannot be met at any rate
 */
export function sizeGen1(input: Gen1Input): Gen1Sizing | Infeasible {
  const rate = f32(input.arrivalRateRpm);
  if (rate < 0 || input.avgTokens < 0) return { feasible: false, reason: "negative load" };
  if (rate === 0 || input.avgTokens === 0) return zeroLoadGen1(input);
  const k = input.avgTokens;
  const n = gen1BatchSize(input);
  const occupancy = n * GEN1_OCCUPANCY_PER_BATCH;
  const servTimeLimit = f32(f32(k) * f32(input.itlMs));
  const waitTimeLimit = f32(f32(input.ttwMs) / SLO_MARGIN);
  const throughputLimit = f32(f32(input.tps) / f32(1000 * k));
  const rates = gen1ServiceRates(input.alphaMs, input.betaMs, n, k);
  const lambdaMin = f32(rates[0]! * RANGE_DELTA);
  const lambdaMax = f32(rates[n - 1]! * f32(1 - RANGE_DELTA));
  const servTime = (x: number) => solveStateDependent(x, rates, occupancy)?.avgServTimeMs;
  const waitTime = (x: number) => solveStateDependent(x, rates, occupancy)?.avgWaitTimeMs;

  let lambdaItl = lambdaMax;
  if (input.itlMs > 0) {
    const r = bisect([lambdaMin, lambdaMax], servTimeLimit, servTime);
    if (!r.ok) return { feasible: false, reason: r.error };
    if (r.indicator < 0) return { feasible: false, reason: "ITL target below the model's range" };
    lambdaItl = r.x;
  }
  let lambdaWait = lambdaMax;
  if (input.ttwMs > 0) {
    const r = bisect([lambdaMin, lambdaMax], waitTimeLimit, waitTime);
    if (!r.ok) return { feasible: false, reason: r.error };
    if (r.indicator < 0) return { feasible: false, reason: "TTW target below the model's range" };
    lambdaWait = r.x;
  }
  const lambdaTps = input.tps > 0 ? f32(lambdaMax * f32(1 - STABILITY_SAFETY_FRACTION)) : lambdaMax;
  const lambdaStar = Math.min(lambdaItl, lambdaWait, lambdaTps);

  const totalLambda = input.tps === 0 ? f32(f32(rate / 60) / 1000) : throughputLimit;
  const numReplicas = Math.max(Math.ceil(totalLambda / lambdaStar), input.minReplicas);
  const perReplica = solveStateDependent(f32(totalLambda / f32(numReplicas)), rates, occupancy);
  if (perReplica === undefined) return { feasible: false, reason: "invalid queue model" };
  return {
    feasible: true,
    numReplicas,
    maxBatch: n,
    servTimeMs: f32(perReplica.avgServTimeMs / f32(k)),
    waitTimeMs: perReplica.avgWaitTimeMs,
    rho: perReplica.busy01,
    maxArrvRatePerReplicaPerMs: lambdaStar,
    maxRpm: perMsToRpm(lambdaStar),
    zeroLoad: false,
    search: {
      lambdaMinPerMs: lambdaMin,
      lambdaMaxPerMs: lambdaMax,
      lambdaItlPerMs: lambdaItl,
      lambdaWaitPerMs: lambdaWait,
      lambdaTpsPerMs: lambdaTps,
      servTimeLimitMs: servTimeLimit,
      waitTimeLimitMs: waitTimeLimit,
    },
  };
}

/**
 * Zero load (rate 0 or length 0): minReplicas replicas, servTime α + β, wait and rho 0, and the
 * reference's max rate N / (α + β N) per ms (not divided by K; kept for identical output).
 */
function zeroLoadGen1(input: Gen1Input): Gen1Sizing {
  const n = input.serverMaxBatchSize > 0 ? input.serverMaxBatchSize : input.perfMaxBatchSize;
  const [alpha, beta] = [f32(input.alphaMs), f32(input.betaMs)];
  const minServTime = f32(alpha + f32(beta * f32(n)));
  const maxRate = f32(f32(n) / minServTime);
  return {
    feasible: true,
    numReplicas: input.minReplicas,
    maxBatch: n,
    servTimeMs: f32(alpha + beta),
    waitTimeMs: 0,
    rho: 0,
    maxArrvRatePerReplicaPerMs: maxRate,
    maxRpm: perMsToRpm(maxRate),
    zeroLoad: true,
  };
}
