/**
 * The PromQL the controller runs (controller.md §3.4), as named templates over a selector of one
 * namespace and its models, for the serving engine of the variants: vLLM (`vllm:` series) or
 * SGLang (`sglang:` series; the engine comes from the pod template, src/core/api/engine.ts).
 * Label values are escaped; several models of one namespace share each query (grouped
 * `by (model_name, …)`), so a cycle costs a fixed number of queries per namespace and engine
 * rather than per model.
 *
 * | name | expression (vLLM) | SGLang series | result |
 * |---|---|---|---|
 * | `kv_cache_usage` | `max by (model_name,pod,llm_d_ai_variant) (max_over_time(vllm:kv_cache_usage_perc{…}[W]))` | `sglang:token_usage` | per pod, 0..1 |
 * | `queue_length` | same with `vllm:num_requests_waiting` | `sglang:num_queue_reqs` | per pod |
 * | `running_requests` | same with `vllm:num_requests_running` | `sglang:num_running_reqs` | per pod |
 * | `sample_time` | `max by (…) (timestamp(vllm:kv_cache_usage_perc{…}))` | `sglang:token_usage` | per pod, s |
 * | `cache_config_info` | `max by (pod,num_gpu_blocks,block_size) (vllm:cache_config_info{namespace})` | `max by (pod) (sglang:max_total_num_tokens{namespace})`: the value is the KV size in tokens ({@linkcode kvGeometry}) | per pod |
 * | `arrival_rate` | `sum by (model_name) (rate(vllm:request_success_total{…}[W]))` | `sglang:num_requests_total` | req/s |
 * | `avg_input_tokens` | `rate(vllm:request_prompt_tokens_sum[5W]) / rate(…_count[5W])` | `sglang:prompt_tokens_histogram` | tokens |
 * | `avg_output_tokens` | same with `vllm:request_generation_tokens` | `sglang:generation_tokens_histogram` | tokens |
 * | `avg_ttft` | `rate(vllm:time_to_first_token_seconds_sum[W]) / rate(…_count[W])` | `sglang:time_to_first_token_seconds` | s |
 * | `avg_itl` | same with `vllm:inter_token_latency_seconds` | `sglang:inter_token_latency_seconds` | s |
 * | `replica_itl` | `sum by (model_name,pod,llm_d_ai_variant) (rate(vllm:inter_token_latency_seconds_sum{…}[W])) / sum by (…) (rate(…_count{…}[W]))` | `sglang:inter_token_latency_seconds` | per pod, s (the throughput analyzer's samples) |
 * | `kv_usage_instant` | `max by (model_name,pod,llm_d_ai_variant) (vllm:kv_cache_usage_perc{…})` | `sglang:token_usage` | per pod, 0..1 now |
 * | `request_count` | `sum by (model_name) (increase(vllm:request_success_total{…}[R]))` | `sglang:num_requests_total` | requests |
 *
 * @module
 */
import type { InferenceEngine } from "../../core/api/engine.ts";

/** Escapes a label value for a PromQL double-quoted string. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escapes regex metacharacters (RE2) so a value matches itself literally. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Which series a query covers: one namespace, one or more models. */
export interface QueryScope {
  readonly namespace: string;
  /** At least one model id. */
  readonly models: readonly string[];
}

/** Renders the label matchers of a scope: `namespace="ns",model_name="m"` (or `=~"^(a|b)$"`). */
export function scopeSelector(scope: QueryScope): string {
  const ns = `namespace="${escapeLabelValue(scope.namespace)}"`;
  const models = [...new Set(scope.models)].sort();
  if (models.length === 1) return `${ns},model_name="${escapeLabelValue(models[0]!)}"`;
  const alternation = models.map(escapeRegex).join("|");
  return `${ns},model_name=~"${escapeLabelValue(`^(?:${alternation})$`)}"`;
}

/** Formats seconds as a PromQL duration (`60s`). */
export function promDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`a PromQL window must be positive seconds, got ${seconds}`);
  }
  return `${Math.round(seconds)}s`;
}

/** Windows of the queries in seconds. */
export interface QueryWindows {
  /** Gauge max_over_time and rates. @default 60 */
  readonly windowSec: number;
  /** Token-size averages. @default 5 × windowSec */
  readonly tokenWindowSec: number;
}

/** Default windows: 1 minute, 5 minutes for token averages. */
export const DEFAULT_WINDOWS: QueryWindows = { windowSec: 60, tokenWindowSec: 300 };

const POD_BY = "model_name,pod,llm_d_ai_variant";

/** The series of one engine, by what the controller reads (histograms by their base name). */
export interface EngineSeries {
  /** KV-cache fraction in use, 0..1 (gauge). */
  readonly kvUsage: string;
  /** Requests waiting for a batch slot (gauge). */
  readonly queueLength: string;
  /** Requests being decoded (gauge). */
  readonly runningRequests: string;
  /** KV size: vLLM's info series with `num_gpu_blocks`/`block_size` labels, SGLang's gauge in tokens. */
  readonly kvCapacity: string;
  /** Finished requests (counter). */
  readonly requestsFinished: string;
  /** Histograms (`_sum`/`_count`) of prompt and generated tokens per request. */
  readonly promptTokens: string;
  readonly outputTokens: string;
  /** Histograms (`_sum`/`_count`, seconds) of time to first token and inter-token latency. */
  readonly ttftSeconds: string;
  readonly itlSeconds: string;
}

/** What each engine exports (controller.md §3.4). */
export const ENGINE_SERIES: Readonly<Record<InferenceEngine, EngineSeries>> = {
  vllm: {
    kvUsage: "vllm:kv_cache_usage_perc",
    queueLength: "vllm:num_requests_waiting",
    runningRequests: "vllm:num_requests_running",
    kvCapacity: "vllm:cache_config_info",
    requestsFinished: "vllm:request_success_total",
    promptTokens: "vllm:request_prompt_tokens",
    outputTokens: "vllm:request_generation_tokens",
    ttftSeconds: "vllm:time_to_first_token_seconds",
    itlSeconds: "vllm:inter_token_latency_seconds",
  },
  sglang: {
    kvUsage: "sglang:token_usage",
    queueLength: "sglang:num_queue_reqs",
    runningRequests: "sglang:num_running_reqs",
    kvCapacity: "sglang:max_total_num_tokens",
    requestsFinished: "sglang:num_requests_total",
    promptTokens: "sglang:prompt_tokens_histogram",
    outputTokens: "sglang:generation_tokens_histogram",
    ttftSeconds: "sglang:time_to_first_token_seconds",
    itlSeconds: "sglang:inter_token_latency_seconds",
  },
};

/**
 * KV geometry of one `cache_config_info` result sample: vLLM's labels, or SGLang's value in
 * tokens as blocks of one token (SGLang's default page size), so capacity = blocks × size
 * either way. Undefined when the sample carries neither.
 */
export function kvGeometry(
  engine: InferenceEngine,
  sample: { readonly labels: Readonly<Record<string, string>>; readonly value: number },
): { readonly numGpuBlocks: number; readonly blockSize: number } | undefined {
  const [blocks, size] = engine === "sglang"
    ? [sample.value, 1]
    : [Number(sample.labels.num_gpu_blocks), Number(sample.labels.block_size)];
  return Number.isFinite(blocks) && Number.isFinite(size) && blocks > 0 && size > 0
    ? { numGpuBlocks: blocks, blockSize: size }
    : undefined;
}

function ratio(metric: string, sel: string, win: string): string {
  return `sum by (model_name) (rate(${metric}_sum{${sel}}[${win}])) / ` +
    `sum by (model_name) (rate(${metric}_count{${sel}}[${win}]))`;
}

/** The per-namespace queries of one cycle for one engine's series, by name. */
export function namespaceQueries(
  scope: QueryScope,
  windows: QueryWindows = DEFAULT_WINDOWS,
  engine: InferenceEngine = "vllm",
): Readonly<Record<NamespaceQueryName, string>> {
  const m = ENGINE_SERIES[engine];
  const sel = scopeSelector(scope);
  const w = promDuration(windows.windowSec);
  const tw = promDuration(windows.tokenWindowSec);
  const ns = `namespace="${escapeLabelValue(scope.namespace)}"`;
  const gauge = (metric: string) => `max by (${POD_BY}) (max_over_time(${metric}{${sel}}[${w}]))`;
  return {
    kv_cache_usage: gauge(m.kvUsage),
    queue_length: gauge(m.queueLength),
    running_requests: gauge(m.runningRequests),
    sample_time: `max by (${POD_BY}) (timestamp(${m.kvUsage}{${sel}}))`,
    cache_config_info: engine === "sglang"
      ? `max by (pod) (${m.kvCapacity}{${ns}})`
      : `max by (pod,num_gpu_blocks,block_size) (${m.kvCapacity}{${ns}})`,
    arrival_rate: `sum by (model_name) (rate(${m.requestsFinished}{${sel}}[${w}]))`,
    avg_input_tokens: ratio(m.promptTokens, sel, tw),
    avg_output_tokens: ratio(m.outputTokens, sel, tw),
    avg_ttft: ratio(m.ttftSeconds, sel, w),
    avg_itl: ratio(m.itlSeconds, sel, w),
    replica_itl: `sum by (${POD_BY}) (rate(${m.itlSeconds}_sum{${sel}}[${w}])) / ` +
      `sum by (${POD_BY}) (rate(${m.itlSeconds}_count{${sel}}[${w}]))`,
    kv_usage_instant: `max by (${POD_BY}) (${m.kvUsage}{${sel}})`,
  };
}

/** Names of {@linkcode namespaceQueries}. */
export const NAMESPACE_QUERY_NAMES = [
  "kv_cache_usage",
  "queue_length",
  "running_requests",
  "sample_time",
  "cache_config_info",
  "arrival_rate",
  "avg_input_tokens",
  "avg_output_tokens",
  "avg_ttft",
  "avg_itl",
  "replica_itl",
  "kv_usage_instant",
] as const;

/** A per-namespace query name. */
export type NamespaceQueryName = typeof NAMESPACE_QUERY_NAMES[number];

/** Requests served by one model over a window (scale-to-zero idleness). */
export function requestCountQuery(
  namespace: string,
  modelId: string,
  windowSec: number,
  engine: InferenceEngine = "vllm",
): string {
  const sel = scopeSelector({ namespace, models: [modelId] });
  return `sum by (model_name) (increase(${ENGINE_SERIES[engine].requestsFinished}{${sel}}[${
    promDuration(windowSec)
  }]))`;
}
