/**
 * Reads one scrape of a serving engine — vLLM or SGLang, whichever family the text holds —
 * (parsed Prometheus text) into the numbers a controller needs: the gauges at scrape time and
 * the cumulative counters and histogram sums from which rates and averages are computed between
 * scrapes. Pure.
 *
 * | field | vLLM series | SGLang series | across engines/ranks |
 * |---|---|---|---|
 * | `kvUsage01` | `vllm:kv_cache_usage_perc` (or the old `vllm:gpu_cache_usage_perc`) | `sglang:token_usage` | mean |
 * | `queueLength` | `vllm:num_requests_waiting` | `sglang:num_queue_reqs` | sum |
 * | `runningRequests` | `vllm:num_requests_running` | `sglang:num_running_reqs` | sum |
 * | `numGpuBlocks`, `blockSize` | labels of `vllm:cache_config_info` | `sglang:max_total_num_tokens` as blocks of 1 token | first |
 * | `counters.requests` | `vllm:request_success_total` (every `finished_reason`) | `sglang:num_requests_total` | sum |
 * | `counters.promptTokens*` | `vllm:request_prompt_tokens_sum` / `_count` | `sglang:prompt_tokens_histogram_sum` / `_count` | sum |
 * | `counters.outputTokens*` | `vllm:request_generation_tokens_sum` / `_count` | `sglang:generation_tokens_histogram_sum` / `_count` | sum |
 * | `counters.ttft*` | `vllm:time_to_first_token_seconds_sum` / `_count` (s) | `sglang:time_to_first_token_seconds_…` | sum |
 * | `counters.itl*` | `vllm:inter_token_latency_seconds_sum` / `_count` (s) | `sglang:inter_token_latency_seconds_…` | sum |
 *
 * Series of another model (`model_name` label) are ignored when a model is given.
 *
 * @module
 */
import type { InferenceEngine } from "../../core/api/engine.ts";
import { readNumber } from "../../core/util/coerce.ts";
import type { PromTextSample } from "./prom_text.ts";

/** Cumulative values (they only grow, except when the server restarts). */
export interface VllmCounters {
  readonly requests: number;
  readonly promptTokensSum: number;
  readonly promptTokensCount: number;
  readonly outputTokensSum: number;
  readonly outputTokensCount: number;
  readonly ttftSecondsSum: number;
  readonly ttftCount: number;
  readonly itlSecondsSum: number;
  readonly itlCount: number;
}

/** One scrape of one server. Missing gauges are undefined (the server did not export them). */
export interface VllmSnapshot {
  readonly kvUsage01?: number | undefined;
  readonly queueLength?: number | undefined;
  readonly runningRequests?: number | undefined;
  readonly numGpuBlocks?: number | undefined;
  readonly blockSize?: number | undefined;
  readonly counters: VllmCounters;
  /** The metric family the scrape held (`sglang` when it had any `sglang:` series we read). */
  readonly engine?: InferenceEngine | undefined;
}

/** Every counter at zero (a server that has served nothing yet). */
export const ZERO_COUNTERS: VllmCounters = Object.freeze({
  requests: 0,
  promptTokensSum: 0,
  promptTokensCount: 0,
  outputTokensSum: 0,
  outputTokensCount: 0,
  ttftSecondsSum: 0,
  ttftCount: 0,
  itlSecondsSum: 0,
  itlCount: 0,
});

/** Histogram base names per counter pair, for both families. */
const HISTOGRAMS: readonly [string, keyof VllmCounters, keyof VllmCounters][] = [
  ["vllm:request_prompt_tokens", "promptTokensSum", "promptTokensCount"],
  ["vllm:request_generation_tokens", "outputTokensSum", "outputTokensCount"],
  ["vllm:time_to_first_token_seconds", "ttftSecondsSum", "ttftCount"],
  ["vllm:inter_token_latency_seconds", "itlSecondsSum", "itlCount"],
  ["sglang:prompt_tokens_histogram", "promptTokensSum", "promptTokensCount"],
  ["sglang:generation_tokens_histogram", "outputTokensSum", "outputTokensCount"],
  ["sglang:time_to_first_token_seconds", "ttftSecondsSum", "ttftCount"],
  ["sglang:inter_token_latency_seconds", "itlSecondsSum", "itlCount"],
];

const COUNTER_SERIES: Readonly<Record<string, keyof VllmCounters>> = {
  "vllm:request_success_total": "requests",
  "sglang:num_requests_total": "requests",
  ...Object.fromEntries(
    HISTOGRAMS.flatMap(([base, sum, count]) => [[`${base}_sum`, sum], [`${base}_count`, count]]),
  ),
};

type Gauge = "kv" | "kvOld" | "queue" | "running";

const GAUGE_SERIES: Readonly<Record<string, Gauge>> = {
  "vllm:kv_cache_usage_perc": "kv",
  "vllm:gpu_cache_usage_perc": "kvOld",
  "sglang:token_usage": "kv",
  "vllm:num_requests_waiting": "queue",
  "sglang:num_queue_reqs": "queue",
  "vllm:num_requests_running": "running",
  "sglang:num_running_reqs": "running",
};

interface Acc {
  readonly counters: Record<keyof VllmCounters, number>;
  readonly gauges: Record<Gauge, number[]>;
  blocks?: number | undefined;
  blockSize?: number | undefined;
  sglang: boolean;
}

function sum(values: readonly number[]): number | undefined {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
}

/** Reads the KV size series (vLLM's labels have no model; SGLang's value is in tokens). */
function readKvSize(s: PromTextSample, acc: Acc): boolean {
  if (s.name === "vllm:cache_config_info") {
    acc.blocks ??= readNumber(s.labels.num_gpu_blocks ?? "");
    acc.blockSize ??= readNumber(s.labels.block_size ?? "");
    return true;
  }
  if (s.name === "sglang:max_total_num_tokens") {
    if (acc.blocks === undefined && Number.isFinite(s.value) && s.value > 0) {
      [acc.blocks, acc.blockSize] = [s.value, 1];
    }
    acc.sglang = true;
    return true;
  }
  return false;
}

/**
 * Extracts a {@linkcode VllmSnapshot} from parsed samples of either engine.
 *
 * @example
 * ```ts
 * import { parsePromText } from "./prom_text.ts";
 * import { readVllmSnapshot } from "./vllm_snapshot.ts";
 * const text = 'sglang:num_queue_reqs{model_name="m",tp_rank="0"} 3\n';
 * const s = readVllmSnapshot(parsePromText(text).samples, "m");
 * if (s.queueLength !== 3 || s.engine !== "sglang") throw new Error("bad");
 * ```
 */
export function readVllmSnapshot(
  samples: readonly PromTextSample[],
  modelId?: string,
): VllmSnapshot {
  const acc: Acc = {
    counters: { ...ZERO_COUNTERS },
    gauges: { kv: [], kvOld: [], queue: [], running: [] },
    sglang: false,
  };
  for (const s of samples) {
    const model = s.labels.model_name;
    // vLLM's info series has no model label: read it before the model filter.
    if (s.name === "vllm:cache_config_info" && readKvSize(s, acc)) continue;
    if (modelId !== undefined && model !== undefined && model !== modelId) continue;
    if (readKvSize(s, acc) || !Number.isFinite(s.value)) continue;
    const counter = COUNTER_SERIES[s.name];
    const gauge = GAUGE_SERIES[s.name];
    if (counter) acc.counters[counter] += s.value;
    else if (gauge) acc.gauges[gauge].push(s.value);
    else continue;
    if (s.name.startsWith("sglang:")) acc.sglang = true;
  }
  const kv = acc.gauges.kv.length > 0 ? acc.gauges.kv : acc.gauges.kvOld;
  const kvSum = sum(kv);
  return {
    kvUsage01: kvSum === undefined ? undefined : kvSum / kv.length,
    queueLength: sum(acc.gauges.queue),
    runningRequests: sum(acc.gauges.running),
    numGpuBlocks: acc.blocks,
    blockSize: acc.blockSize,
    counters: acc.counters,
    engine: acc.sglang ? "sglang" : "vllm",
  };
}
