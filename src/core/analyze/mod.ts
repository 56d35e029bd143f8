/**
 * Analyzers: from one model's observation to the signals the optimizer acts on. Pure: plain
 * data in, plain data out; time comes in as `nowMs`; saturation V2's memory is passed in and
 * returned as {@linkcode AnalyzerState}.
 *
 * ```ts
 * import { analyzeModel, EMPTY_ANALYZER_STATE } from "./src/analyzers/mod.ts";
 * import { DEFAULT_SATURATION_CONFIG } from "./src/analyzers/saturation_config.ts";
 * let state = EMPTY_ANALYZER_STATE;
 * const r = analyzeModel(observation, {
 *   analyzer: "saturation-v2",          // or "saturation-v1" (default) | "queueing-model"
 *   config: DEFAULT_SATURATION_CONFIG,  // thresholds (controller.md §2.3)
 *   nowMs: clock.nowMs(),
 *   state,
 * });
 * state = r.state;                      // keep for the next cycle
 * // r.analysis → optimizeModel(observation, r.analysis) in src/core/optimize/cost_aware.ts
 * ```
 *
 * | analyzer | signals | unit |
 * |---|---|---|
 * | `saturation-v1` | scale-up if average spare < triggers; scale-down safe check | KV fraction, requests |
 * | `saturation-v2` | required / spare capacity (RC, SC) from token demand and capacity | tokens |
 * | `queueing-model` | RC, SC from arrival rate and per-replica SLO rate (Gen2 or Gen1) | req/s |
 *
 * Most callers want `decideModels` (src/core/cycle/decide_models.ts), which runs analyze and optimize
 * for every model and applies the GPU inventory.
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

/** State the analyzers carry between cycles (only saturation V2 has any). */
export interface AnalyzerState {
  readonly v2: SaturationV2State;
}

/** A fresh analyzer state. */
export const EMPTY_ANALYZER_STATE: AnalyzerState = { v2: EMPTY_V2_STATE };

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
}

/** Analysis of one model and the state for the next cycle. */
export interface AnalyzeResult {
  readonly analysis: ModelAnalysis;
  readonly state: AnalyzerState;
}

/** Runs the selected analyzer on one model's observation. */
export function analyzeModel(obs: ModelObservation, options: AnalyzeOptions): AnalyzeResult {
  const state = options.state ?? EMPTY_ANALYZER_STATE;
  const config = options.config ?? DEFAULT_SATURATION_CONFIG;
  switch (options.analyzer ?? "saturation-v1") {
    case "saturation-v1":
      return { analysis: analyzeSaturationV1(obs, config), state };
    case "saturation-v2": {
      const r = analyzeSaturationV2(obs, config, { state: state.v2, nowMs: options.nowMs });
      return { analysis: r.analysis, state: { ...state, v2: r.state } };
    }
    case "queueing-model":
      return {
        analysis: analyzeQueueingModel(obs, options.queueing ?? DEFAULT_QUEUEING_MODEL_CONFIG),
        state,
      };
  }
}
