/**
 * Reads one scrape of a vLLM server (parsed Prometheus text) into the numbers a controller needs:
 * the gauges at scrape time and the cumulative counters and histogram sums from which rates and
 * averages are computed between scrapes. Pure.
 *
 * | field | vLLM series | across engines |
 * |---|---|---|
 * | `kvUsage01` | `vllm:kv_cache_usage_perc` (or the old `vllm:gpu_cache_usage_perc`) | mean |
 * | `queueLength` | `vllm:num_requests_waiting` | sum |
 * | `runningRequests` | `vllm:num_requests_running` | sum |
 * | `numGpuBlocks`, `blockSize` | labels of `vllm:cache_config_info` | first |
 * | `counters.requests` | `vllm:request_success_total` (every `finished_reason`) | sum |
 * | `counters.promptTokens*` | `vllm:request_prompt_tokens_sum` / `_count` | sum |
 * | `counters.outputTokens*` | `vllm:request_generation_tokens_sum` / `_count` | sum |
 * | `counters.ttft*` | `vllm:time_to_first_token_seconds_sum` / `_count` (seconds) | sum |
 * | `counters.itl*` | `vllm:inter_token_latency_seconds_sum` / `_count` (seconds) | sum |
 *
 * Series of another model (`model_name` label) are ignored when a model is given.
 *
 * @module
 */
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

const COUNTER_SERIES: Readonly<Record<string, keyof VllmCounters>> = {
  "vllm:request_success_total": "requests",
  "vllm:request_prompt_tokens_sum": "promptTokensSum",
  "vllm:request_prompt_tokens_count": "promptTokensCount",
  "vllm:request_generation_tokens_sum": "outputTokensSum",
  "vllm:request_generation_tokens_count": "outputTokensCount",
  "vllm:time_to_first_token_seconds_sum": "ttftSecondsSum",
  "vllm:time_to_first_token_seconds_count": "ttftCount",
  "vllm:inter_token_latency_seconds_sum": "itlSecondsSum",
  "vllm:inter_token_latency_seconds_count": "itlCount",
};

/**
 * Extracts a {@linkcode VllmSnapshot} from parsed samples.
 *
 * @example
 * ```ts
 * import { parsePromText } from "./prom_text.ts";
 * import { readVllmSnapshot } from "./vllm_snapshot.ts";
 * const text = 'vllm:num_requests_waiting{model_name="m",engine="0"} 3\n';
 * const s = readVllmSnapshot(parsePromText(text).samples, "m");
 * if (s.queueLength !== 3) throw new Error("bad");
 * ```
 */
export function readVllmSnapshot(
  samples: readonly PromTextSample[],
  modelId?: string,
): VllmSnapshot {
  const counters: Record<keyof VllmCounters, number> = { ...ZERO_COUNTERS };
  const kvNew: number[] = [];
  const kvOld: number[] = [];
  let queue: number | undefined;
  let running: number | undefined;
  let blocks: number | undefined;
  let blockSize: number | undefined;
  for (const s of samples) {
    const model = s.labels.model_name;
    if (s.name === "vllm:cache_config_info") {
      blocks ??= readNumber(s.labels.num_gpu_blocks ?? "");
      blockSize ??= readNumber(s.labels.block_size ?? "");
      continue;
    }
    if (modelId !== undefined && model !== undefined && model !== modelId) continue;
    if (!Number.isFinite(s.value)) continue;
    const counter = COUNTER_SERIES[s.name];
    if (counter) {
      counters[counter] += s.value;
      continue;
    }
    switch (s.name) {
      case "vllm:kv_cache_usage_perc":
        kvNew.push(s.value);
        break;
      case "vllm:gpu_cache_usage_perc":
        kvOld.push(s.value);
        break;
      case "vllm:num_requests_waiting":
        queue = (queue ?? 0) + s.value;
        break;
      case "vllm:num_requests_running":
        running = (running ?? 0) + s.value;
        break;
    }
  }
  const kv = kvNew.length > 0 ? kvNew : kvOld;
  return {
    kvUsage01: kv.length > 0 ? kv.reduce((a, b) => a + b, 0) / kv.length : undefined,
    queueLength: queue,
    runningRequests: running,
    numGpuBlocks: blocks,
    blockSize,
    counters,
  };
}
