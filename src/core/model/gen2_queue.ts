/**
 * Generation 2 queue analyzer (model.md §6): prefill and decode separated, TTFT and ITL predicted.
 *
 * Per request: i input and o output tokens. Prefill with n requests batched takes
 * P(n) = γ + δ·i·n (0 when i = 0); a decode step takes D(n) = α + β·n; a request needs o − 1
 * decode steps (1 in the special case i = 0, o = 1). A batch of n completes at
 * r[n] = n / (P(n) + (o−1)·D(n)) per ms. The replica holds N + Q requests.
 *
 * The birth–death solution gives the mean service time S; the *effective concurrency* n_eff solves
 * P(n) + (o−1)·D(n) = S, and the predictions are TTFT = W + P(n_eff), ITL = D(n_eff),
 * rho = L_s / N. All arithmetic is float32 as in the reference.
 *
 * @module
 */
import { bisect } from "./bisection.ts";
import { type QueueSolution, solveStateDependent } from "./birth_death.ts";
import { f32 } from "./float32.ts";
import { RANGE_DELTA, STABILITY_SAFETY_FRACTION } from "./gen1.ts";

/** Performance parameters (ms): prefill γ + δ·i·n, decode step α + β·n. */
export interface Gen2Params {
  readonly alphaMs: number;
  readonly betaMs: number;
  readonly gammaMs: number;
  readonly deltaMs: number;
}

/** Queue configuration: max batch size N (> 0) and max queue Q (≥ 0). */
export interface Gen2QueueConfig {
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly params: Gen2Params;
}

/** Average request size in tokens: i ≥ 0, o ≥ 1. */
export interface RequestSize {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A built queue analyzer: service rates and the stable rate range (req/s). */
export interface Gen2Queue {
  readonly config: Gen2QueueConfig;
  readonly request: RequestSize;
  readonly servRatesPerMs: readonly number[];
  readonly occupancyMax: number;
  readonly minRatePerSec: number;
  readonly maxRatePerSec: number;
}

/** Predictions at one request rate (times in ms, rates in req/s). */
export interface Gen2Metrics {
  readonly throughputPerSec: number;
  readonly avgRespTimeMs: number;
  readonly avgWaitTimeMs: number;
  readonly avgNumInService: number;
  readonly avgPrefillTimeMs: number;
  readonly avgTokenTimeMs: number;
  readonly maxRatePerSec: number;
  /** L_s / N clamped to [0, 1]. */
  readonly rho: number;
}

/** Targets for sizing (ms, tokens/s); 0 = no target. */
export interface Gen2Targets {
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly tps: number;
}

/** Result type with an error message instead of exceptions (pure core). */
export type Result<T> = { readonly ok: true; readonly value: T } | {
  readonly ok: false;
  readonly error: string;
};

/** Prefill time P(n) = γ + δ·i·n (ms); 0 when there are no input tokens. */
export function prefillTimeMs(params: Gen2Params, inputTokens: number, batch: number): number {
  if (inputTokens === 0) return 0;
  return f32(f32(params.gammaMs) + f32(f32(f32(params.deltaMs) * f32(inputTokens)) * f32(batch)));
}

/** Decode step time D(n) = α + β·n (ms). */
export function decodeTimeMs(params: Gen2Params, batch: number): number {
  return f32(f32(params.alphaMs) + f32(f32(params.betaMs) * f32(batch)));
}

/** n_eff solving P(n) + (o−1)·D(n) = S, clamped to [0, N]. */
export function effectiveConcurrency(
  servTimeMs: number,
  params: Gen2Params,
  request: RequestSize,
  maxBatchSize: number,
): number {
  const tokens = f32(request.outputTokens - 1);
  const num = f32(
    f32(servTimeMs) - f32(f32(params.gammaMs) + f32(f32(params.alphaMs) * tokens)),
  );
  const den = f32(
    f32(f32(params.deltaMs) * f32(request.inputTokens)) + f32(f32(params.betaMs) * tokens),
  );
  if (!(den > 0)) return num > 0 ? maxBatchSize : 0;
  return Math.min(Math.max(f32(num / den), 0), maxBatchSize);
}

/** Builds the queue analyzer, checking the configuration and request size (§13.1). */
export function createGen2Queue(config: Gen2QueueConfig, request: RequestSize): Result<Gen2Queue> {
  const n = config.maxBatchSize;
  if (!Number.isInteger(n) || n <= 0) return err(`max batch size must be > 0 (got ${n})`);
  if (!(config.maxQueueSize >= 0)) return err(`max queue must be ≥ 0 (got ${config.maxQueueSize})`);
  if (!(request.inputTokens >= 0) || !(request.outputTokens >= 1)) {
    return err(
      `request size needs i ≥ 0 and o ≥ 1 (got i=${request.inputTokens}, o=${request.outputTokens})`,
    );
  }
  const p = config.params;
  const numDecode = request.inputTokens === 0 && request.outputTokens === 1
    ? 1
    : request.outputTokens - 1;
  const rates: number[] = [];
  for (let b = 1; b <= n; b++) {
    const prefill = prefillTimeMs(p, request.inputTokens, b);
    const decode = f32(f32(numDecode) * decodeTimeMs(p, b));
    rates.push(f32(b / f32(prefill + decode)));
  }
  if (rates.some((r) => !(r > 0) || !Number.isFinite(r))) {
    return err("service rates are not positive (check alpha, beta, gamma, delta)");
  }
  const lambdaMin = f32(rates[0]! * RANGE_DELTA);
  const lambdaMax = f32(rates[n - 1]! * f32(1 - RANGE_DELTA));
  return {
    ok: true,
    value: {
      config,
      request,
      servRatesPerMs: rates,
      occupancyMax: Math.trunc(config.maxQueueSize) + n,
      minRatePerSec: f32(lambdaMin * 1000),
      maxRatePerSec: f32(lambdaMax * 1000),
    },
  };
}

function err<T>(error: string): Result<T> {
  return { ok: false, error };
}

function solveAt(q: Gen2Queue, lambdaPerMs: number): QueueSolution | undefined {
  return solveStateDependent(lambdaPerMs, q.servRatesPerMs, q.occupancyMax);
}

function predictions(q: Gen2Queue, s: QueueSolution): { ttft: number; itl: number } {
  const p = q.config.params;
  const nEff = effectiveConcurrency(s.avgServTimeMs, p, q.request, q.config.maxBatchSize);
  return {
    ttft: f32(s.avgWaitTimeMs + prefillTimeMs(p, q.request.inputTokens, nEff)),
    itl: decodeTimeMs(p, nEff),
  };
}

/** Predicts the metrics at `ratePerSec`; an error when the rate is ≤ 0 or above the range. */
export function analyzeGen2(q: Gen2Queue, ratePerSec: number): Result<Gen2Metrics> {
  const rate = f32(ratePerSec);
  if (!(rate > 0)) return err(`invalid request rate ${rate}`);
  if (rate > q.maxRatePerSec) return err(`rate=${rate}, max allowed rate=${q.maxRatePerSec}`);
  const s = solveAt(q, f32(rate / 1000));
  if (s === undefined) return err("invalid queue model");
  const p = q.config.params;
  const nEff = effectiveConcurrency(s.avgServTimeMs, p, q.request, q.config.maxBatchSize);
  const rho = f32(s.avgNumInService / f32(q.config.maxBatchSize));
  return {
    ok: true,
    value: {
      throughputPerSec: f32(s.throughputPerMs * 1000),
      avgRespTimeMs: s.avgRespTimeMs,
      avgWaitTimeMs: s.avgWaitTimeMs,
      avgNumInService: s.avgNumInService,
      avgPrefillTimeMs: prefillTimeMs(p, q.request.inputTokens, nEff),
      avgTokenTimeMs: decodeTimeMs(p, nEff),
      maxRatePerSec: q.maxRatePerSec,
      rho: Math.min(Math.max(rho, 0), 1),
    },
  };
}

/** Max rates (req/s) per target and the metrics at the smallest of them. */
export interface Gen2Size {
  readonly rateTtftPerSec: number;
  readonly rateItlPerSec: number;
  readonly rateTpsPerSec: number;
  readonly metrics: Gen2Metrics;
}

/**
 * Largest rate meeting every target (bisection per target); a target below the range is an
 * error, above the range gives the range maximum; a TPS target keeps 10 % headroom.
 */
export function sizeGen2Targets(q: Gen2Queue, targets: Gen2Targets): Result<Gen2Size> {
  if (targets.ttftMs < 0 || targets.itlMs < 0 || targets.tps < 0) {
    return err(
      `targets must be ≥ 0 (got ttft=${targets.ttftMs}, itl=${targets.itlMs}, tps=${targets.tps})`,
    );
  }
  const lambdaMin = f32(q.minRatePerSec / 1000);
  const lambdaMax = f32(q.maxRatePerSec / 1000);
  const search = (target: number, pick: "ttft" | "itl"): Result<number> => {
    if (!(target > 0)) return { ok: true, value: lambdaMax };
    const r = bisect([lambdaMin, lambdaMax], target, (x) => {
      const s = solveAt(q, x);
      return s === undefined ? undefined : predictions(q, s)[pick];
    });
    if (!r.ok) return err(r.error);
    if (r.indicator < 0) return err(`${pick.toUpperCase()} target ${target} is below the range`);
    return { ok: true, value: r.x };
  };
  const ttft = search(targets.ttftMs, "ttft");
  if (!ttft.ok) return ttft;
  const itl = search(targets.itlMs, "itl");
  if (!itl.ok) return itl;
  const tps = targets.tps > 0 ? f32(lambdaMax * f32(1 - STABILITY_SAFETY_FRACTION)) : lambdaMax;
  const lambda = Math.min(ttft.value, itl.value, tps);
  // Deviation: float32 round trips (λmax/1000·1000) can exceed the range by one ulp; clamp.
  const metrics = analyzeGen2(q, Math.min(f32(lambda * 1000), q.maxRatePerSec));
  if (!metrics.ok) return metrics;
  return {
    ok: true,
    value: {
      rateTtftPerSec: f32(ttft.value * 1000),
      rateItlPerSec: f32(itl.value * 1000),
      rateTpsPerSec: f32(tps * 1000),
      metrics: metrics.value,
    },
  };
}
