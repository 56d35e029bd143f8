/**
 * Endpoint selection for the gateway (pure): the ready endpoint with the least outstanding work,
 * the FIFO dispatch plan of a model's queue, and the pool saturation it exports.
 * "Outstanding work" is the number of requests the router has sent to a replica that have not
 * finished yet — a replica that is slower or busier keeps more of them, so it gets fewer new
 * ones (the classic least-outstanding-requests balancer, as in Envoy's `LEAST_REQUEST`).
 *
 * Ties go round-robin: among the tied replicas (ordered by id) the `cursor`-th is chosen, so an
 * idle pool spreads requests evenly instead of piling them on the first replica.
 *
 * @module
 */

/** A replica the router may choose. */
export interface Candidate {
  readonly id: string;
  /** Requests sent and not finished. */
  readonly outstanding: number;
}

/**
 * Picks the candidate with the least outstanding requests; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { pickLeastOutstanding } from "./select.ts";
 * const id = pickLeastOutstanding([{ id: "a", outstanding: 3 }, { id: "b", outstanding: 1 }], 0);
 * if (id !== "b") throw new Error(String(id));
 * ```
 */
export function pickLeastOutstanding(
  candidates: readonly Candidate[],
  cursor: number,
): string | undefined {
  if (candidates.length === 0) return undefined;
  let least = Infinity;
  for (const c of candidates) least = Math.min(least, c.outstanding);
  const tied = candidates.filter((c) => c.outstanding === least).map((c) => c.id).sort();
  const i = ((Math.floor(cursor) % tied.length) + tied.length) % tied.length;
  return tied[i];
}

/**
 * Picks the least busy candidate that is not excluded and has room: fewer than `limit`
 * outstanding requests (`Infinity`: no saturation limit). `undefined` when none qualifies.
 *
 * @example
 * ```ts
 * import { pickEndpoint } from "./select.ts";
 * const all = [{ id: "a", outstanding: 2 }, { id: "b", outstanding: 1 }];
 * if (pickEndpoint(all, 2, 0, new Set(["b"])) !== undefined) throw new Error("a is full");
 * if (pickEndpoint(all, 2, 0) !== "b") throw new Error("b has room");
 * ```
 */
export function pickEndpoint(
  candidates: readonly Candidate[],
  limit: number,
  cursor: number,
  exclude: ReadonlySet<string> = NONE,
): string | undefined {
  return pickLeastOutstanding(
    candidates.filter((c) => c.outstanding < limit && !exclude.has(c.id)),
    cursor,
  );
}

const NONE: ReadonlySet<string> = new Set();

/** One queued request as the dispatch plan sees it. */
export interface QueuedCandidate {
  /** Endpoints it must not go to (those it was refused by). */
  readonly exclude: ReadonlySet<string>;
}

/** One assignment of a dispatch plan: the queued request at `index` goes to endpoint `id`. */
export interface Assignment {
  readonly index: number;
  readonly id: string;
}

/**
 * Which queued requests go where now, in queue order (FIFO): each in turn gets the least busy
 * endpoint with room (counting the assignments before it); a request whose exclusions leave it
 * nothing waits without blocking the ones behind it; planning stops when no endpoint has room.
 *
 * @example
 * ```ts
 * import { planDispatch } from "./select.ts";
 * const queued = [{ exclude: new Set<string>() }, { exclude: new Set<string>() }];
 * const plan = planDispatch(queued, [{ id: "a", outstanding: 0 }], 1, 0);
 * if (plan.length !== 1 || plan[0]!.index !== 0) throw new Error("one slot, first in line");
 * ```
 */
export function planDispatch(
  queued: readonly QueuedCandidate[],
  candidates: readonly Candidate[],
  limit: number,
  cursor: number,
): Assignment[] {
  const load = new Map(candidates.map((c) => [c.id, c.outstanding]));
  const plan: Assignment[] = [];
  for (let index = 0; index < queued.length; index++) {
    const now = [...load].map(([id, outstanding]) => ({ id, outstanding }));
    if (!now.some((c) => c.outstanding < limit)) break;
    const id = pickEndpoint(now, limit, cursor + plan.length, queued[index]!.exclude);
    if (id === undefined) continue;
    plan.push({ index, id });
    load.set(id, load.get(id)! + 1);
  }
  return plan;
}

/**
 * The pool saturation the gateway exports per model: requests in flight to the model's servers
 * over what its ready endpoints may hold (`ready × limit`). 1.0 with no ready endpoint (as the
 * EPP reads an empty pool); 0 with ready endpoints and no limit (`Infinity`); above 1.0 when
 * endpoints left while their requests run.
 *
 * @example
 * ```ts
 * import { poolSaturation } from "./select.ts";
 * if (poolSaturation(3, 2, 4) !== 0.375 || poolSaturation(0, 0, 4) !== 1) throw new Error();
 * ```
 */
export function poolSaturation(running: number, ready: number, limit: number): number {
  if (ready === 0) return 1;
  if (!Number.isFinite(limit)) return 0;
  return running / (ready * limit);
}
