/**
 * The vLLM metric surface (names, types, labels and buckets of vLLM v1's Prometheus logger),
 * kept in plain numbers and typed arrays (emulator/exposition.ts) rather than prom-client: an
 * observation allocates nothing and a scrape renders in well under a millisecond, even while
 * thousands of streams decode.
 *
 * Gauges read the engine when scraped, so a scrape always sees the engine's current state.
 * Latency histograms are fed from engine events in engine time: TTFT from arrival (queue
 * included), queue time for every finished request, one ITL sample per token.
 *
 * @module
 */
import type { EngineStats, FinishReason, SequenceTiming } from "./engine/types.ts";
import {
  addEmulatorExtras,
  type EngineMetrics,
  type EngineMetricsOptions,
  extrasMethods,
} from "./metrics_common.ts";
import {
  CounterFamily,
  type CounterSeries,
  Exposition,
  GaugeFamily,
  HistogramFamily,
  type HistogramSeries,
  type Labels,
} from "./exposition.ts";
import {
  buckets125,
  ITERATION_TOKEN_BUCKETS as ITER,
  ITL_BUCKETS_SEC as ITL,
  N_BUCKETS,
  REQUEST_BUCKETS_SEC as REQ,
  TTFT_BUCKETS_SEC as TTFT,
} from "./metric_buckets.ts";

/** Options for {@linkcode createVllmMetrics}. */
export type VllmMetricsOptions = EngineMetricsOptions;

/** Most `lora_requests_info` series kept (vLLM keeps every combination ever seen). */
export const MAX_LORA_INFO_SERIES = 32;

type Hist = (name: string, help: string, buckets: readonly number[]) => HistogramSeries;
type Count = (name: string, help: string) => CounterSeries;

interface Builders {
  readonly exp: Exposition;
  readonly labels: Labels;
  readonly hist: Hist;
  readonly count: Count;
}

function builders(options: VllmMetricsOptions): Builders {
  const exp = new Exposition();
  const labels = { model_name: options.modelName, engine: options.engineLabel };
  return {
    exp,
    labels,
    hist: (name, help, buckets) =>
      exp.add(new HistogramFamily(`vllm:${name}`, help, buckets)).series(labels),
    count: (name, help) => exp.add(new CounterFamily(name, help)).series(labels),
  };
}

function addGauges(b: Builders, options: VllmMetricsOptions): void {
  const gauge = (name: string, help: string, read: (s: EngineStats) => number) =>
    b.exp.add(new GaugeFamily(name, help)).track(b.labels, () => read(options.stats()));
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
  b.exp.add(new GaugeFamily("vllm:cache_config_info", "Information of the LLMEngine CacheConfig."))
    .set({
      block_size: String(options.blockSize),
      num_gpu_blocks: String(options.numGpuBlocks),
      cache_dtype: "auto",
      enable_prefix_caching: options.prefixCaching ? "True" : "False",
      gpu_memory_utilization: "0.9",
      engine: options.engineLabel,
    }, 1);
}

interface Counters {
  readonly success: Readonly<Record<FinishReason, CounterSeries>>;
  readonly promptTotal: CounterSeries;
  readonly genTotal: CounterSeries;
  readonly preemptions: CounterSeries;
  readonly prefixQueries: CounterSeries;
  readonly prefixHits: CounterSeries;
}

function addCounters(b: Builders): Counters {
  const success = b.exp.add(
    new CounterFamily("vllm:request_success_total", "Count of successfully processed requests."),
  );
  const bySuccess = (r: FinishReason) => success.series({ ...b.labels, finished_reason: r });
  return {
    success: { stop: bySuccess("stop"), length: bySuccess("length"), abort: bySuccess("abort") },
    promptTotal: b.count("vllm:prompt_tokens_total", "Number of prefill tokens processed."),
    genTotal: b.count("vllm:generation_tokens_total", "Number of generation tokens."),
    preemptions: b.count("vllm:num_preemptions_total", "Cumulative number of preemptions."),
    prefixQueries: b.count("vllm:prefix_cache_queries_total", "Prefix cache queries (tokens)."),
    prefixHits: b.count("vllm:prefix_cache_hits_total", "Prefix cache hits (tokens)."),
  };
}

interface Histograms {
  readonly ttft: HistogramSeries;
  readonly itl: HistogramSeries;
  readonly tpotAlias: HistogramSeries | undefined;
  readonly reqTpot: HistogramSeries;
  readonly e2e: HistogramSeries;
  readonly queue: HistogramSeries;
  readonly inference: HistogramSeries;
  readonly prefill: HistogramSeries;
  readonly decode: HistogramSeries;
  readonly promptTokens: HistogramSeries;
  readonly genTokens: HistogramSeries;
  readonly maxGenTokens: HistogramSeries;
  readonly maxTokensParam: HistogramSeries;
  readonly nParam: HistogramSeries;
  readonly iterTokens: HistogramSeries;
}

function addHistograms(b: Builders, options: VllmMetricsOptions): Histograms {
  const h = b.hist;
  const tok = buckets125(options.maxModelLen);
  return {
    ttft: h("time_to_first_token_seconds", "Time to first token in seconds.", TTFT),
    itl: h("inter_token_latency_seconds", "Inter-token latency in seconds.", ITL),
    tpotAlias: options.deprecatedAliases
      ? h("time_per_output_token_seconds", "Deprecated alias of inter_token_latency_seconds.", ITL)
      : undefined,
    reqTpot: h("request_time_per_output_token_seconds", "Decode time per token, per request.", ITL),
    e2e: h("e2e_request_latency_seconds", "End-to-end request latency in seconds.", REQ),
    queue: h("request_queue_time_seconds", "Time spent WAITING in seconds.", REQ),
    inference: h("request_inference_time_seconds", "Time spent RUNNING in seconds.", REQ),
    prefill: h("request_prefill_time_seconds", "Time spent in PREFILL in seconds.", REQ),
    decode: h("request_decode_time_seconds", "Time spent in DECODE in seconds.", REQ),
    promptTokens: h("request_prompt_tokens", "Prompt tokens per request.", tok),
    genTokens: h("request_generation_tokens", "Generated tokens per request.", tok),
    maxGenTokens: h(
      "request_max_num_generation_tokens",
      "Max generation tokens per request.",
      tok,
    ),
    maxTokensParam: h("request_params_max_tokens", "The max_tokens request parameter.", tok),
    nParam: h("request_params_n", "The n request parameter.", N_BUCKETS),
    iterTokens: h("iteration_tokens_total", "Tokens per engine step.", ITER),
  };
}

function observeFinished(h: Histograms, t: SequenceTiming, maxTokens: number | undefined): void {
  h.e2e.observe((t.finishedMs - t.arrivalMs) / 1000);
  h.queue.observe((t.scheduledMs - t.arrivalMs) / 1000);
  h.inference.observe((t.lastTokenMs - t.scheduledMs) / 1000);
  h.prefill.observe((t.firstTokenMs - t.scheduledMs) / 1000);
  h.decode.observe((t.lastTokenMs - t.firstTokenMs) / 1000);
  const tpotSec = t.generatedTokens > 1
    ? (t.lastTokenMs - t.firstTokenMs) / 1000 / (t.generatedTokens - 1)
    : 0;
  h.reqTpot.observe(tpotSec);
  h.promptTokens.observe(t.promptTokens);
  h.genTokens.observe(t.generatedTokens);
  h.maxGenTokens.observe(maxTokens ?? t.generatedTokens);
  if (maxTokens !== undefined) h.maxTokensParam.observe(maxTokens);
}

/** Creates every metric, with series pre-created at zero (as vLLM does). */
export function createVllmMetrics(options: VllmMetricsOptions): EngineMetrics {
  const b = builders(options);
  addGauges(b, options);
  const c = addCounters(b);
  const h = addHistograms(b, options);
  const lora = b.exp.add(
    new GaugeFamily("vllm:lora_requests_info", "Running stats on lora requests."),
  );
  const x = addEmulatorExtras(b.exp);
  return {
    contentType: Exposition.contentType,
    observeToken(index, gapMs) {
      if (index === 0) {
        h.ttft.observe(gapMs / 1000);
        return;
      }
      h.itl.observe(gapMs / 1000);
      h.tpotAlias?.observe(gapMs / 1000);
    },
    observeStep(batch, prefillTokens) {
      h.iterTokens.observe(batch + prefillTokens);
    },
    observeFinish(reason, t, maxTokens) {
      c.success[reason].inc();
      c.promptTotal.inc(t.promptTokens);
      c.genTotal.inc(t.generatedTokens);
      if (t.scheduledMs >= 0) {
        c.prefixQueries.inc(t.promptTokens);
        c.prefixHits.inc(t.cachedPromptTokens);
      }
      if (reason !== "abort") observeFinished(h, t, maxTokens);
    },
    observeRequest: (n) => h.nParam.observe(n),
    observePreemption: () => c.preemptions.inc(),
    ...extrasMethods(x),
    setLoraInfo(info) {
      const labels = {
        max_lora: String(info.maxLoras),
        running_lora_adapters: info.running.join(","),
        waiting_lora_adapters: info.waiting.join(","),
      };
      lora.remove(labels); // re-added last, so trimming drops the oldest combinations
      lora.set(labels, info.atSec);
      lora.trimTo(MAX_LORA_INFO_SERIES);
    },
    text: () => b.exp.render(),
  };
}
