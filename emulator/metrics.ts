/**
 * The vLLM metric surface (names, types, labels and buckets of vLLM v1's Prometheus logger) on a
 * prom-client registry of its own: no default process metrics, which do not work under Deno.
 *
 * Gauges read the engine when scraped, so a scrape always sees the engine's current state.
 * Latency histograms are fed from engine events in engine time: TTFT from arrival (queue
 * included), queue time for every finished request, one ITL sample per token.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { EngineStats, FinishReason, SequenceTiming } from "./engine/types.ts";
import {
  buckets125,
  ITERATION_TOKEN_BUCKETS as ITER,
  ITL_BUCKETS_SEC as ITL,
  N_BUCKETS,
  REQUEST_BUCKETS_SEC as REQ,
  TTFT_BUCKETS_SEC as TTFT,
} from "./metric_buckets.ts";

/** Options for {@linkcode createVllmMetrics}. */
export interface VllmMetricsOptions {
  readonly modelName: string;
  readonly engineLabel: string;
  readonly maxModelLen: number;
  readonly blockSize: number;
  readonly numGpuBlocks: number;
  /** Also export the deprecated names (`gpu_cache_usage_perc`, `time_per_output_token_seconds`). */
  readonly deprecatedAliases: boolean;
  /** Reads the engine's gauges at scrape time. */
  readonly stats: () => EngineStats;
}

/** Feeds and exposes the metrics. */
export interface VllmMetrics {
  readonly registry: Registry;
  /** A token was produced: index 0 observes TTFT (gap = since arrival), later ones ITL. */
  observeToken(index: number, gapMs: number): void;
  /** A decode step started with `batch` sequences after `prefillTokens` prefilled tokens. */
  observeStep(batch: number, prefillTokens: number): void;
  /** A sequence finished; `maxTokens` is the request's max_tokens if it set one. */
  observeFinish(reason: FinishReason, timing: SequenceTiming, maxTokens?: number): void;
  /** A request with `n` sequences was accepted. */
  observeRequest(n: number): void;
  /** A sequence was preempted. */
  observePreemption(): void;
  /** A failure was injected (not a vLLM metric). */
  observeInjectedFailure(type: string): void;
  /** How late the step timer fired (ms; not a vLLM metric). */
  setTimerLag(ms: number): void;
  /** The exposition text. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** Creates the registry and every metric, with series pre-created at zero. */
export function createVllmMetrics(options: VllmMetricsOptions): VllmMetrics {
  const registry = new Registry();
  const labels = { model_name: options.modelName, engine: options.engineLabel };
  const labelNames = ["model_name", "engine"] as const;
  const registers = [registry];
  function gauge(name: string, help: string, read: (s: EngineStats) => number): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.set(labels, read(options.stats()));
      },
    });
  }
  function histogram(name: string, help: string, buckets: readonly number[]) {
    const h = new Histogram({ name, help, labelNames, registers, buckets: [...buckets] });
    h.zero(labels); // series exist before the first observation, as in vLLM
    return h.labels(labels);
  }
  function counter(name: string, help: string) {
    const c = new Counter({ name, help, labelNames, registers }).labels(labels);
    c.inc(0);
    return c;
  }
  gauge(
    "vllm:num_requests_running",
    "Number of requests in model execution batches.",
    (s) => s.running,
  );
  gauge(
    "vllm:num_requests_waiting",
    "Number of requests waiting to be processed.",
    (s) => s.waiting,
  );
  gauge(
    "vllm:kv_cache_usage_perc",
    "KV-cache usage. 1 means 100 percent usage.",
    (s) => s.kvUsage01,
  );
  if (options.deprecatedAliases) {
    gauge(
      "vllm:gpu_cache_usage_perc",
      "Deprecated alias of vllm:kv_cache_usage_perc.",
      (s) => s.kvUsage01,
    );
  }
  const cacheInfo = new Gauge({
    name: "vllm:cache_config_info",
    help: "Information of the LLMEngine CacheConfig.",
    labelNames: [
      "block_size",
      "num_gpu_blocks",
      "cache_dtype",
      "enable_prefix_caching",
      "gpu_memory_utilization",
      "engine",
    ],
    registers,
  });
  cacheInfo.set({
    block_size: String(options.blockSize),
    num_gpu_blocks: String(options.numGpuBlocks),
    cache_dtype: "auto",
    enable_prefix_caching: "False",
    gpu_memory_utilization: "0.9",
    engine: options.engineLabel,
  }, 1);
  const success = new Counter({
    name: "vllm:request_success_total",
    help: "Count of successfully processed requests.",
    labelNames: ["model_name", "engine", "finished_reason"],
    registers,
  });
  for (const reason of ["stop", "length", "abort"]) {
    success.inc({ ...labels, finished_reason: reason }, 0);
  }
  const promptTotal = counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.");
  const genTotal = counter("vllm:generation_tokens_total", "Number of generation tokens.");
  const preemptions = counter("vllm:num_preemptions_total", "Cumulative number of preemptions.");
  const prefixQueries = counter(
    "vllm:prefix_cache_queries_total",
    "Prefix cache queries (tokens).",
  );
  counter("vllm:prefix_cache_hits_total", "Prefix cache hits (tokens); always 0 here.");
  const h = (name: string, help: string, buckets: readonly number[]) =>
    histogram(`vllm:${name}`, help, buckets);
  const ttft = h("time_to_first_token_seconds", "Time to first token in seconds.", TTFT);
  const itl = h("inter_token_latency_seconds", "Inter-token latency in seconds.", ITL);
  const tpotAlias = options.deprecatedAliases
    ? h("time_per_output_token_seconds", "Deprecated alias of inter_token_latency_seconds.", ITL)
    : undefined;
  const reqTpot = h(
    "request_time_per_output_token_seconds",
    "Decode time per token, per request.",
    ITL,
  );
  const e2e = h("e2e_request_latency_seconds", "End-to-end request latency in seconds.", REQ);
  const queue = h("request_queue_time_seconds", "Time spent WAITING in seconds.", REQ);
  const inference = h("request_inference_time_seconds", "Time spent RUNNING in seconds.", REQ);
  const prefill = h("request_prefill_time_seconds", "Time spent in PREFILL in seconds.", REQ);
  const decode = h("request_decode_time_seconds", "Time spent in DECODE in seconds.", REQ);
  const tok = buckets125(options.maxModelLen);
  const promptHist = h("request_prompt_tokens", "Prompt tokens per request.", tok);
  const genHist = h("request_generation_tokens", "Generated tokens per request.", tok);
  const maxGenHist = h(
    "request_max_num_generation_tokens",
    "Max generation tokens per request.",
    tok,
  );
  const maxTokensHist = h("request_params_max_tokens", "The max_tokens request parameter.", tok);
  const nHist = h("request_params_n", "The n request parameter.", N_BUCKETS);
  const iterTokens = h("iteration_tokens_total", "Tokens per engine step.", ITER);
  const injected = new Counter({
    name: "wva_emulator_injected_failures_total",
    help: "Failures injected by the emulator (not a vLLM metric).",
    labelNames: ["type"],
    registers,
  });
  const lag = new Gauge({
    name: "wva_emulator_timer_lag_seconds",
    help: "How late the emulator's step timer last fired (not a vLLM metric).",
    registers,
  });
  return {
    registry,
    contentType: registry.contentType,
    observeToken(index, gapMs) {
      if (index === 0) {
        ttft.observe(gapMs / 1000);
        return;
      }
      itl.observe(gapMs / 1000);
      tpotAlias?.observe(gapMs / 1000);
    },
    observeStep(batch, prefillTokens) {
      iterTokens.observe(batch + prefillTokens);
    },
    observeFinish(reason, t, maxTokens) {
      success.inc({ ...labels, finished_reason: reason });
      promptTotal.inc(t.promptTokens);
      genTotal.inc(t.generatedTokens);
      if (t.scheduledMs >= 0) prefixQueries.inc(t.promptTokens);
      if (reason === "abort") return;
      e2e.observe((t.finishedMs - t.arrivalMs) / 1000);
      queue.observe((t.scheduledMs - t.arrivalMs) / 1000);
      inference.observe((t.lastTokenMs - t.scheduledMs) / 1000);
      prefill.observe((t.firstTokenMs - t.scheduledMs) / 1000);
      decode.observe((t.lastTokenMs - t.firstTokenMs) / 1000);
      const tpotSec = t.generatedTokens > 1
        ? (t.lastTokenMs - t.firstTokenMs) / 1000 / (t.generatedTokens - 1)
        : 0;
      reqTpot.observe(tpotSec);
      promptHist.observe(t.promptTokens);
      genHist.observe(t.generatedTokens);
      maxGenHist.observe(maxTokens ?? t.generatedTokens);
      if (maxTokens !== undefined) maxTokensHist.observe(maxTokens);
    },
    observeRequest(n) {
      nHist.observe(n);
    },
    observePreemption() {
      preemptions.inc();
    },
    observeInjectedFailure(type) {
      injected.inc({ type });
    },
    setTimerLag(ms) {
      lag.set(ms / 1000);
    },
    text: () => registry.metrics(),
  };
}
