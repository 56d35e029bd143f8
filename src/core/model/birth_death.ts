/**
 * The state-dependent M/M/1/K queue (birth–death chain) shared by every sizing generation
 * (model.md §4), with the float32/float64 mix of the reference so that results match it bit for bit.
 *
 * State k = requests in the replica (queued + running), 0 ≤ k ≤ K. Arrivals are Poisson with rate
 * λ (per ms) and blocked in state K. In state k the departure rate is r[min(k, N)], where r[n] is
 * the rate at which a batch of n requests completes (per ms) and N = `servRatesPerMs.length`.
 *
 * @module
 */
import { f32 } from "./float32.ts";

/** Solution of the birth–death queue at one arrival rate; times in ms, rates per ms. */
export interface QueueSolution {
  /** Arrival rate that was solved for (per ms, float32). */
  readonly lambdaPerMs: number;
  /** Departure (accepted) rate X = λ (1 − p_K), per ms. */
  readonly throughputPerMs: number;
  /** Mean number in the replica L = Σ k p_k. */
  readonly avgNumInSystem: number;
  /** Mean number being served L_s (stays 0 when N > K, as in the reference). */
  readonly avgNumInService: number;
  /** Mean response time T = L / X (ms). */
  readonly avgRespTimeMs: number;
  /** Mean service time S = L_s / X (ms). */
  readonly avgServTimeMs: number;
  /** Mean waiting time W = max(T − S, 0) (ms). */
  readonly avgWaitTimeMs: number;
  /** Mean queue length X · W. */
  readonly avgQueueLength: number;
  /** Probability the server is busy, 1 − p_0 ("rho" of Gen1). */
  readonly busy01: number;
  /** p_0 and p_K (float64). */
  readonly p0: number;
  readonly pK: number;
}

/**
 * Solves the queue at arrival rate `lambdaPerMs`.
 *
 * @param lambdaPerMs arrival rate per ms (rounded to float32); must be ≥ 0
 * @param servRatesPerMs r[1..N] (float32 values), at least one
 * @param occupancyMax K, the most requests a replica holds (≥ 1)
 * @returns the solution, or `undefined` when the input is invalid (λ < 0, no rates, K < 1)
 */
export function solveStateDependent(
  lambdaPerMs: number,
  servRatesPerMs: readonly number[],
  occupancyMax: number,
): QueueSolution | undefined {
  const lambda = f32(lambdaPerMs);
  const num = servRatesPerMs.length;
  const K = occupancyMax;
  if (!(lambda >= 0) || num === 0 || !Number.isInteger(K) || K < 1) return undefined;
  if (servRatesPerMs.some((r) => !(r > 0))) return undefined;
  const p = stateProbabilities(lambda, servRatesPerMs, K);

  let avgNumInServers = 0;
  let avgNumInSystem = 0;
  let sumP = p[0]!;
  for (let i = 1; i <= K; i++) {
    avgNumInSystem += i * p[i]!;
    sumP += p[i]!;
    if (i === num) avgNumInServers = avgNumInSystem + (1 - sumP) * num;
  }
  const ls = f32(avgNumInServers);
  const l = f32(avgNumInSystem);
  const throughput = f32(lambda * f32(1 - f32(p[K]!)));
  const resp = f32(l / throughput);
  const serv = f32(ls / throughput);
  let wait = f32(resp - serv);
  if (wait < 0) wait = 0;
  return {
    lambdaPerMs: lambda,
    throughputPerMs: throughput,
    avgNumInSystem: l,
    avgNumInService: ls,
    avgRespTimeMs: resp,
    avgServTimeMs: serv,
    avgWaitTimeMs: wait,
    avgQueueLength: f32(throughput * wait),
    busy01: f32(1 - f32(p[0]!)),
    p0: p[0]!,
    pK: p[K]!,
  };
}

/** Normalised p_0..p_K in float64, rescaling on overflow like the reference. */
function stateProbabilities(lambda: number, rates: readonly number[], K: number): Float64Array {
  const p = new Float64Array(K + 1);
  const num = rates.length;
  const scale = Number.MAX_VALUE / K;
  p[0] = 1;
  for (let n = 0; n < K; n++) {
    const sRate = n < num ? rates[n]! : rates[num - 1]!;
    p[n + 1] = (p[n]! * lambda) / sRate;
    while (!Number.isFinite(p[n + 1]!) || p[n + 1]! < 0) {
      for (let i = 0; i <= n; i++) p[i] = p[i]! / scale;
      p[n + 1] = (p[n]! * lambda) / sRate;
    }
  }
  let sum = 0;
  for (let n = 0; n <= K; n++) {
    sum += p[n]!;
    if (!Number.isFinite(sum)) {
      sum = 0;
      for (let i = 0; i <= K; i++) {
        p[i] = p[i]! / scale;
        if (i <= n) sum += p[i]!;
      }
    }
  }
  for (let n = 0; n <= K; n++) p[n] = p[n]! / sum;
  return p;
}
