/**
 * One cycle's decisions for every model: analyze, then optimize, sharing a GPU budget.
 * This is the entry point the controller and the demo call.
 *
 * ```ts
 * const r = decideModels(observations, {
 *   analyzer: "saturation-v1",
 *   nowMs: clock.nowMs(),
 *   state,                                   // from the previous cycle
 *   inventory: { A100: 8, H100: 4 },         // optional: GPUs per accelerator name
 * });
 * state = r.state;  // r.decisions[i] belongs to observations[i]
 * ```
 *
 * With an inventory, models are optimized in priority order (1 first, then model id); each draws
 * its scale-ups from the GPUs not yet used (inventory − Σ gpusPerReplica × currentReplicas over
 * all variants, minus what earlier models took). Because the budget is known while choosing,
 * demand spills over to the next-cheapest variant when the cheapest one's GPUs run out.
 * Scale-downs do not return GPUs in the same cycle (the pods are still running).
 *
 * @module
 */
import {
  analyzeModel,
  type AnalyzeOptions,
  type AnalyzerState,
  EMPTY_ANALYZER_STATE,
} from "../analyze/mod.ts";
import type { SaturationConfig } from "../analyze/saturation_config.ts";
import type { ModelAnalysis, ModelDecision, ModelObservation } from "../contract/types.ts";
import { optimizeModel, type ScaleToZero } from "../optimize/cost_aware.ts";
import { freeGpus as freeOf, type GpuInventory, heldReplicas, takeGpus } from "../contract/gpus.ts";

/** Options of {@linkcode decideModels}. */
export interface DecideOptions extends AnalyzeOptions {
  /** Per-model thresholds (ConfigMap overrides); default `config` for every model. */
  readonly configFor?: (obs: ModelObservation) => SaturationConfig;
  /** GPUs per accelerator name usable by the managed variants; absent = unlimited. */
  readonly inventory?: GpuInventory;
  /** Scale-to-zero policy per model; default disabled. */
  readonly scaleToZeroFor?: (obs: ModelObservation) => ScaleToZero;
}

/** Decisions and analyses in the order of the observations, and the next analyzer state. */
export interface DecideResult {
  readonly decisions: readonly ModelDecision[];
  readonly analyses: readonly ModelAnalysis[];
  readonly state: AnalyzerState;
}

/** Analyzes and optimizes every model of one cycle. Pure. */
export function decideModels(
  observations: readonly ModelObservation[],
  options: DecideOptions,
): DecideResult {
  let state = options.state ?? EMPTY_ANALYZER_STATE;
  const analyses: ModelAnalysis[] = [];
  for (const obs of observations) {
    const config = options.configFor?.(obs) ?? options.config;
    const r = analyzeModel(obs, { ...options, ...(config ? { config } : {}), state });
    analyses.push(r.analysis);
    state = r.state;
  }
  const budget = options.inventory ? freeGpus(observations, options.inventory) : undefined;
  const order = observations.map((obs, i) => ({ obs, i })).sort((a, b) =>
    a.obs.priority - b.obs.priority || a.obs.modelId.localeCompare(b.obs.modelId) ||
    a.obs.namespace.localeCompare(b.obs.namespace)
  );
  const decisions: ModelDecision[] = new Array(observations.length);
  for (const { obs, i } of order) {
    const stz = options.scaleToZeroFor?.(obs);
    const d = optimizeModel(obs, analyses[i]!, {
      ...(budget ? { gpuBudget: budget } : {}),
      ...(stz ? { scaleToZero: stz } : {}),
    });
    decisions[i] = d;
    if (budget) {
      for (const v of d.variants) {
        const added = heldReplicas(v.currentReplicas, v.targetReplicas) - v.currentReplicas;
        takeGpus(budget, { ...v, replicas: added });
      }
    }
  }
  return { decisions, analyses, state };
}

/** Runs {@linkcode decideModels} for a single model. */
export function decideModel(
  obs: ModelObservation,
  options: DecideOptions,
): {
  readonly decision: ModelDecision;
  readonly analysis: ModelAnalysis;
  readonly state: AnalyzerState;
} {
  const r = decideModels([obs], options);
  return { decision: r.decisions[0]!, analysis: r.analyses[0]!, state: r.state };
}

/** GPUs not used by current replicas, per accelerator in the inventory. */
export function freeGpus(
  observations: readonly ModelObservation[],
  inventory: GpuInventory,
): Record<string, number> {
  return freeOf(
    inventory,
    observations.flatMap((o) => o.variants.map((v) => ({ ...v, replicas: v.currentReplicas }))),
  );
}
