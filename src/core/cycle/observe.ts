/**
 * Observation building (pure): from the backend's variant snapshots and the metrics source's
 * samples to the {@linkcode ModelObservation}s the decision core reads, plus the metrics health
 * of each variant.
 *
 * - Samples are matched to variants by their `variant` label when present, else by replica id.
 * - A sample older than `staleAfterMs` (or without a timestamp) is dropped: stale numbers never
 *   reach the analyzers. A sample without KV usage and without queue length is dropped too; a
 *   missing one of the two counts as 0 (as the reference does).
 * - A replica still warming up that reports fresh metrics showing load is counted as
 *   `warmedReplicas` (warm.ts; it stays in `pendingReplicas`).
 * - A variant is `available` when at least one replica has fresh metrics, or when it has no
 *   replica at all (nothing to report); otherwise the reason says why (missing, stale, source
 *   error). Available with fewer ready replicas reporting than are ready is `MetricsPartial`
 *   ("3 of 4 ready replicas report"). What to do about it is decided later: the analyzers count
 *   supply over the replicas with data, the optimizer and `guardDesired` never scale down on
 *   partial or missing metrics.
 *
 * @module
 */
import { Reason } from "../api/conditions.ts";
import type {
  ModelMetrics,
  ReplicaSample,
  VariantMetricsStatus,
  VariantSnapshot,
} from "../contract/ports.ts";
import type { ServiceClassInfo } from "../contract/settings.ts";
import type { ModelObservation, ReplicaMetrics, VariantObservation } from "../contract/types.ts";
import { warmedReplicas } from "./warm.ts";

/** The served variants of one model, sorted by name. */
export interface ModelGroup {
  readonly modelId: string;
  readonly namespace: string;
  readonly variants: readonly VariantSnapshot[];
}

/** Groups variants by (namespace, modelId); groups and variants sorted for stable output. */
export function groupModels(variants: readonly VariantSnapshot[]): ModelGroup[] {
  const groups = new Map<string, VariantSnapshot[]>();
  for (const v of variants) {
    const key = `${v.namespace}\u0000${v.modelId}`;
    const list = groups.get(key);
    if (list) list.push(v);
    else groups.set(key, [v]);
  }
  return [...groups.values()]
    .map((vs) => ({
      modelId: vs[0]!.modelId,
      namespace: vs[0]!.namespace,
      variants: [...vs].sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.modelId.localeCompare(b.modelId));
}

/** Options of {@linkcode buildObservation}. */
export interface ObserveOptions {
  readonly nowMs: number;
  readonly staleAfterMs: number;
  /** Desired replicas the previous cycle published, by variant name (wins over the snapshot's). */
  readonly previousDesired?: (variant: VariantSnapshot) => number | undefined;
  readonly serviceClass?: ServiceClassInfo | undefined;
}

/** An observation and the metrics health of each of its variants (by name). */
export interface Observed {
  readonly observation: ModelObservation;
  readonly metrics: ReadonlyMap<string, VariantMetricsStatus>;
  /** Samples that matched no variant of the model (unknown pod). */
  readonly unmatchedSamples: number;
}

function finite(x: number | undefined): x is number {
  return x !== undefined && Number.isFinite(x);
}

function toReplicaMetrics(s: ReplicaSample): ReplicaMetrics | undefined {
  const kv = finite(s.kvUsage01) ? Math.min(1, Math.max(0, s.kvUsage01)) : undefined;
  const queue = finite(s.queueLength) ? Math.max(0, s.queueLength) : undefined;
  if (kv === undefined && queue === undefined) return undefined;
  const blocks = finite(s.numGpuBlocks) && s.numGpuBlocks > 0 ? Math.round(s.numGpuBlocks) : 0;
  const size = finite(s.blockSize) && s.blockSize > 0 ? Math.round(s.blockSize) : 0;
  return {
    replicaId: s.replicaId,
    kvUsage01: kv ?? 0,
    queueLength: queue ?? 0,
    runningRequests: finite(s.runningRequests) ? Math.max(0, s.runningRequests) : 0,
    ...(blocks > 0 && size > 0
      ? { numGpuBlocks: blocks, blockSize: size, kvCapacityTokens: blocks * size }
      : {}),
    ...(finite(s.itlMs) && s.itlMs > 0 ? { itlMs: s.itlMs } : {}),
    ...(finite(s.kvUsageInstant01)
      ? { kvUsageInstant01: Math.min(1, Math.max(0, s.kvUsageInstant01)) }
      : {}),
  };
}

/** Splits a model's samples per variant name; returns the map and the unmatched count. */
function matchSamples(
  group: ModelGroup,
  samples: readonly ReplicaSample[],
): { byVariant: Map<string, ReplicaSample[]>; unmatched: number } {
  const names = new Set(group.variants.map((v) => v.name));
  const owner = new Map<string, string>();
  for (const v of group.variants) for (const id of v.replicaIds) owner.set(id, v.name);
  const byVariant = new Map<string, ReplicaSample[]>();
  let unmatched = 0;
  for (const s of samples) {
    const name = s.variant !== undefined && names.has(s.variant)
      ? s.variant
      : owner.get(s.replicaId);
    if (name === undefined) {
      unmatched++;
      continue;
    }
    const list = byVariant.get(name);
    if (list) list.push(s);
    else byVariant.set(name, [s]);
  }
  return { byVariant, unmatched };
}

/** The fresh reports that come from ready replicas (by id when the backend names them). */
function countReportingReady(v: VariantSnapshot, fresh: readonly ReplicaMetrics[]): number {
  if (v.readyReplicaIds === undefined) return Math.min(fresh.length, v.readyReplicas);
  const ready = new Set(v.readyReplicaIds);
  return Math.min(fresh.filter((m) => ready.has(m.replicaId)).length, v.readyReplicas);
}

function foundHealth(
  v: VariantSnapshot,
  fresh: number,
  reporting: number,
  counts: Pick<VariantMetricsStatus, "freshReplicas" | "staleReplicas">,
): VariantMetricsStatus {
  const ready = v.readyReplicas;
  const base = { available: true, reportingReadyReplicas: reporting, ...counts };
  if (reporting < ready) {
    return {
      ...base,
      reason: Reason.MetricsPartial,
      message: `${reporting} of ${ready} ready replicas report metrics: no scale-down until all do`,
    };
  }
  const warming = fresh - reporting;
  return {
    ...base,
    reason: Reason.MetricsFound,
    message: `${reporting} of ${ready} ready replicas report metrics` +
      (warming > 0 ? ` (and ${warming} warming up)` : ""),
  };
}

function healthOf(
  v: VariantSnapshot,
  fresh: readonly ReplicaMetrics[],
  stale: number,
  error: string | undefined,
): VariantMetricsStatus {
  const counts = { freshReplicas: fresh.length, staleReplicas: stale };
  if (error !== undefined) {
    return { available: false, reason: Reason.MetricsSourceError, message: error, ...counts };
  }
  if (fresh.length > 0) return foundHealth(v, fresh.length, countReportingReady(v, fresh), counts);
  if (v.currentReplicas === 0 && v.readyReplicas === 0) {
    return {
      available: true,
      reason: Reason.NoReplicas,
      message: "no replica to report",
      ...counts,
    };
  }
  if (stale > 0) {
    return {
      available: false,
      reason: Reason.MetricsStale,
      message: `the newest metrics of ${stale} replica(s) are too old`,
      ...counts,
    };
  }
  return {
    available: false,
    reason: Reason.MetricsMissing,
    message: `none of ${v.currentReplicas} replica(s) reports metrics`,
    ...counts,
  };
}

/** The upstream queue the source read, when it read one (finite, non-negative counts). */
function schedulerQueueOf(
  metrics: ModelMetrics | undefined,
): Pick<ModelObservation, "schedulerQueue"> {
  const q = metrics?.error === undefined ? metrics?.schedulerQueue : undefined;
  if (!q || !finite(q.requests) || q.requests < 0) return {};
  const bytes = finite(q.bytes) && q.bytes > 0 ? q.bytes : 0;
  return { schedulerQueue: { requests: q.requests, bytes, prefixHitRate01: 0 } };
}

/** Builds one model's observation from its variants and metrics (pure). */
export function buildObservation(
  group: ModelGroup,
  metrics: ModelMetrics | undefined,
  options: ObserveOptions,
): Observed {
  const { byVariant, unmatched } = matchSamples(group, metrics?.replicas ?? []);
  const health = new Map<string, VariantMetricsStatus>();
  const modelHasWarm = group.variants.some((v) => v.readyReplicas > 0);
  const variants: VariantObservation[] = group.variants.map((v) => {
    const replicas: ReplicaMetrics[] = [];
    let stale = 0;
    for (const s of metrics?.error === undefined ? byVariant.get(v.name) ?? [] : []) {
      const fresh = s.sampleMs !== undefined && options.nowMs - s.sampleMs <= options.staleAfterMs;
      const m = toReplicaMetrics(s);
      if (!m) continue;
      if (fresh) replicas.push(m);
      else stale++;
    }
    const h = healthOf(v, replicas, stale, metrics?.error);
    const warmed = warmedReplicas(v, replicas, modelHasWarm);
    health.set(v.name, h);
    const previous = options.previousDesired?.(v) ?? v.previousDesiredReplicas;
    return {
      name: v.name,
      accelerator: v.accelerator,
      costPerReplica: v.costPerReplica,
      gpusPerReplica: v.gpusPerReplica,
      currentReplicas: v.currentReplicas,
      readyReplicas: v.readyReplicas,
      pendingReplicas: v.pendingReplicas,
      ...(warmed > 0 ? { warmedReplicas: warmed } : {}),
      minReplicas: v.minReplicas,
      maxReplicas: v.maxReplicas,
      replicas,
      reportingReadyReplicas: h.reportingReadyReplicas ?? 0,
      ...(previous !== undefined ? { previousDesiredReplicas: previous } : {}),
      ...(v.perf ? { perf: v.perf } : {}),
      ...(v.engine ? { engine: v.engine } : {}),
      ...(v.kvCapacityTokens !== undefined ? { kvCapacityTokens: v.kvCapacityTokens } : {}),
    };
  });
  const rate = metrics?.error === undefined ? metrics?.arrivalRatePerSec : undefined;
  const tokens = (x: number | undefined) => (finite(x) && x > 0 ? x : 0);
  const observation: ModelObservation = {
    modelId: group.modelId,
    namespace: group.namespace,
    priority: options.serviceClass?.priority ?? 1,
    variants,
    ...(finite(rate) && rate >= 0
      ? {
        load: {
          arrivalRatePerSec: rate,
          ...(metrics?.arrivalSource ? { arrivalSource: metrics.arrivalSource } : {}),
          avgInputTokens: tokens(metrics?.avgInputTokens),
          avgOutputTokens: tokens(metrics?.avgOutputTokens),
        },
      }
      : {}),
    ...(options.serviceClass?.slo ? { slo: options.serviceClass.slo } : {}),
    ...schedulerQueueOf(metrics),
  };
  return { observation, metrics: health, unmatchedSamples: unmatched };
}
