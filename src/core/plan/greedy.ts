/**
 * The greedy solver for limited capacity (model.md §8).
 *
 * Available units per accelerator *type* are copied from the capacity. Every server with at least
 * one candidate becomes an entry whose candidates are sorted by value; δ is the value lost by
 * falling back to the next candidate (+∞ for the last). Entries are served by priority (1 first),
 * then δ descending (most to lose first), then current value descending, then input order. The top
 * entry takes its current candidate if its units fit; otherwise it moves to its next candidate
 * and is re-inserted in order; with no candidate left it is unallocated. By default this runs per
 * priority group with the best-effort policy applied to each group's unallocated servers before
 * the next group; with `delayedBestEffort` all groups are allocated first.
 *
 * @module
 */
import { type Allocation, scaleAllocation } from "./allocation.ts";
import {
  DEFAULT_LOW_PRIORITY,
  type SaturationPolicy,
  type ServerSpec,
  type SystemIndex,
} from "./system.ts";

/** A server in the greedy queue. */
interface Entry {
  readonly server: ServerSpec;
  readonly order: number;
  readonly priority: number;
  readonly candidates: readonly Allocation[];
  curIndex: number;
  delta: number;
}

/** Units of the accelerator type one replica of `server` on `a` uses (accCount × multiplicity). */
export function unitsPerReplica(sys: SystemIndex, server: ServerSpec, a: Allocation): number {
  const acc = sys.accelerators.get(a.accelerator);
  const perf = sys.perf.get(`${server.model}|${a.accelerator}`);
  if (!acc || !perf) return 0;
  return perf.accCount * acc.multiplicity;
}

function deltaOf(e: Entry): number {
  const next = e.candidates[e.curIndex + 1];
  return next ? next.value - e.candidates[e.curIndex]!.value : Infinity;
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.delta !== b.delta) return a.delta > b.delta ? -1 : 1;
  const va = a.candidates[a.curIndex]!.value;
  const vb = b.candidates[b.curIndex]!.value;
  if (va !== vb) return vb - va;
  return a.order - b.order;
}

/** Index of the first entry not ordered before `e` (binary search on a sorted list). */
function insertionIndex(entries: readonly Entry[], e: Entry): number {
  let [lo, hi] = [0, entries.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(entries[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Solves with limited capacity. `candidates` maps server name → candidates sorted by value.
 * Returns the chosen allocation per server (absent = none) and the units left per type.
 */
export function solveGreedy(
  sys: SystemIndex,
  candidates: ReadonlyMap<string, readonly Allocation[]>,
): { readonly allocations: Map<string, Allocation>; readonly available: Map<string, number> } {
  const available = new Map(sys.capacity);
  const allocations = new Map<string, Allocation>();
  const entries: Entry[] = [];
  sys.spec.servers.forEach((server, order) => {
    const cs = candidates.get(server.name) ?? [];
    if (cs.length === 0) return;
    const e: Entry = {
      server,
      order,
      priority: sys.classPriority.get(server.serviceClass) ?? DEFAULT_LOW_PRIORITY,
      candidates: cs,
      curIndex: 0,
      delta: 0,
    };
    e.delta = deltaOf(e);
    entries.push(e);
  });
  entries.sort(compareEntries);
  const policy = sys.spec.optimizer.saturationPolicy;
  const ctx = { sys, available, allocations };
  if (sys.spec.optimizer.delayedBestEffort) {
    bestEffort(allocateEntries(entries, ctx), policy, ctx);
  } else {
    for (const group of priorityGroups(entries)) {
      bestEffort(allocateEntries(group, ctx), policy, ctx);
    }
  }
  return { allocations, available };
}

interface Ctx {
  readonly sys: SystemIndex;
  readonly available: Map<string, number>;
  readonly allocations: Map<string, Allocation>;
}

function typeOf(ctx: Ctx, a: Allocation): string | undefined {
  return ctx.sys.accelerators.get(a.accelerator)?.type;
}

/** Greedy pass; returns the entries that got nothing. */
function allocateEntries(sorted: readonly Entry[], ctx: Ctx): Entry[] {
  const queue = [...sorted];
  const unallocated: Entry[] = [];
  while (queue.length > 0) {
    const top = queue.shift()!;
    const a = top.candidates[top.curIndex]!;
    const type = typeOf(ctx, a);
    const need = a.numReplicas * unitsPerReplica(ctx.sys, top.server, a);
    if (type !== undefined && (ctx.available.get(type) ?? 0) >= need) {
      ctx.available.set(type, (ctx.available.get(type) ?? 0) - need);
      ctx.allocations.set(top.server.name, a);
      continue;
    }
    top.curIndex++;
    if (top.curIndex >= top.candidates.length) {
      top.curIndex = 0;
      unallocated.push(top);
      continue;
    }
    top.delta = deltaOf(top);
    queue.splice(insertionIndex(queue, top), 0, top);
  }
  return unallocated;
}

/** Splits entries sorted by priority into groups of equal priority, in order. */
function priorityGroups(entries: readonly Entry[]): Entry[][] {
  const groups: Entry[][] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.priority === e.priority) last.push(e);
    else groups.push([e]);
  }
  return groups;
}

function bestEffort(unallocated: Entry[], policy: SaturationPolicy, ctx: Ctx): void {
  switch (policy) {
    case "None":
      return;
    case "PriorityExhaustive":
      return allocateMaximally(unallocated, ctx);
    case "PriorityRoundRobin":
      for (const group of priorityGroups(unallocated)) allocateEqually(group, ctx);
      return;
    case "RoundRobin":
      return allocateEqually(unallocated, ctx);
  }
}

/** In order, each server takes as many replicas as fit (up to its need) on its first fitting candidate. */
function allocateMaximally(entries: readonly Entry[], ctx: Ctx): void {
  for (const e of entries) {
    for (const a of e.candidates) {
      const type = typeOf(ctx, a);
      const units = unitsPerReplica(ctx.sys, e.server, a);
      if (type === undefined || units <= 0) continue;
      const fit = Math.min(Math.floor((ctx.available.get(type) ?? 0) / units), a.numReplicas);
      if (fit <= 0) continue;
      ctx.available.set(type, (ctx.available.get(type) ?? 0) - fit * units);
      ctx.allocations.set(e.server.name, scaleAllocation(a, fit));
      break;
    }
  }
}

/**
 * Round robin: each server picks its first candidate with one replica available, then servers
 * receive one replica per round until nothing fits. Deviation from the reference: a server stops
 * at its need (the reference capped only each round's grant).
 */
function allocateEqually(entries: readonly Entry[], ctx: Ctx): void {
  const tickets = new Map<Entry, { a: Allocation; type: string; units: number; granted: number }>();
  for (const e of entries) {
    for (const a of e.candidates) {
      const type = typeOf(ctx, a);
      const units = unitsPerReplica(ctx.sys, e.server, a);
      if (type !== undefined && units > 0 && (ctx.available.get(type) ?? 0) >= units) {
        tickets.set(e, { a, type, units, granted: 0 });
        break;
      }
    }
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of entries) {
      const t = tickets.get(e);
      if (!t || t.granted >= t.a.numReplicas) continue;
      const free = ctx.available.get(t.type) ?? 0;
      if (free < t.units) continue;
      ctx.available.set(t.type, free - t.units);
      t.granted++;
      progress = true;
    }
  }
  for (const [e, t] of tickets) {
    if (t.granted > 0) ctx.allocations.set(e.server.name, scaleAllocation(t.a, t.granted));
  }
}
