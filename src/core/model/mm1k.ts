/**
 * Plain M/M/1/K queue with a constant service rate (model.md §4, last paragraph). Used as a
 * reference point for the state-dependent queue and in the golden tests.
 *
 * @module
 */

/** Solution of the M/M/1/K queue; rates per unit time, times in the same unit. */
export interface MM1KSolution {
  /** Offered load ρ = λ/μ (1 when λ = μ). */
  readonly rho: number;
  /** Stationary probabilities p_0..p_K (they sum to 1). */
  readonly probabilities: readonly number[];
  /** Accepted rate X = λ (1 − p_K). */
  readonly throughput: number;
  /** Mean number in system L. */
  readonly avgNumInSystem: number;
  /** Mean response time T = L / X. */
  readonly avgRespTime: number;
  /** Mean service time 1/μ. */
  readonly avgServTime: number;
  /** Mean waiting time max(T − 1/μ, 0). */
  readonly avgWaitTime: number;
}

/**
 * Solves M/M/1/K with arrival rate `lambda` and service rate `mu`.
 *
 * @returns the solution, or `undefined` when invalid: λ < 0, μ ≤ 0, or ρ ≥ K
 */
export function solveMM1K(lambda: number, mu: number, K: number): MM1KSolution | undefined {
  if (!Number.isInteger(K) || K < 1) return undefined;
  const rho = lambda === mu ? 1 : lambda / mu;
  if (!(lambda >= 0) || !(mu > 0) || rho < 0 || rho >= K) return undefined;
  const p0 = rho === 1 ? 1 / (K + 1) : (1 - rho) / (1 - Math.pow(rho, K + 1));
  const probabilities: number[] = [];
  let avgNumInSystem = 0;
  for (let i = 0; i <= K; i++) {
    const pi = p0 * Math.pow(rho, i);
    probabilities.push(pi);
    avgNumInSystem += i * pi;
  }
  const throughput = lambda * (1 - probabilities[K]!);
  const avgRespTime = throughput > 0 ? avgNumInSystem / throughput : 0;
  const avgServTime = 1 / mu;
  return {
    rho,
    probabilities,
    throughput,
    avgNumInSystem,
    avgRespTime,
    avgServTime,
    avgWaitTime: Math.max(avgRespTime - avgServTime, 0),
  };
}
