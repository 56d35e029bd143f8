/**
 * The settings one control cycle runs with, and the state it carries to the next cycle.
 *
 * Settings are plain data plus lookups, rebuilt by the shell whenever its configuration changes
 * (ConfigMaps in the controller, a file in the demo) and passed to every `runCycle` call, so a
 * change applies at the next cycle without a restart.
 *
 * @module
 */
import {
  type AnalyzerState,
  DEFAULT_SATURATION_CONFIG,
  EMPTY_ANALYZER_STATE,
  type PipelineSpec,
  type QueueingModelConfig,
  type SaturationConfig,
} from "../analyze/mod.ts";
import type { AnalyzerName, ModelSlo } from "./types.ts";

/** Scale-to-zero policy of one model. */
export interface ScaleToZeroPolicy {
  readonly enabled: boolean;
  /** A model with no request in this window (ms) is idle. */
  readonly retentionMs: number;
}

/** Service class of a model: priority (1 = highest) and SLOs. */
export interface ServiceClassInfo {
  readonly priority: number;
  readonly slo?: ModelSlo | undefined;
  /** The model names a class that does not exist (reported as ConfigValid/UnknownServiceClass). */
  readonly unknownClass?: boolean | undefined;
}

/** Identifies a model in the lookups. */
export interface ModelIdentity {
  readonly modelId: string;
  readonly namespace: string;
  /** The service class named by the model's variants (the first one that names one). */
  readonly serviceClass?: string | undefined;
}

/** What one cycle runs with. */
export interface CycleSettings {
  /** Global analyzer; a variant may override it. @default "saturation-v1" */
  readonly analyzer: AnalyzerName;
  /** Saturation thresholds of a model (default entry merged with its override). */
  saturationFor(model: ModelIdentity): SaturationConfig;
  /**
   * The model's analyzer selection from the saturation ConfigMap (`analyzers:` / legacy
   * `analyzerName:`, WVA's spelling); absent or empty = none (the global or per-variant
   * analyzer). A selection of saturation alone is saturation V2; with other analyzers it is the
   * multi-analyzer pipeline. A variant's own `spec.analyzer` wins over it.
   */
  pipelineFor?(model: ModelIdentity): PipelineSpec | undefined;
  /** The cycle period (ms): the pipeline's liveness window is 3 of them. @default 30000 */
  readonly intervalMs?: number | undefined;
  /** Queueing-model settings; absent = the analyzer's defaults. */
  readonly queueing?: QueueingModelConfig | undefined;
  /** Cap scale-ups by the GPU inventory (when the backend knows it). */
  readonly limiter: boolean;
  /** Scale-to-zero policy of a model; absent = disabled everywhere. */
  scaleToZeroFor?(model: ModelIdentity): ScaleToZeroPolicy;
  /** Priority and SLOs of a model; absent = priority 1, no SLO. */
  serviceClassFor?(model: ModelIdentity): ServiceClassInfo;
  /** A replica whose newest sample is older than this is ignored (ms). @default 60000 */
  readonly staleAfterMs: number;
}

/** Defaults: saturation V1 with the shipped thresholds, no limiter, metrics stale after 60 s. */
export const DEFAULT_CYCLE_SETTINGS: CycleSettings = Object.freeze({
  analyzer: "saturation-v1" as const,
  saturationFor: () => DEFAULT_SATURATION_CONFIG,
  limiter: false,
  staleAfterMs: 60_000,
});

/** Since when a variant's scale target has stood still at a count other than the published one. */
export interface TargetWatch {
  /** The target's replicas (spec) when it was last seen to move. */
  readonly specReplicas: number;
  /** When the target was first seen at `specReplicas` while differing from the published count. */
  readonly sinceMs: number;
}

/** State carried from one cycle to the next; start with {@linkcode EMPTY_CYCLE_STATE}. */
export interface CycleState {
  /** Saturation V2's capacity memory. */
  readonly analyzer: AnalyzerState;
  /** Desired replicas published by the last cycle, by `namespace/name`. */
  readonly previousDesired: ReadonlyMap<string, number>;
  /** Targets that have not reached the published count, by `namespace/name`. @default empty */
  readonly targets?: ReadonlyMap<string, TargetWatch>;
}

/** The state before the first cycle. */
export const EMPTY_CYCLE_STATE: CycleState = Object.freeze({
  analyzer: EMPTY_ANALYZER_STATE,
  previousDesired: new Map<string, number>(),
  targets: new Map<string, TargetWatch>(),
});
