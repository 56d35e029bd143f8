/**
 * The memory saturation V2 keeps between cycles, as plain immutable data passed in and returned
 * (no hidden globals): the rolling k2 history ("observed compute capacity") and the last known
 * per-replica capacity of every variant (used when a variant has no reporting replica).
 *
 * @module
 */

/** Samples kept per k2 history key (rolling mean window). */
export const K2_WINDOW = 10;
/** k2 history entries not updated for this long are dropped (24 h). */
export const K2_HISTORY_TTL_MS = 24 * 3600_000;
/** Stored capacities older than this are dropped (7 days). */
export const CAPACITY_TTL_MS = 7 * 24 * 3600_000;

/** Rolling k2 observations for one model|accelerator|GPUs|output-length bucket. */
export interface K2History {
  readonly samples: readonly number[];
  readonly updatedMs: number;
}

/** Last capacity learned for a variant from live replicas. */
export interface StoredCapacity {
  /** Median effective per-replica capacity (tokens). */
  readonly effectiveCapacity: number;
  /** Median KV-cache capacity per replica (tokens). */
  readonly kvCapacityTokens: number;
  readonly updatedMs: number;
}

/** Saturation V2 state across cycles. */
export interface SaturationV2State {
  readonly k2History: Readonly<Record<string, K2History>>;
  readonly capacity: Readonly<Record<string, StoredCapacity>>;
}

/** A fresh state. */
export const EMPTY_V2_STATE: SaturationV2State = { k2History: {}, capacity: {} };

/** Output-length bucket of the k2 history key: `short` (< 100), `medium` (< 500), `long`. */
export function outputBucket(avgOutputTokens: number): "short" | "medium" | "long" {
  if (avgOutputTokens < 100) return "short";
  if (avgOutputTokens < 500) return "medium";
  return "long";
}

/** Key of the k2 history: model|accelerator|GPUs per replica|output bucket. */
export function k2Key(
  modelId: string,
  accelerator: string,
  gpus: number,
  avgOutputTokens: number,
): string {
  return `${modelId}|${accelerator}|${gpus}|${outputBucket(avgOutputTokens)}`;
}

/** Key of the capacity store: namespace/model/variant. */
export function capacityKey(namespace: string, modelId: string, variant: string): string {
  return `${namespace}/${modelId}/${variant}`;
}

/** Mean of the samples (0 for none). */
export function historyMean(h: K2History | undefined): number {
  if (!h || h.samples.length === 0) return 0;
  return h.samples.reduce((a, b) => a + b, 0) / h.samples.length;
}

/** Appends a k2 sample, keeping the last {@linkcode K2_WINDOW}. */
export function pushK2(h: K2History | undefined, sample: number, nowMs: number): K2History {
  const samples = [...(h?.samples ?? []), sample].slice(-K2_WINDOW);
  return { samples, updatedMs: nowMs };
}

/** Drops history and capacity entries past their time-to-live. */
export function evictStale(state: SaturationV2State, nowMs: number): SaturationV2State {
  const k2History = Object.fromEntries(
    Object.entries(state.k2History).filter(([, h]) => nowMs - h.updatedMs <= K2_HISTORY_TTL_MS),
  );
  const capacity = Object.fromEntries(
    Object.entries(state.capacity).filter(([, c]) => nowMs - c.updatedMs <= CAPACITY_TTL_MS),
  );
  return { k2History, capacity };
}
