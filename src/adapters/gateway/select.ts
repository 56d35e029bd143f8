/**
 * Backend selection for the router (pure): the ready replica with the least outstanding work.
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
