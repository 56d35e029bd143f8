/**
 * The PromQL the controller runs (controller.md §3.4), as named templates over a selector of one
 * namespace and its models. Label values are escaped; several models of one namespace share each
 * query (grouped `by (model_name, …)`), so a cycle costs a fixed number of queries per namespace
 * rather than per model.
 *
 * | name | expression (vLLM) | result |
 * |---|---|---|
 * | `kv_cache_usage` | `max by (model_name,pod,llm_d_ai_variant) (max_over_time(vllm:kv_cache_usage_perc{…}[W]))` | per pod, 0..1 |
 * | `queue_length` | same with `vllm:num_requests_waiting` | per pod |
 * | `running_requests` | same with `vllm:num_requests_running` | per pod |
 * | `sample_time` | `max by (…) (timestamp(vllm:kv_cache_usage_perc{…}))` | per pod, s |
 * | `cache_config_info` | `max by (pod,num_gpu_blocks,block_size) (vllm:cache_config_info{namespace})` | per pod |
 * | `arrival_rate` | `sum by (model_name) (rate(vllm:request_success_total{…}[W]))` | req/s |
 * | `avg_input_tokens` | `rate(vllm:request_prompt_tokens_sum[5W]) / rate(…_count[5W])` | tokens |
 * | `avg_output_tokens` | same with `vllm:request_generation_tokens` | tokens |
 * | `avg_ttft` | `rate(vllm:time_to_first_token_seconds_sum[W]) / rate(…_count[W])` | s |
 * | `avg_itl` | same with `vllm:inter_token_latency_seconds` | s |
 * | `request_count` | `sum by (model_name) (increase(vllm:request_success_total{…}[R]))` | requests |
 *
 * @module
 */

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

function ratio(metric: string, sel: string, win: string): string {
  return `sum by (model_name) (rate(${metric}_sum{${sel}}[${win}])) / ` +
    `sum by (model_name) (rate(${metric}_count{${sel}}[${win}]))`;
}

/** The per-namespace queries of one cycle, by name. */
export function namespaceQueries(
  scope: QueryScope,
  windows: QueryWindows = DEFAULT_WINDOWS,
): Readonly<Record<NamespaceQueryName, string>> {
  const sel = scopeSelector(scope);
  const w = promDuration(windows.windowSec);
  const tw = promDuration(windows.tokenWindowSec);
  const gauge = (metric: string) => `max by (${POD_BY}) (max_over_time(${metric}{${sel}}[${w}]))`;
  return {
    kv_cache_usage: gauge("vllm:kv_cache_usage_perc"),
    queue_length: gauge("vllm:num_requests_waiting"),
    running_requests: gauge("vllm:num_requests_running"),
    sample_time: `max by (${POD_BY}) (timestamp(vllm:kv_cache_usage_perc{${sel}}))`,
    cache_config_info: `max by (pod,num_gpu_blocks,block_size) (vllm:cache_config_info{namespace="${
      escapeLabelValue(scope.namespace)
    }"})`,
    arrival_rate: `sum by (model_name) (rate(vllm:request_success_total{${sel}}[${w}]))`,
    avg_input_tokens: ratio("vllm:request_prompt_tokens", sel, tw),
    avg_output_tokens: ratio("vllm:request_generation_tokens", sel, tw),
    avg_ttft: ratio("vllm:time_to_first_token_seconds", sel, w),
    avg_itl: ratio("vllm:inter_token_latency_seconds", sel, w),
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
] as const;

/** A per-namespace query name. */
export type NamespaceQueryName = typeof NAMESPACE_QUERY_NAMES[number];

/** Requests served by one model over a window (scale-to-zero idleness). */
export function requestCountQuery(
  namespace: string,
  modelId: string,
  windowSec: number,
): string {
  const sel = scopeSelector({ namespace, models: [modelId] });
  return `sum by (model_name) (increase(vllm:request_success_total{${sel}}[${
    promDuration(windowSec)
  }]))`;
}
