/**
 * Candidate allocations of a server (model.md §8): one per accelerator on which its model has
 * performance data (only the current accelerator when `keepAccelerator`), sized by the Gen1 or
 * Gen2 model, valued by the transition penalty from the current allocation. Float32 throughout,
 * as in the reference, so that `wva plan` prints the seed logs' digits.
 *
 * @module
 */
import { f32 } from "../model/float32.ts";
import { sizeGen1 } from "../model/gen1.ts";
import { sizeGen2 } from "../model/gen2.ts";
import type { ServerSpec, SystemIndex } from "./system.ts";

/** Accelerator-change penalty factor (float32 0.1). */
export const ACCEL_PENALTY_FACTOR: number = f32(0.1);

/** One candidate (or chosen) allocation; float32 values; times in ms. */
export interface Allocation {
  /** Accelerator name ("" for the empty allocation of zero load with minReplicas 0). */
  readonly accelerator: string;
  readonly numReplicas: number;
  readonly maxBatch: number;
  readonly cost: number;
  /** Transition penalty from the current allocation (the cost when there is none). */
  readonly value: number;
  /** Gen1: per-token service time S/K. */
  readonly servTimeMs: number;
  /** Gen1: mean queueing wait. Gen2: 0. */
  readonly waitTimeMs: number;
  /** Gen2: predicted ITL and TTFT (0 in Gen1). */
  readonly itlMs: number;
  readonly ttftMs: number;
  /** Gen1: 1 − p_0; Gen2: L_s / N. */
  readonly rho: number;
  readonly maxArrvRatePerReplicaPerMs: number;
  readonly maxRpm: number;
}

/** A candidate that could not be sized, with why. */
export interface Rejected {
  readonly accelerator: string;
  readonly reason: string;
}

/** Value of moving from `from` to `to` (model.md §8). */
export function transitionPenalty(
  from: { readonly accelerator: string; readonly numReplicas: number; readonly cost: number },
  to: { readonly accelerator: string; readonly numReplicas: number; readonly cost: number },
): number {
  const [a, b] = [f32(from.cost), f32(to.cost)];
  if (from.accelerator === to.accelerator) {
    return from.numReplicas === to.numReplicas ? 0 : f32(b - a);
  }
  return f32(f32(ACCEL_PENALTY_FACTOR * f32(a + b)) + f32(b - a));
}

/** Sizes `server` on accelerator `accName`, or says why not. */
export function createAllocation(
  sys: SystemIndex,
  server: ServerSpec,
  accName: string,
): Allocation | Rejected {
  const acc = sys.accelerators.get(accName);
  if (!acc) return { accelerator: accName, reason: "unknown accelerator" };
  const perf = sys.perf.get(`${server.model}|${accName}`);
  if (!perf) return { accelerator: accName, reason: "no performance data for the model" };
  const target = sys.targets.get(`${server.serviceClass}|${server.model}`);
  if (!target) return { accelerator: accName, reason: "no SLO for the model in its class" };
  const load = server.load;
  const unitCost = f32(acc.cost);
  const costOf = (replicas: number) => f32(unitCost * f32(perf.accCount * replicas));
  if (sys.spec.optimizer.model === "gen1") {
    const s = sizeGen1({
      alphaMs: perf.alphaMs,
      betaMs: perf.betaMs,
      perfMaxBatchSize: perf.maxBatchSize,
      atTokens: perf.atTokens,
      serverMaxBatchSize: server.maxBatchSize,
      avgTokens: load.avgLength,
      arrivalRateRpm: load.arrivalRateRpm,
      itlMs: target.sloItlMs,
      ttwMs: target.sloTtwMs,
      tps: target.sloTps,
      minReplicas: server.minNumReplicas,
    });
    if (!s.feasible) return { accelerator: accName, reason: s.reason };
    const cost = costOf(s.numReplicas);
    return {
      accelerator: accName,
      numReplicas: s.numReplicas,
      maxBatch: s.maxBatch,
      cost,
      value: cost,
      servTimeMs: s.servTimeMs,
      waitTimeMs: s.waitTimeMs,
      itlMs: 0,
      ttftMs: 0,
      rho: s.rho,
      maxArrvRatePerReplicaPerMs: s.maxArrvRatePerReplicaPerMs,
      maxRpm: s.maxRpm,
    };
  }
  const s = sizeGen2({
    alphaMs: perf.alphaMs,
    betaMs: perf.betaMs,
    gammaMs: perf.gammaMs,
    deltaMs: perf.deltaMs,
    perfMaxBatchSize: perf.maxBatchSize,
    atTokens: perf.atTokens,
    serverMaxBatchSize: server.maxBatchSize,
    avgInTokens: load.avgInTokens,
    avgOutTokens: load.avgOutTokens,
    arrivalRateRpm: load.arrivalRateRpm,
    ttftMs: target.sloTtftMs > 0 ? target.sloTtftMs : target.sloTtwMs,
    itlMs: target.sloItlMs,
    tps: target.sloTps,
    minReplicas: server.minNumReplicas,
  });
  if (!s.feasible) return { accelerator: accName, reason: s.reason };
  const cost = s.empty ? 0 : costOf(s.numReplicas);
  return {
    accelerator: s.empty ? "" : accName,
    numReplicas: s.numReplicas,
    maxBatch: s.maxBatch,
    cost,
    value: cost,
    servTimeMs: 0,
    waitTimeMs: 0,
    itlMs: s.itlMs,
    ttftMs: s.ttftMs,
    rho: s.rho,
    maxArrvRatePerReplicaPerMs: s.maxArrvRatePerReplicaPerMs,
    maxRpm: s.maxRpm,
  };
}

/** Accelerators to try for a server: the current one when kept, else all with perf data. */
export function candidateAccelerators(sys: SystemIndex, server: ServerSpec): string[] {
  const cur = server.currentAlloc?.accelerator;
  if (server.keepAccelerator && cur) return sys.accelerators.has(cur) ? [cur] : [];
  return sys.spec.accelerators.map((a) => a.name).filter((n) =>
    sys.perf.has(`${server.model}|${n}`)
  );
}

/** All feasible candidates of a server, valued and sorted by value (stable), plus rejections. */
export function candidateAllocations(
  sys: SystemIndex,
  server: ServerSpec,
): { readonly candidates: Allocation[]; readonly rejected: Rejected[] } {
  const candidates: Allocation[] = [];
  const rejected: Rejected[] = [];
  const cur = server.currentAlloc;
  for (const name of candidateAccelerators(sys, server)) {
    const a = createAllocation(sys, server, name);
    if ("reason" in a) {
      rejected.push(a);
      continue;
    }
    const value = cur && cur.accelerator ? transitionPenalty(cur, a) : a.cost;
    candidates.push({ ...a, value });
  }
  candidates.sort((x, y) => x.value - y.value);
  return { candidates, rejected };
}

/** Scales a partial (best-effort) grant: cost and value × granted/needed (float32). */
export function scaleAllocation(a: Allocation, granted: number): Allocation {
  const factor = f32(granted / a.numReplicas);
  return { ...a, numReplicas: granted, cost: f32(a.cost * factor), value: f32(a.value * factor) };
}

/** A server is saturated when its load exceeds replicas × max rate per replica. */
export function isSaturated(a: Allocation | undefined, arrivalRateRpm: number): boolean {
  if (!a) return false;
  return f32(arrivalRateRpm) > f32(f32(a.numReplicas) * a.maxRpm);
}
