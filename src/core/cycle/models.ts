/**
 * The first part of a cycle (pure): the snapshot's variants, checked against the settings, split
 * into the excluded (a blocking problem) and the served, grouped per model and observed, with
 * the analyzer each model uses. Everything here is an immutable record the stages read.
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import {
  type ClusterSnapshot,
  modelKey,
  type ModelMetrics,
  variantKey,
  type VariantSnapshot,
} from "../contract/ports.ts";
import type { CycleSettings, CycleState, ModelIdentity } from "../contract/settings.ts";
import type { AnalyzerName, DecisionStep } from "../contract/types.ts";
import type { PipelineSpec } from "../analyze/mod.ts";
import { applyConfigRules } from "./config_rules.ts";
import { buildObservation, groupModels, type ModelGroup, type Observed } from "./observe.ts";

/** One served model of a cycle, ready for the stages. */
export interface ModelPlan {
  readonly group: ModelGroup;
  readonly identity: ModelIdentity;
  readonly analyzer: AnalyzerName;
  /** The multi-analyzer pipeline the model runs instead of `analyzer` (saturation V2 carries). */
  readonly pipeline?: PipelineSpec | undefined;
  /** Steps about the choice of analyzer (a conflict between variants, the pipeline). */
  readonly analyzerSteps: readonly DecisionStep[];
  readonly observed: Observed;
  /** What the metrics source answered for the model (undefined: nothing). */
  readonly metrics: ModelMetrics | undefined;
}

/** The variants of a cycle: served models and excluded variants. */
export interface CyclePlan {
  readonly models: readonly ModelPlan[];
  readonly excluded: readonly VariantSnapshot[];
}

/** A model's identity for the settings lookups: the first service class its variants name. */
export function identityOf(group: ModelGroup): ModelIdentity {
  const serviceClass = group.variants.find((v) => v.serviceClass)?.serviceClass;
  return { modelId: group.modelId, namespace: group.namespace, serviceClass };
}

/** The variants left out of the cycle (blocking problem) and the served ones. */
export function splitServed(
  variants: readonly VariantSnapshot[],
): { readonly served: VariantSnapshot[]; readonly excluded: VariantSnapshot[] } {
  const blocked = (v: VariantSnapshot) => v.problems.some((p) => p.blocking);
  return { served: variants.filter((v) => !blocked(v)), excluded: variants.filter(blocked) };
}

/** What runs for a model: an analyzer, or a pipeline (with saturation V2 as its carrier). */
interface AnalyzerChoice {
  readonly analyzer: AnalyzerName;
  readonly pipeline?: PipelineSpec | undefined;
  readonly steps: DecisionStep[];
}

/**
 * The analyzer of a model: its variants' override (the first, with a step on conflict), else the
 * ConfigMap's selection (saturation alone = V2; more = the pipeline), else the global one.
 */
function pickAnalyzer(
  group: ModelGroup,
  settings: CycleSettings,
  identity: ModelIdentity,
): AnalyzerChoice {
  const chosen = [...new Set(group.variants.map((v) => v.analyzer).filter((a) => !!a))];
  if (chosen.length === 0) {
    return pickSelection(settings.pipelineFor?.(identity), settings.analyzer);
  }
  const analyzer = chosen[0]!;
  const steps = chosen.length > 1
    ? [
      step(
        "cycle.analyzer-conflict",
        `variants ask for different analyzers (${chosen.join(", ")}): using ${analyzer}`,
      ),
    ]
    : [];
  return { analyzer, steps };
}

/** The ConfigMap's selection: none → the global analyzer; saturation alone → V2; else the pipeline. */
function pickSelection(spec: PipelineSpec | undefined, global: AnalyzerName): AnalyzerChoice {
  if (!spec || spec.analyzers.length === 0) return { analyzer: global, steps: [] };
  const enabled = spec.analyzers.filter((a) => a.enabled);
  if (enabled.length === 1 && enabled[0]!.type === "saturation") {
    const only = enabled[0]!;
    if (only.scaleUpThreshold === undefined && only.scaleDownBoundary === undefined) {
      return { analyzer: "saturation-v2", steps: [] };
    }
  }
  const names = spec.analyzers.map((a) => `${a.name}${a.enabled ? "" : " (disabled)"}`);
  return {
    analyzer: "saturation-v2",
    pipeline: spec,
    steps: [step(
      "cycle.pipeline",
      `analyzers ${names.join(", ")}: scale up when any asks, down only when all agree`,
      {
        analyzers: spec.analyzers.map((a) => a.name).join(", "),
        saturationVotes: spec.saturationVotes,
      },
    )],
  };
}

/** Plans a cycle: config rules, exclusion, grouping, observations, analyzer choice. */
export function planCycle(
  snapshot: ClusterSnapshot,
  metrics: readonly ModelMetrics[],
  options: {
    readonly nowMs: number;
    readonly settings: CycleSettings;
    readonly state: CycleState;
  },
): CyclePlan {
  const { settings, state, nowMs } = options;
  const { served, excluded } = splitServed(
    snapshot.variants.map((v) => applyConfigRules(v, settings)),
  );
  const metricsByModel = new Map(metrics.map((m) => [modelKey(m), m]));
  const models = groupModels(served).map((group): ModelPlan => {
    const identity = identityOf(group);
    const picked = pickAnalyzer(group, settings, identity);
    const m = metricsByModel.get(modelKey(group));
    const observed = buildObservation(group, m, {
      nowMs,
      staleAfterMs: settings.staleAfterMs,
      previousDesired: (v) => state.previousDesired.get(variantKey(v)),
      serviceClass: settings.serviceClassFor?.(identity),
    });
    return {
      group,
      identity,
      analyzer: picked.analyzer,
      ...(picked.pipeline ? { pipeline: picked.pipeline } : {}),
      analyzerSteps: picked.steps,
      observed,
      metrics: m,
    };
  });
  return { models, excluded };
}
