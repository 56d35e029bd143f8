/**
 * Saturation analyzer V2: token demand against token capacity (model.md §11, controller.md §3.5).
 *
 * Per replica: demand d = tokens in use + waiting requests × (i + o) tokens. Capacity is the
 * smaller of k1 = ⌊kvCacheThreshold × KV capacity⌋ (memory bound) and k2 (compute bound, first
 * available of: tokens in use when the queue is at `queueLengthThreshold` (recorded in a rolling
 * history), the history mean, a value derived from engine arguments, k1). Per variant the
 * per-replica capacity PRC is the median over its replicas; supply = n × PRC and anticipated
 * supply = (n + pending) × PRC, where n counts the ready replicas **with data** (all ready ones
 * when none reports), as WVA does: a silent replica's load is unknown, so its capacity is not
 * counted either. Then RC = max(0, D/scaleUp − anticipated) and
 * SC = max(0, supply − D/scaleDown). Units are tokens.
 *
 * @module
 */
import {
  type CapacityAnalysis,
  type DecisionStep,
  type EngineParams,
  type ModelObservation,
  type ReplicaMetrics,
  reportingReady,
  type VariantCapacity,
  type VariantObservation,
} from "../contract/types.ts";
import type { SaturationConfig } from "./saturation_config.ts";
import {
  capacityKey,
  evictStale,
  historyMean,
  k2Key,
  pushK2,
  type SaturationV2State,
  type StoredCapacity,
} from "./saturation_v2_state.ts";
import { capacitySignals } from "./capacity_signals.ts";
import { step } from "../contract/steps.ts";
import { median } from "../util/stats.ts";

export { capacitySignals } from "./capacity_signals.ts";

/** Where a replica's k2 came from. */
export type K2Source = "observed" | "history" | "derived" | "k1";

/** Capacity breakdown of one replica (tokens). */
export interface ReplicaCapacity {
  readonly replicaId: string;
  readonly demand: number;
  readonly k1: number;
  readonly k2: number;
  readonly k2Source: K2Source;
  /** `reported`: the replica's cache_config_info; `stored`: the store's or the declared one. */
  readonly kvSource: "reported" | "stored";
  readonly capacity: number;
  readonly kvCapacityTokens: number;
  readonly saturated: boolean;
}

/**
 * Compute-bound capacity from engine arguments: n_ss = min(B·o/(i+o), S) steady-state sequences,
 * k2 = ⌊n_ss·(i + o/2)⌋ tokens; 0 when o ≤ 0 or no arguments are known.
 */
export function derivedK2(
  engine: EngineParams | undefined,
  inTokens: number,
  outTokens: number,
): number {
  if (!engine || !(outTokens > 0)) return 0;
  const nSteady = Math.min(
    (engine.maxNumBatchedTokens * outTokens) / (inTokens + outTokens),
    engine.maxNumSeqs,
  );
  return Math.floor(nSteady * (inTokens + outTokens / 2));
}

/**
 * Demand (tokens) of requests queued upstream: input tokens max(bytes/4, n·ī)·(1 − prefix hit)
 * plus output tokens n·ō; the prefill role sees only the input part.
 */
export function schedulerQueueDemand(
  queue: { readonly requests: number; readonly bytes: number; readonly prefixHitRate01: number },
  avgInTokens: number,
  avgOutTokens: number,
): { readonly prefill: number; readonly decode: number; readonly both: number } {
  const input = Math.max(queue.bytes / 4, queue.requests * avgInTokens) *
    (1 - queue.prefixHitRate01);
  const total = input + queue.requests * avgOutTokens;
  return { prefill: input, decode: total, both: total };
}

interface ReplicaContext {
  readonly cfg: SaturationConfig;
  readonly perRequestTokens: number;
  readonly inTokens: number;
  readonly outTokens: number;
  readonly engine: EngineParams | undefined;
  readonly storedKvTokens: number | undefined;
}

/** The replica's KV capacity in tokens as reported (cache_config_info), if any. */
function reportedKvTokens(m: ReplicaMetrics): number | undefined {
  if (m.kvCapacityTokens !== undefined && m.kvCapacityTokens > 0) return m.kvCapacityTokens;
  if (m.numGpuBlocks && m.blockSize) return m.numGpuBlocks * m.blockSize;
  return undefined;
}

/**
 * Capacity of one replica; `history` is the k2 history for its key (updated copy returned).
 * The KV capacity is the replica's own (`cache_config_info`), else the stored or declared one
 * (engine arguments: blocks × block size): either way demand = tokens in use (usage × KV tokens)
 * + the queue charge, k1 = ⌊kvCacheThreshold × KV tokens⌋ and k2 follows the same chain.
 * Returns `undefined` when neither the replica nor the store knows the KV capacity.
 */
export function replicaCapacityV2(
  m: ReplicaMetrics,
  ctx: ReplicaContext,
  history: { samples: readonly number[]; updatedMs: number } | undefined,
  nowMs: number,
): { capacity: ReplicaCapacity; history: typeof history } | undefined {
  const queueCharge = Math.round(m.queueLength) * ctx.perRequestTokens;
  const reported = reportedKvTokens(m);
  const kvTokens = reported ?? (ctx.storedKvTokens || undefined);
  if (kvTokens === undefined) return undefined;
  const inUse = (reported !== undefined ? m.tokensInUse : undefined) ??
    Math.round(m.kvUsage01 * kvTokens);
  const demand = inUse + queueCharge;
  const k1 = Math.floor(ctx.cfg.kvCacheThreshold * kvTokens);
  let k2: number;
  let source: K2Source;
  let nextHistory = history;
  if (m.queueLength >= ctx.cfg.queueLengthThreshold && inUse > 0) {
    k2 = inUse;
    source = "observed";
    nextHistory = pushK2(history, inUse, nowMs);
  } else if (historyMean(history) > 0) {
    k2 = Math.floor(historyMean(history));
    source = "history";
  } else {
    const derived = derivedK2(ctx.engine, ctx.inTokens, ctx.outTokens);
    [k2, source] = derived > 0 ? [derived, "derived"] : [k1, "k1"];
  }
  const c = Math.min(k1, k2);
  return {
    capacity: {
      replicaId: m.replicaId,
      demand,
      k1,
      k2,
      k2Source: source,
      kvSource: reported !== undefined ? "reported" : "stored",
      capacity: c,
      kvCapacityTokens: kvTokens,
      saturated: demand >= c,
    },
    history: nextHistory,
  };
}

/** Result of {@linkcode analyzeSaturationV2}: the signals and the next state. */
export interface V2Result {
  readonly analysis: CapacityAnalysis;
  readonly state: SaturationV2State;
}

/** Computes token capacity signals for one model; pure (state in, state out). */
export function analyzeSaturationV2(
  obs: ModelObservation,
  cfg: SaturationConfig,
  options: { readonly state: SaturationV2State; readonly nowMs: number },
): V2Result {
  const nowMs = options.nowMs;
  const fresh = evictStale(options.state, nowMs);
  const k2History = { ...fresh.k2History };
  const capacityStore: Record<string, StoredCapacity> = { ...fresh.capacity };
  const inTokens = Math.round(obs.load?.avgInputTokens ?? 0);
  const outTokens = Math.round(obs.load?.avgOutputTokens ?? 0);
  const variants: VariantCapacity[] = [];
  for (const v of obs.variants) {
    const key = capacityKey(obs.namespace, obs.modelId, v.name);
    const historyKey = k2Key(obs.modelId, v.accelerator, v.gpusPerReplica, outTokens);
    const ctx: ReplicaContext = {
      cfg,
      perRequestTokens: inTokens + outTokens,
      inTokens,
      outTokens,
      engine: v.engine,
      storedKvTokens: capacityStore[key]?.kvCapacityTokens ?? v.kvCapacityTokens,
    };
    const replicas: ReplicaCapacity[] = [];
    for (const m of v.replicas) {
      const r = replicaCapacityV2(m, ctx, k2History[historyKey], nowMs);
      if (!r) continue;
      replicas.push(r.capacity);
      if (r.history) k2History[historyKey] = r.history;
    }
    const live = replicas.filter((r) => r.kvSource === "reported");
    if (live.length > 0) {
      capacityStore[key] = {
        effectiveCapacity: median(live.map((r) => r.capacity)),
        kvCapacityTokens: median(live.map((r) => r.kvCapacityTokens)),
        updatedMs: nowMs,
      };
    }
    variants.push(variantCapacity(v, replicas, capacityStore[key], ctx));
  }
  const queue = obs.schedulerQueue
    ? schedulerQueueDemand(obs.schedulerQueue, inTokens, outTokens).both
    : 0;
  const analysis = capacitySignals({
    analyzer: "saturation-v2",
    unit: "tokens",
    variants,
    extraDemand: queue,
    scaleUp: cfg.scaleUpThreshold,
    scaleDown: cfg.scaleDownBoundary,
  });
  return { analysis, state: { k2History, capacity: capacityStore } };
}

function variantCapacity(
  v: VariantObservation,
  replicas: readonly ReplicaCapacity[],
  stored: StoredCapacity | undefined,
  ctx: ReplicaContext,
): VariantCapacity {
  let prc: number;
  let how: string;
  if (replicas.length > 0) {
    prc = median(replicas.map((r) => r.capacity));
    how = `median of ${replicas.length} replica capacities`;
  } else if (stored && stored.effectiveCapacity > 0) {
    prc = stored.effectiveCapacity;
    how = "stored capacity (no replica reported)";
  } else if (v.kvCapacityTokens) {
    const k1 = Math.floor(ctx.cfg.kvCacheThreshold * v.kvCapacityTokens);
    const k2 = derivedK2(ctx.engine, ctx.inTokens, ctx.outTokens);
    prc = k2 > 0 ? Math.min(k1, k2) : k1;
    how = "declared KV capacity (no replica reported)";
  } else {
    prc = 0;
    how = "unknown: no replica reported and no stored or declared capacity";
  }
  const demand = replicas.reduce((a, r) => a + r.demand, 0);
  // Supply over the replicas with data (WVA): a silent ready replica's load is not in the demand,
  // so its capacity is not in the supply either. With no report at all, every ready replica.
  const counted = v.replicas.length > 0 ? reportingReady(v) : v.readyReplicas;
  const sources = [...new Set(replicas.map((r) => r.k2Source))].join(",") || null;
  const steps: DecisionStep[] = [
    step("v2.variant-capacity", `${v.name}: per-replica capacity ${prc} tokens (${how})`, {
      variant: v.name,
      perReplicaCapacity: prc,
      medianK1: replicas.length ? median(replicas.map((r) => r.k1)) : null,
      medianK2: replicas.length ? median(replicas.map((r) => r.k2)) : null,
      k2Sources: sources,
      demand,
      saturatedReplicas: replicas.filter((r) => r.saturated).length,
      readyReplicas: v.readyReplicas,
      countedReplicas: counted,
      pendingReplicas: v.pendingReplicas,
    }),
  ];
  return {
    variant: v.name,
    perReplicaCapacity: prc,
    readyReplicas: counted,
    pendingReplicas: v.pendingReplicas,
    demand,
    supply: counted * prc,
    hasData: prc > 0,
    steps,
  };
}
