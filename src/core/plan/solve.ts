/**
 * Solves a whole system: candidates per server, then the unlimited solver (each server takes its
 * lowest-value candidate) or the greedy limited solver, then totals per accelerator type.
 *
 * @module
 */
import { f32 } from "../model/float32.ts";
import { type Allocation, candidateAllocations, isSaturated, type Rejected } from "./allocation.ts";
import { solveGreedy, unitsPerReplica } from "./greedy.ts";
import { indexSystem, type ServerSpec, type SystemIndex, type SystemSpec } from "./system.ts";

/** Result for one server. */
export interface ServerSolution {
  readonly server: ServerSpec;
  /** Number of feasible candidates ("sol" in the seed log). */
  readonly candidates: number;
  /** Candidates that could not be sized, with why. */
  readonly rejected: readonly Rejected[];
  /** The chosen allocation (absent: no feasible allocation, or none fitted the capacity). */
  readonly allocation: Allocation | undefined;
  /** Load above replicas × max rate per replica. */
  readonly saturated: boolean;
}

/** Totals of one accelerator type. */
export interface AllocationByType {
  readonly type: string;
  /** Units allocated (replicas × accCount × multiplicity). */
  readonly count: number;
  /** Capacity of the type (0 when not listed). */
  readonly limit: number;
  readonly cost: number;
}

/** Solution of a system. */
export interface SystemSolution {
  readonly servers: readonly ServerSolution[];
  readonly allocationByType: readonly AllocationByType[];
  readonly totalCost: number;
}

/** Each server independently takes its minimum-value candidate (ties: accelerator order). */
export function solveUnlimited(
  candidates: ReadonlyMap<string, readonly Allocation[]>,
): Map<string, Allocation> {
  const out = new Map<string, Allocation>();
  for (const [name, cs] of candidates) {
    let best: Allocation | undefined;
    for (const c of cs) if (!best || c.value < best.value) best = c;
    if (best) out.set(name, best);
  }
  return out;
}

/** Solves the system (pure). */
export function solveSystem(spec: SystemSpec): SystemSolution {
  const sys = indexSystem(spec);
  const candidates = new Map<string, Allocation[]>();
  const rejected = new Map<string, Rejected[]>();
  for (const s of spec.servers) {
    const r = candidateAllocations(sys, s);
    candidates.set(s.name, r.candidates);
    rejected.set(s.name, r.rejected);
  }
  const chosen = spec.optimizer.unlimited
    ? solveUnlimited(candidates)
    : solveGreedy(sys, candidates).allocations;
  const servers = spec.servers.map((server): ServerSolution => {
    const allocation = chosen.get(server.name);
    return {
      server,
      candidates: candidates.get(server.name)?.length ?? 0,
      rejected: rejected.get(server.name) ?? [],
      allocation,
      saturated: isSaturated(allocation, server.load.arrivalRateRpm),
    };
  });
  return { servers, ...totals(sys, servers) };
}

function totals(
  sys: SystemIndex,
  servers: readonly ServerSolution[],
): { allocationByType: AllocationByType[]; totalCost: number } {
  const byType = new Map<string, { count: number; cost: number }>();
  let totalCost = 0;
  for (const s of servers) {
    const a = s.allocation;
    if (!a) continue;
    totalCost = f32(totalCost + a.cost);
    const acc = sys.accelerators.get(a.accelerator);
    if (!acc) continue;
    const t = byType.get(acc.type) ?? { count: 0, cost: 0 };
    t.count += a.numReplicas * unitsPerReplica(sys, s.server, a);
    t.cost = f32(t.cost + a.cost);
    byType.set(acc.type, t);
  }
  const allocationByType = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, t]) => ({
      type,
      count: t.count,
      limit: sys.capacity.get(type) ?? 0,
      cost: t.cost,
    }));
  return { allocationByType, totalCost };
}
