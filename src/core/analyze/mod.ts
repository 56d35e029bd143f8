/**
 * Analyzers: from one model's observation to the signals the optimizer acts on. Pure: plain
 * data in, plain data out; time comes in as `nowMs`; saturation V2's memory is passed in and
 * returned as {@linkcode AnalyzerState}.
 *
 * {@linkcode analyzeModels} is the analyze stage of a cycle (src/core/cycle/decide_cycle.ts):
 * every model with the analyzer chosen for it, threading the state. Its analyses go to the
 * optimize stage (`optimizeModels` in src/core/optimize/mod.ts).
 *
 * ```ts
 * import { analyzeModels, EMPTY_ANALYZER_STATE } from "./mod.ts";
 * import { DEFAULT_SATURATION_CONFIG } from "./saturation_config.ts";
 * import { parseModelObservation } from "../contract/types.ts";
 * const observation = parseModelObservation({
 *   modelId: "m",
 *   namespace: "ns",
 *   variants: [{
 *     name: "a100", accelerator: "A100", costPerReplica: 40, currentReplicas: 1, readyReplicas: 1,
 *     replicas: [{ replicaId: "pod-1", kvUsage01: 0.83, queueLength: 6, runningRequests: 4 }],
 *   }],
 * });
 * let state = EMPTY_ANALYZER_STATE;
 * const r = analyzeModels(
 *   [{ observation, analyzer: "saturation-v1", config: DEFAULT_SATURATION_CONFIG }],
 *   { nowMs: 0, state },
 * );
 * state = r.state;                      // keep for the next cycle
 * r.analyses[0]!.analysis?.kind;        // "saturation-v1": scaleUp true (spare below the triggers)
 * ```
 *
 * | analyzer | signals | unit |
 * |---|---|---|
 * | `saturation-v1` | scale-up if average spare < triggers; scale-down safe check | KV fraction, requests |
 * | `saturation-v2` | required / spare capacity (RC, SC) from token demand and capacity | tokens |
 * | `queueing-model` | RC, SC from arrival rate and per-replica SLO rate (Gen2 or Gen1) | req/s |
 * | `throughput` | RC, SC from decode demand and μ = N(k*)/ITL(k*), ITL(k) = A·k + B fitted online | tokens/s |
 * | a pipeline | saturation V2 plus the analyzers the ConfigMap lists: up on any, down on all (pipeline.ts) | the binder's |
 *
 * @module
 */
import type { AnalyzerName, ModelAnalysis, ModelObservation } from "../contract/types.ts";
import {
  analyzeQueueingModel,
  DEFAULT_QUEUEING_MODEL_CONFIG,
  type QueueingModelConfig,
} from "./queueing_model.ts";
import { DEFAULT_SATURATION_CONFIG, type SaturationConfig } from "./saturation_config.ts";
import { analyzeSaturationV1 } from "./saturation_v1.ts";
import { analyzeSaturationV2 } from "./saturation_v2.ts";
import { EMPTY_V2_STATE, type SaturationV2State } from "./saturation_v2_state.ts";
import { type PipelineSpec, runPipeline } from "./pipeline.ts";
import {
  analyzeThroughput,
  decodeSignalsOf,
  EMPTY_THROUGHPUT_STATE,
  type ThroughputConfig,
  type ThroughputState,
} from "./throughput/mod.ts";

export {
  DEFAULT_SATURATION_CONFIG,
  mergeSaturationConfig,
  SaturationConfigSchema,
} from "./saturation_config.ts";
export type { SaturationConfig, SaturationOverride } from "./saturation_config.ts";
export { DEFAULT_QUEUEING_MODEL_CONFIG, QueueingModelConfigSchema } from "./queueing_model.ts";
export type { QueueingModelConfig } from "./queueing_model.ts";
export { analyzeSaturationV1 } from "./saturation_v1.ts";
export { analyzeSaturationV2 } from "./saturation_v2.ts";
export { analyzeQueueingModel } from "./queueing_model.ts";
export {
  EMPTY_PIPELINE_STATE,
  type PipelineMember,
  type PipelineSpec,
  runPipeline,
} from "./pipeline.ts";

/**
 * State the analyzers carry between cycles: saturation V2's capacity memory, the throughput
 * analyzer's (k, ITL) windows, and the pipeline's last informative result per analyzer.
 */
export interface AnalyzerState {
  readonly v2: SaturationV2State;
  /** @default empty */
  readonly throughput?: ThroughputState | undefined;
  /** Last informative result (ms) by `namespace/model/analyzer`. @default empty */
  readonly lastInformativeMs?: Readonly<Record<string, number>> | undefined;
}

/** A fresh analyzer state. */
export const EMPTY_ANALYZER_STATE: AnalyzerState = {
  v2: EMPTY_V2_STATE,
  throughput: EMPTY_THROUGHPUT_STATE,
  lastInformativeMs: {},
};

/** The cycle period the pipeline's liveness assumes when none is given (the controller's default). */
export const DEFAULT_INTERVAL_MS = 30_000;

/** Options of {@linkcode analyzeModel}. */
export interface AnalyzeOptions {
  /** Default `saturation-v1`. */
  readonly analyzer?: AnalyzerName;
  /** Saturation thresholds (V1, V2); default {@linkcode DEFAULT_SATURATION_CONFIG}. */
  readonly config?: SaturationConfig;
  /** Queueing-model settings; default Gen2, scale-down boundary 0.9. */
  readonly queueing?: QueueingModelConfig;
  /** Time of this cycle (ms since epoch, or virtual time). */
  readonly nowMs: number;
  /** State returned by the previous call; default empty. */
  readonly state?: AnalyzerState;
  /** Throughput analyzer settings; default WVA's. */
  readonly throughput?: ThroughputConfig | undefined;
  /** The multi-analyzer pipeline of the model; set → it runs instead of `analyzer`. */
  readonly pipeline?: PipelineSpec | undefined;
  /** The cycle period (ms), for the pipeline's liveness. @default 30000 */
  readonly intervalMs?: number | undefined;
}

/** Analysis of one model and the state for the next cycle. */
export interface AnalyzeResult {
  readonly analysis: ModelAnalysis;
  readonly state: AnalyzerState;
}

/** Runs the model's pipeline (when it has one) or the selected analyzer on its observation. */
export function analyzeModel(obs: ModelObservation, options: AnalyzeOptions): AnalyzeResult {
  const state = options.state ?? EMPTY_ANALYZER_STATE;
  const config = options.config ?? DEFAULT_SATURATION_CONFIG;
  const queueing = options.queueing ?? DEFAULT_QUEUEING_MODEL_CONFIG;
  if (options.pipeline) {
    const r = runPipeline(obs, options.pipeline, {
      nowMs: options.nowMs,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      saturation: config,
      queueing,
      state: {
        v2: state.v2,
        throughput: state.throughput ?? EMPTY_THROUGHPUT_STATE,
        lastInformativeMs: state.lastInformativeMs ?? {},
      },
    });
    return { analysis: r.analysis, state: r.state };
  }
  switch (options.analyzer ?? "saturation-v1") {
    case "saturation-v1":
      return { analysis: analyzeSaturationV1(obs, config), state };
    case "saturation-v2": {
      const r = analyzeSaturationV2(obs, config, { state: state.v2, nowMs: options.nowMs });
      return { analysis: r.analysis, state: { ...state, v2: r.state } };
    }
    case "queueing-model":
      return { analysis: analyzeQueueingModel(obs, queueing), state };
    case "throughput": {
      const r = analyzeThroughput(obs, {
        nowMs: options.nowMs,
        state: state.throughput ?? EMPTY_THROUGHPUT_STATE,
        config: options.throughput,
        decode: decodeSignalsOf(obs),
      });
      return { analysis: r.analysis, state: { ...state, throughput: r.state } };
    }
  }
}

/** One model to analyze: its observation, the analyzer chosen for it, its thresholds. */
export interface AnalysisRequest {
  readonly observation: ModelObservation;
  readonly analyzer: AnalyzerName;
  /** Saturation thresholds of the model (V1, V2); default {@linkcode DEFAULT_SATURATION_CONFIG}. */
  readonly config?: SaturationConfig | undefined;
  /** The model's multi-analyzer pipeline (the saturation ConfigMap's `analyzers:`), if any. */
  readonly pipeline?: PipelineSpec | undefined;
}

/** A model's analysis, or the error its analyzer threw (the model then holds). */
export interface AnalysisOutcome {
  readonly analysis?: ModelAnalysis | undefined;
  readonly error?: string | undefined;
}

/** Options of {@linkcode analyzeModels}. */
export interface AnalyzeModelsOptions {
  /** Time of this cycle (ms since epoch, or virtual time). */
  readonly nowMs: number;
  /** State returned by the previous cycle; default empty. */
  readonly state?: AnalyzerState;
  /** Queueing-model settings; default Gen2, scale-down boundary 0.9. */
  readonly queueing?: QueueingModelConfig | undefined;
  /** The cycle period (ms), for the pipeline's liveness. @default 30000 */
  readonly intervalMs?: number | undefined;
}

/**
 * The analyze stage: every model in order, threading the analyzer state. A model whose analyzer
 * throws gets `error` and leaves the state as it was; the others are analyzed. Pure.
 */
export function analyzeModels(
  requests: readonly AnalysisRequest[],
  options: AnalyzeModelsOptions,
): { readonly analyses: readonly AnalysisOutcome[]; readonly state: AnalyzerState } {
  let state = options.state ?? EMPTY_ANALYZER_STATE;
  const analyses = requests.map((req): AnalysisOutcome => {
    try {
      const r = analyzeModel(req.observation, {
        analyzer: req.analyzer,
        nowMs: options.nowMs,
        state,
        ...(req.config ? { config: req.config } : {}),
        ...(req.pipeline ? { pipeline: req.pipeline } : {}),
        ...(options.queueing ? { queueing: options.queueing } : {}),
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      });
      state = r.state;
      return { analysis: r.analysis };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
  return { analyses, state };
}
