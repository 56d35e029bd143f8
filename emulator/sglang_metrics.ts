/**
 * The SGLang metric surface (`--engine sglang`): the `sglang:` series WVA's collector reads
 * (controller.md §3.4), with SGLang's names, types and default buckets, and no `vllm:` series.
 * Every series carries only `model_name`, as SGLang's tokenizer metrics do.
 *
 * | series | type | value |
 * |---|---|---|
 * | `sglang:token_usage` | gauge | KV fraction in use, 0..1 (same as vLLM's `kv_cache_usage_perc`) |
 * | `sglang:num_used_tokens` | gauge | KV tokens in use (`token_usage × max_total_num_tokens`) |
 * | `sglang:num_queue_reqs`, `sglang:num_running_reqs` | gauge | waiting, running sequences |
 * | `sglang:max_total_num_tokens` | gauge | KV capacity in tokens (`kvCacheBlocks × blockSize`) |
 * | `sglang:num_requests_total` | counter | finished sequences, aborted included (as vLLM's `request_success_total` over its reasons) |
 * | `sglang:num_aborted_requests_total` | counter | the aborted ones among them |
 * | `sglang:prompt_tokens_total`, `sglang:generation_tokens_total` | counter | tokens of finished sequences |
 * | `sglang:cached_tokens_total` | counter | prompt tokens found in the prefix cache |
 * | `sglang:prompt_tokens_histogram`, `sglang:generation_tokens_histogram` | histogram | tokens per finished (not aborted) sequence |
 * | `sglang:time_to_first_token_seconds` | histogram | arrival → first token |
 * | `sglang:inter_token_latency_seconds` | histogram | one observation per gap between tokens |
 * | `sglang:e2e_request_latency_seconds` | histogram | arrival → last token, finished sequences |
 *
 * The counts follow the vLLM flavour's rules, so the controller's readers get the same numbers
 * from either flavour for the same traffic.
 *
 * @module
 */
import {
  CounterFamily,
  type CounterSeries,
  Exposition,
  GaugeFamily,
  HistogramFamily,
  type HistogramSeries,
} from "./exposition.ts";
import {
  addEmulatorExtras,
  type EngineMetrics,
  type EngineMetricsOptions,
  extrasMethods,
  kvCapacityTokens,
} from "./metrics_common.ts";
import {
  SGLANG_E2E_BUCKETS_SEC,
  SGLANG_ITL_BUCKETS_SEC,
  SGLANG_TOKEN_BUCKETS,
  SGLANG_TTFT_BUCKETS_SEC,
} from "./metric_buckets.ts";
import type { EngineStats } from "./engine/types.ts";

interface SglangSeries {
  readonly requests: CounterSeries;
  readonly aborted: CounterSeries;
  readonly promptTotal: CounterSeries;
  readonly genTotal: CounterSeries;
  readonly cached: CounterSeries;
  readonly promptHist: HistogramSeries;
  readonly genHist: HistogramSeries;
  readonly ttft: HistogramSeries;
  readonly itl: HistogramSeries;
  readonly e2e: HistogramSeries;
}

function addGauges(exp: Exposition, labels: { model_name: string }, o: EngineMetricsOptions) {
  const capacity = kvCapacityTokens(o);
  const gauge = (name: string, help: string, read: (s: EngineStats) => number) =>
    exp.add(new GaugeFamily(name, help)).track(labels, () => read(o.stats()));
  gauge("sglang:num_running_reqs", "The number of running requests.", (s) => s.running);
  gauge(
    "sglang:num_used_tokens",
    "The number of used tokens.",
    (s) => Math.round(s.kvUsage01 * capacity),
  );
  gauge("sglang:token_usage", "The token usage.", (s) => s.kvUsage01);
  gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue.", (s) => s.waiting);
  exp.add(
    new GaugeFamily(
      "sglang:max_total_num_tokens",
      "Maximum total number of tokens in the KV cache pool.",
    ),
  ).set(labels, capacity);
}

function addSeries(exp: Exposition, labels: { model_name: string }): SglangSeries {
  const count = (name: string, help: string) =>
    exp.add(new CounterFamily(name, help)).series(labels);
  const hist = (name: string, help: string, buckets: readonly number[]) =>
    exp.add(new HistogramFamily(name, help, buckets)).series(labels);
  return {
    promptTotal: count("sglang:prompt_tokens_total", "Number of prefill tokens processed."),
    genTotal: count("sglang:generation_tokens_total", "Number of generation tokens processed."),
    promptHist: hist(
      "sglang:prompt_tokens_histogram",
      "Histogram of prompt token length.",
      SGLANG_TOKEN_BUCKETS,
    ),
    genHist: hist(
      "sglang:generation_tokens_histogram",
      "Histogram of generation token length.",
      SGLANG_TOKEN_BUCKETS,
    ),
    cached: count("sglang:cached_tokens_total", "Number of cached prompt tokens."),
    requests: count("sglang:num_requests_total", "Number of requests processed."),
    aborted: count("sglang:num_aborted_requests_total", "Number of requests aborted."),
    ttft: hist(
      "sglang:time_to_first_token_seconds",
      "Histogram of time to first token in seconds.",
      SGLANG_TTFT_BUCKETS_SEC,
    ),
    itl: hist(
      "sglang:inter_token_latency_seconds",
      "Histogram of inter-token latency in seconds.",
      SGLANG_ITL_BUCKETS_SEC,
    ),
    e2e: hist(
      "sglang:e2e_request_latency_seconds",
      "Histogram of End-to-end request latency in seconds",
      SGLANG_E2E_BUCKETS_SEC,
    ),
  };
}

/**
 * Creates the SGLang flavour, every series pre-created at zero.
 *
 * @example
 * ```ts
 * import { createSglangMetrics } from "./sglang_metrics.ts";
 * const stats = { running: 2, waiting: 1, usedBlocks: 5, totalBlocks: 10, kvUsage01: 0.5,
 *   preemptionsTotal: 0, runningLoras: [], waitingLoras: [], cachedFreeBlocks: 0 };
 * const m = createSglangMetrics({ modelName: "m", engineLabel: "0", maxModelLen: 64,
 *   blockSize: 16, numGpuBlocks: 10, deprecatedAliases: false, stats: () => stats });
 * if (!m.text().includes('sglang:max_total_num_tokens{model_name="m"} 160')) throw new Error();
 * ```
 */
export function createSglangMetrics(options: EngineMetricsOptions): EngineMetrics {
  const exp = new Exposition();
  const labels = { model_name: options.modelName };
  addGauges(exp, labels, options);
  const m = addSeries(exp, labels);
  const x = addEmulatorExtras(exp);
  return {
    contentType: Exposition.contentType,
    observeToken(index, gapMs) {
      if (index === 0) m.ttft.observe(gapMs / 1000);
      else m.itl.observe(gapMs / 1000);
    },
    observeStep() {},
    observeFinish(reason, t) {
      m.requests.inc();
      m.promptTotal.inc(t.promptTokens);
      m.genTotal.inc(t.generatedTokens);
      if (t.scheduledMs >= 0) m.cached.inc(t.cachedPromptTokens);
      if (reason === "abort") {
        m.aborted.inc();
        return;
      }
      m.promptHist.observe(t.promptTokens);
      m.genHist.observe(t.generatedTokens);
      m.e2e.observe((t.finishedMs - t.arrivalMs) / 1000);
    },
    observeRequest() {},
    observePreemption() {},
    ...extrasMethods(x),
    setLoraInfo() {},
    text: () => exp.render(),
  };
}
