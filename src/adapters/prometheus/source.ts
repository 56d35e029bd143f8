/**
 * The Prometheus `MetricsSource` of the control cycle: runs the named queries of
 * `queries.ts` and `gateway_queries.ts` once per namespace and serving engine (all models of the
 * namespace that run vLLM together, those that run SGLang together, each in its engine's metric
 * family), and assembles per-replica samples (with each pod's mean ITL and instant KV usage for
 * the throughput analyzer) and per-model load.
 *
 * - Missing series are tolerated: a field without data stays undefined. In particular a request
 *   count without series is unknown (not 0), so scale-to-zero never fires on it.
 * - The inference gateway's flow-control queue (requests and bytes), its arrivals and its
 *   dispatches are read per target model (gateway_queries.ts): the queue becomes
 *   `schedulerQueue` (demand V2 adds, the scale-from-zero signal); the arrival rate is the
 *   gateway's arrivals (`arrivalSource: gateway`), else its dispatches (`dispatches`: no flow
 *   control), else the servers' completions (`completions`).
 * - Sample age comes from `timestamp(...)` relative to Prometheus' own evaluation time, so clock
 *   skew between Prometheus and the controller does not make metrics look fresh or stale.
 * - A failing query fails its namespace: every model there gets `error` (the cycle then holds
 *   them), other namespaces are unaffected.
 *
 * @module
 */
import type {
  MetricsRequest,
  MetricsSource,
  ModelMetrics,
  ModelQuery,
  ReplicaSample,
} from "../../core/contract/ports.ts";
import type { PromQuery, PromSample } from "./client.ts";
import {
  GATEWAY_MODEL_LABEL,
  GATEWAY_QUERY_NAMES,
  gatewayQueries,
  type GatewayQueryName,
  gatewayRequestCountQuery,
} from "./gateway_queries.ts";
import type { InferenceEngine } from "../../core/api/engine.ts";
import {
  DEFAULT_WINDOWS,
  kvGeometry,
  NAMESPACE_QUERY_NAMES,
  namespaceQueries,
  type NamespaceQueryName,
  type QueryWindows,
  requestCountQuery,
} from "./queries.ts";

/** One query's timing, for the controller's own metrics. */
export interface QueryObservation {
  readonly name: string;
  readonly seconds: number;
  readonly ok: boolean;
}

/** Options of {@linkcode createPrometheusSource}. */
export interface PrometheusSourceOptions {
  readonly windows?: QueryWindows;
  /** Called after every query. */
  readonly observe?: (q: QueryObservation) => void;
  /** Monotonic ms for query timing. @default performance.now */
  readonly monotonicMs?: () => number;
}

type Results = Readonly<Record<NamespaceQueryName, readonly PromSample[]>>;
type GatewayResults = Readonly<Record<GatewayQueryName, readonly PromSample[]>>;

function finiteOrUndefined(x: number | undefined): number | undefined {
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

function podKey(s: PromSample): string {
  return `${s.labels.model_name ?? ""}\u0000${s.labels.pod ?? ""}`;
}

function byPod(samples: readonly PromSample[]): Map<string, PromSample> {
  return new Map(samples.map((s) => [podKey(s), s]));
}

function byModel(samples: readonly PromSample[]): Map<string, number> {
  return new Map(samples.map((s) => [s.labels.model_name ?? "", s.value]));
}

function replicaSamples(
  r: Results,
  modelId: string,
  nowMs: number,
  engine: InferenceEngine,
): ReplicaSample[] {
  const kv = byPod(r.kv_cache_usage);
  const queue = byPod(r.queue_length);
  const running = byPod(r.running_requests);
  const times = byPod(r.sample_time);
  const itl = byPod(r.replica_itl);
  const kvNow = byPod(r.kv_usage_instant);
  const cache = new Map(
    r.cache_config_info.map((s) => [s.labels.pod ?? "", kvGeometry(engine, s)]),
  );
  const keys = new Set([...kv.keys(), ...queue.keys()]);
  const out: ReplicaSample[] = [];
  for (const key of [...keys].sort()) {
    const [model, pod] = key.split("\u0000") as [string, string];
    if (model !== modelId) continue;
    const any = kv.get(key) ?? queue.get(key)!;
    const t = times.get(key);
    const ageMs = t && Number.isFinite(t.value) ? Math.max(0, t.atMs - t.value * 1000) : undefined;
    const geometry = cache.get(pod);
    const variant = any.labels.llm_d_ai_variant;
    const itlSec = finiteOrUndefined(itl.get(key)?.value);
    out.push({
      replicaId: pod,
      ...(variant ? { variant } : {}),
      kvUsage01: finiteOrUndefined(kv.get(key)?.value),
      queueLength: finiteOrUndefined(queue.get(key)?.value),
      runningRequests: finiteOrUndefined(running.get(key)?.value),
      numGpuBlocks: geometry?.numGpuBlocks,
      blockSize: geometry?.blockSize,
      ...(itlSec !== undefined && itlSec > 0 ? { itlMs: itlSec * 1000 } : {}),
      kvUsageInstant01: finiteOrUndefined(kvNow.get(key)?.value),
      sampleMs: ageMs === undefined ? undefined : nowMs - ageMs,
    });
  }
  return out;
}

/** What the gateway reports for one model (undefined fields: no series). */
function gatewayOf(g: GatewayResults, modelId: string): Partial<ModelMetrics> {
  const value = (samples: readonly PromSample[]) =>
    finiteOrUndefined(samples.find((s) => s.labels[GATEWAY_MODEL_LABEL] === modelId)?.value);
  const requests = value(g.scheduler_queue_size);
  const bytes = value(g.scheduler_queue_bytes);
  const arrival = value(g.gateway_arrival_rate);
  const dispatch = value(g.gateway_dispatch_rate);
  return {
    ...(requests !== undefined
      ? { schedulerQueue: { requests, ...(bytes !== undefined ? { bytes } : {}) } }
      : {}),
    ...(arrival !== undefined
      ? { arrivalRatePerSec: Math.max(0, arrival), arrivalSource: "gateway" }
      : dispatch !== undefined
      ? { arrivalRatePerSec: dispatch, arrivalSource: "dispatches" }
      : {}),
  };
}

/** One model's metrics from the namespace's results. */
function modelOf(
  m: ModelQuery,
  ns: string,
  r: {
    readonly vllm: Results;
    readonly gateway: GatewayResults;
    readonly count?: number | undefined;
    readonly engine: InferenceEngine;
  },
  nowMs: number,
): ModelMetrics {
  const model = (samples: readonly PromSample[]) =>
    finiteOrUndefined(byModel(samples).get(m.modelId));
  const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
  const completions = model(r.vllm.arrival_rate);
  return {
    modelId: m.modelId,
    namespace: ns,
    replicas: replicaSamples(r.vllm, m.modelId, nowMs, r.engine),
    arrivalRatePerSec: completions,
    ...(completions !== undefined ? { arrivalSource: "completions" as const } : {}),
    avgInputTokens: model(r.vllm.avg_input_tokens),
    avgOutputTokens: model(r.vllm.avg_output_tokens),
    ttftMs: ms(model(r.vllm.avg_ttft)),
    itlMs: ms(model(r.vllm.avg_itl)),
    requestsInWindow: r.count,
    ...gatewayOf(r.gateway, m.modelId),
  };
}

type Timed = (name: string, expr: string) => Promise<PromSample[]>;

/** Runs the named queries together; the results by name. */
async function runAll<N extends string>(
  timed: Timed,
  names: readonly N[],
  queries: Readonly<Record<N, string>>,
): Promise<Readonly<Record<N, readonly PromSample[]>>> {
  const lists = await Promise.all(names.map((n) => timed(n, queries[n])));
  return Object.fromEntries(names.map((n, i) => [n, lists[i]!])) as Record<N, PromSample[]>;
}

/**
 * Requests of one model in its window: the most of what its servers completed and what arrived
 * for it at the gateway (gateway_queries.ts, `gatewayRequestCountQuery`: a server scaled from
 * zero is first scraped after serving what waited for it, so its counter alone reads 0). No
 * series at all is **unknown**, not 0: the counter of a model without replicas is gone, and an
 * unknown count must never make it idle.
 */
async function requestCount(timed: Timed, ns: string, m: ModelQuery): Promise<number | undefined> {
  if (m.requestWindowMs === undefined) return undefined;
  const windowSec = m.requestWindowMs / 1000;
  const [served, arrived] = await Promise.all([
    timed("request_count", requestCountQuery(ns, m.modelId, windowSec, m.engine ?? "vllm")),
    timed("gateway_request_count", gatewayRequestCountQuery(m.modelId, windowSec)),
  ]);
  const counts = [...served, ...arrived].map((s) => finiteOrUndefined(s.value))
    .filter((x): x is number => x !== undefined);
  return counts.length === 0 ? undefined : Math.max(...counts);
}

/** Creates the source over a Prometheus client. */
export function createPrometheusSource(
  client: PromQuery,
  options: PrometheusSourceOptions = {},
): MetricsSource {
  const windows = options.windows ?? DEFAULT_WINDOWS;
  const now = options.monotonicMs ?? (() => performance.now());
  const timed: Timed = async (name, expr) => {
    const t0 = now();
    try {
      const r = await client.instant(expr);
      options.observe?.({ name, seconds: (now() - t0) / 1000, ok: true });
      return r;
    } catch (err) {
      options.observe?.({ name, seconds: (now() - t0) / 1000, ok: false });
      throw err;
    }
  };
  async function namespace(
    ns: string,
    engine: InferenceEngine,
    models: readonly ModelQuery[],
    nowMs: number,
  ): Promise<ModelMetrics[]> {
    const scope = { namespace: ns, models: models.map((m) => m.modelId) };
    try {
      const [vllm, gateway, counts] = await Promise.all([
        runAll(timed, NAMESPACE_QUERY_NAMES, namespaceQueries(scope, windows, engine)),
        runAll(timed, GATEWAY_QUERY_NAMES, gatewayQueries(scope, windows.windowSec)),
        Promise.all(models.map((m) => requestCount(timed, ns, m))),
      ]);
      return models.map((m, i) =>
        modelOf(m, ns, { vllm, gateway, count: counts[i], engine }, nowMs)
      );
    } catch (err) {
      const error = (err as Error).message;
      return models.map((m) => ({ modelId: m.modelId, namespace: ns, error, replicas: [] }));
    }
  }
  return {
    async collect(request: MetricsRequest): Promise<readonly ModelMetrics[]> {
      // One query set per namespace and engine: SGLang models read the `sglang:` family.
      const groups = new Map<
        string,
        { ns: string; engine: InferenceEngine; models: ModelQuery[] }
      >();
      for (const m of request.models) {
        const engine = m.engine ?? "vllm";
        const key = `${m.namespace}\u0000${engine}`;
        const g = groups.get(key);
        if (g) g.models.push(m);
        else groups.set(key, { ns: m.namespace, engine, models: [m] });
      }
      const parts = await Promise.all(
        [...groups.values()].map((g) => namespace(g.ns, g.engine, g.models, request.nowMs)),
      );
      return parts.flat();
    },
  };
}
