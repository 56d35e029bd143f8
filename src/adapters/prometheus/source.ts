/**
 * The Prometheus `MetricsSource` of the control cycle: runs the named queries of
 * `queries.ts` once per namespace (all models of the namespace together), and assembles
 * per-replica samples and per-model load.
 *
 * - Missing series are tolerated: a field without data stays undefined.
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
  DEFAULT_WINDOWS,
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

function replicaSamples(r: Results, modelId: string, nowMs: number): ReplicaSample[] {
  const kv = byPod(r.kv_cache_usage);
  const queue = byPod(r.queue_length);
  const running = byPod(r.running_requests);
  const times = byPod(r.sample_time);
  const cache = new Map(r.cache_config_info.map((s) => [s.labels.pod ?? "", s.labels]));
  const keys = new Set([...kv.keys(), ...queue.keys()]);
  const out: ReplicaSample[] = [];
  for (const key of [...keys].sort()) {
    const [model, pod] = key.split("\u0000") as [string, string];
    if (model !== modelId) continue;
    const any = kv.get(key) ?? queue.get(key)!;
    const t = times.get(key);
    const ageMs = t && Number.isFinite(t.value) ? Math.max(0, t.atMs - t.value * 1000) : undefined;
    const info = cache.get(pod);
    const variant = any.labels.llm_d_ai_variant;
    out.push({
      replicaId: pod,
      ...(variant ? { variant } : {}),
      kvUsage01: finiteOrUndefined(kv.get(key)?.value),
      queueLength: finiteOrUndefined(queue.get(key)?.value),
      runningRequests: finiteOrUndefined(running.get(key)?.value),
      numGpuBlocks: finiteOrUndefined(info ? Number(info.num_gpu_blocks) : undefined),
      blockSize: finiteOrUndefined(info ? Number(info.block_size) : undefined),
      sampleMs: ageMs === undefined ? undefined : nowMs - ageMs,
    });
  }
  return out;
}

/** Creates the source over a Prometheus client. */
export function createPrometheusSource(
  client: PromQuery,
  options: PrometheusSourceOptions = {},
): MetricsSource {
  const windows = options.windows ?? DEFAULT_WINDOWS;
  const now = options.monotonicMs ?? (() => performance.now());
  async function timed(name: string, expr: string): Promise<PromSample[]> {
    const t0 = now();
    try {
      const r = await client.instant(expr);
      options.observe?.({ name, seconds: (now() - t0) / 1000, ok: true });
      return r;
    } catch (err) {
      options.observe?.({ name, seconds: (now() - t0) / 1000, ok: false });
      throw err;
    }
  }
  async function namespace(
    ns: string,
    models: readonly ModelQuery[],
    nowMs: number,
  ): Promise<ModelMetrics[]> {
    const queries = namespaceQueries(
      { namespace: ns, models: models.map((m) => m.modelId) },
      windows,
    );
    let results: Results;
    let counts: (number | undefined)[];
    try {
      const lists = await Promise.all(NAMESPACE_QUERY_NAMES.map((n) => timed(n, queries[n])));
      const entries = NAMESPACE_QUERY_NAMES.map((n, i) => [n, lists[i]!] as const);
      results = Object.fromEntries(entries) as unknown as Results;
      counts = await Promise.all(models.map(async (m) => {
        if (m.requestWindowMs === undefined) return undefined;
        const expr = requestCountQuery(ns, m.modelId, m.requestWindowMs / 1000);
        const r = await timed("request_count", expr);
        // No series at all: no request was ever recorded in the window.
        return r.length === 0 ? 0 : finiteOrUndefined(r[0]!.value);
      }));
    } catch (err) {
      const error = (err as Error).message;
      return models.map((m) => ({ modelId: m.modelId, namespace: ns, error, replicas: [] }));
    }
    const rate = byModel(results.arrival_rate);
    const input = byModel(results.avg_input_tokens);
    const output = byModel(results.avg_output_tokens);
    const ttft = byModel(results.avg_ttft);
    const itl = byModel(results.avg_itl);
    const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
    return models.map((m, i) => ({
      modelId: m.modelId,
      namespace: ns,
      replicas: replicaSamples(results, m.modelId, nowMs),
      arrivalRatePerSec: finiteOrUndefined(rate.get(m.modelId)),
      avgInputTokens: finiteOrUndefined(input.get(m.modelId)),
      avgOutputTokens: finiteOrUndefined(output.get(m.modelId)),
      ttftMs: ms(finiteOrUndefined(ttft.get(m.modelId))),
      itlMs: ms(finiteOrUndefined(itl.get(m.modelId))),
      requestsInWindow: counts[i],
    }));
  }
  return {
    async collect(request: MetricsRequest): Promise<readonly ModelMetrics[]> {
      const byNs = new Map<string, ModelQuery[]>();
      for (const m of request.models) {
        const list = byNs.get(m.namespace);
        if (list) list.push(m);
        else byNs.set(m.namespace, [m]);
      }
      const parts = await Promise.all(
        [...byNs].map(([ns, models]) => namespace(ns, models, request.nowMs)),
      );
      return parts.flat();
    },
  };
}
