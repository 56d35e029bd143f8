/**
 * What both metric flavours share: the interface the core feeds (engine events in, exposition
 * text out), their options, and the emulator's own series (`wva_emulator_*`: injected failures,
 * step-timer lag, token delivery lag), which are not an engine's and keep their names under
 * either flavour. The flavours themselves are emulator/metrics.ts (vLLM) and
 * emulator/sglang_metrics.ts (SGLang).
 *
 * @module
 */
import type { EngineStats, FinishReason, SequenceTiming } from "./engine/types.ts";
import {
  CounterFamily,
  type Exposition,
  GaugeFamily,
  HistogramFamily,
  type HistogramSeries,
} from "./exposition.ts";

/** Options of a metric flavour. */
export interface EngineMetricsOptions {
  readonly modelName: string;
  /** Value of vLLM's `engine` label (SGLang has none). */
  readonly engineLabel: string;
  readonly maxModelLen: number;
  readonly blockSize: number;
  readonly numGpuBlocks: number;
  /** Whether the engine caches prompt prefixes (vLLM's `enable_prefix_caching` label). */
  readonly prefixCaching?: boolean;
  /** vLLM: also export the deprecated names (`gpu_cache_usage_perc`, `time_per_output_token_seconds`). */
  readonly deprecatedAliases: boolean;
  /** Reads the engine's gauges at scrape time. */
  readonly stats: () => EngineStats;
}

/** LoRA adapters in use, as vLLM's `lora_requests_info` shows them. */
export interface LoraInfo {
  readonly maxLoras: number;
  readonly running: readonly string[];
  readonly waiting: readonly string[];
  /** When the state was seen (seconds since the epoch): the gauge's value. */
  readonly atSec: number;
}

/** Feeds and exposes one engine's metrics (either flavour). Latencies arrive in model ms. */
export interface EngineMetrics {
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
  /** A failure was injected (not an engine metric). */
  observeInjectedFailure(type: string): void;
  /** How late the step timer fired (ms; not an engine metric). */
  setTimerLag(ms: number): void;
  /** How late a token was written after its model time (wall ms; not an engine metric). */
  observeDeliveryLag(ms: number): void;
  /** Records the LoRA adapters running and waiting (vLLM's `lora_requests_info`). */
  setLoraInfo(info: LoraInfo): void;
  /** The exposition text. */
  text(): string;
  readonly contentType: string;
}

/** The emulator's own series (not an engine's). */
export interface EmulatorExtras {
  readonly injected: CounterFamily;
  readonly lag: { ms: number };
  readonly delivery: HistogramSeries;
}

/** Buckets of the token delivery lag (s). */
const DELIVERY_LAG_BUCKETS_SEC = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

/** Adds the `wva_emulator_*` families to an exposition (after the engine's). */
export function addEmulatorExtras(exp: Exposition): EmulatorExtras {
  const injected = exp.add(
    new CounterFamily(
      "wva_emulator_injected_failures_total",
      "Failures injected by the emulator (not an engine metric).",
    ),
  );
  const lag = { ms: 0 };
  exp.add(
    new GaugeFamily(
      "wva_emulator_timer_lag_seconds",
      "How late the emulator's step timer last fired (not an engine metric).",
    ),
  ).track({}, () => lag.ms / 1000);
  const delivery = exp.add(
    new HistogramFamily(
      "wva_emulator_token_delivery_lag_seconds",
      "How late tokens were written after their scheduled time (not an engine metric).",
      DELIVERY_LAG_BUCKETS_SEC,
    ),
  ).series({});
  return { injected, lag, delivery };
}

/** The part of {@linkcode EngineMetrics} that only touches the extras. */
export function extrasMethods(
  x: EmulatorExtras,
): Pick<EngineMetrics, "observeInjectedFailure" | "setTimerLag" | "observeDeliveryLag"> {
  return {
    observeInjectedFailure: (type) => x.injected.series({ type }).inc(),
    setTimerLag(ms) {
      x.lag.ms = ms;
    },
    observeDeliveryLag: (ms) => x.delivery.observe(ms / 1000),
  };
}

/** KV capacity in tokens (`num_gpu_blocks × block_size`). */
export function kvCapacityTokens(options: EngineMetricsOptions): number {
  return options.numGpuBlocks * options.blockSize;
}
