/**
 * The pure middle of a control cycle: snapshot + metrics + settings + state → report + state.
 * `runCycle` (src/runtime/run_cycle.ts) wraps it with the ports; tests and benchmarks call it
 * directly. It is the one place where a cycle decides, in four steps that each return new values:
 *
 * 1. **plan** (models.ts): variants with a blocking problem are left out (they get conditions
 *    saying why); the rest are grouped per model and observed, each model with its analyzer;
 * 2. **analyze** (src/core/analyze): `analyzeModels`, Observation → Analysis, threading the
 *    analyzer state;
 * 3. **optimize** (src/core/optimize): `optimizeModels`, Analysis → Decision, sharing the GPU
 *    inventory (minus the GPUs of pods wva does not manage) when the limiter is on; models are
 *    served in priority order across all analyzers;
 * 4. **report** (cycle_report.ts): the metrics guard and conditions per variant.
 *
 * A model whose analysis or optimization throws holds; the others are still decided.
 *
 * ```ts
 * import { decideCycle } from "./decide_cycle.ts";
 * import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../contract/settings.ts";
 * const a100 = {
 *   namespace: "ns", name: "a100", modelId: "m", accelerator: "A100", costPerReplica: 40,
 *   gpusPerReplica: 1, minReplicas: 1, maxReplicas: 4, currentReplicas: 2, readyReplicas: 2,
 *   pendingReplicas: 0, replicaIds: ["pod-1", "pod-2"], problems: [],
 * };
 * const metrics = [{
 *   modelId: "m",
 *   namespace: "ns",
 *   replicas: a100.replicaIds.map((replicaId) => ({
 *     replicaId, kvUsage01: 0.9, queueLength: 6, sampleMs: 1_000,
 *   })),
 * }];
 * let state = EMPTY_CYCLE_STATE;
 * const r = decideCycle({ variants: [a100] }, metrics, {
 *   nowMs: 1_000, settings: DEFAULT_CYCLE_SETTINGS, state,
 * });
 * state = r.state;                           // the next cycle remembers the desired counts
 * r.report.variants[0]!.desiredReplicas;     // 3 (saturated: the variant gets +1)
 * ```
 *
 * @module
 */
import { analyzeModels } from "../analyze/mod.ts";
import type { ClusterSnapshot, CycleReport, ModelMetrics } from "../contract/ports.ts";
import type { CycleSettings, CycleState } from "../contract/settings.ts";
import { optimizeModels } from "../optimize/mod.ts";
import { step } from "../contract/steps.ts";
import type { DecisionStep } from "../contract/types.ts";
import { buildReport, type ModelResult } from "./cycle_report.ts";
import { type CyclePlan, planCycle } from "./models.ts";

/** Inputs of {@linkcode decideCycle} besides the snapshot and the metrics. */
export interface DecideCycleOptions {
  readonly nowMs: number;
  readonly settings: CycleSettings;
  readonly state: CycleState;
}

/** What {@linkcode decideCycle} returns. */
export interface DecideCycleResult {
  readonly report: CycleReport;
  readonly state: CycleState;
}

/**
 * Scale-to-zero for a model: the ConfigMap's policy, except for models served by a non-vLLM
 * engine (SGLang), which WVA's enforcer skips — wva does the same (the model keeps ≥ 1 replica)
 * and says so in a step.
 */
function scaleToZeroOf(
  m: CyclePlan["models"][number],
  settings: CycleSettings,
): { readonly enabled: boolean; readonly step?: DecisionStep } {
  const enabled = !!settings.scaleToZeroFor?.(m.identity)?.enabled;
  const other = m.group.variants.find((v) => (v.servingEngine ?? "vllm") !== "vllm");
  if (!enabled || !other) return { enabled };
  return {
    enabled: false,
    step: step(
      "scale-to-zero.engine",
      `scale-to-zero skipped: ${other.name} runs ${other.servingEngine} (as WVA, only vLLM ` +
        "models go to zero); the model keeps at least one replica",
      { variant: other.name, engine: other.servingEngine ?? null },
    ),
  };
}

/** Analyze, then optimize, every model of a plan. */
function runStages(
  plan: CyclePlan,
  snapshot: ClusterSnapshot,
  options: DecideCycleOptions,
): { readonly results: readonly ModelResult[]; readonly analyzer: CycleState["analyzer"] } {
  const { settings } = options;
  const analyzed = analyzeModels(
    plan.models.map((m) => ({
      observation: m.observed.observation,
      analyzer: m.analyzer,
      config: settings.saturationFor(m.identity),
      ...(m.pipeline ? { pipeline: m.pipeline } : {}),
    })),
    {
      nowMs: options.nowMs,
      state: options.state.analyzer,
      queueing: settings.queueing,
      intervalMs: settings.intervalMs,
    },
  );
  const stz = plan.models.map((m) => scaleToZeroOf(m, settings));
  const optimized = optimizeModels(
    plan.models.map((m, i) => ({
      observation: m.observed.observation,
      analysis: analyzed.analyses[i]!.analysis,
      scaleToZero: { enabled: stz[i]!.enabled, idle: m.metrics?.requestsInWindow === 0 },
    })),
    settings.limiter ? { inventory: snapshot.inventory, unmanaged: snapshot.unmanagedGpus } : {},
  );
  const results = optimized.map((o, i) => ({
    decision: o.decision && stz[i]!.step
      ? { ...o.decision, steps: [...o.decision.steps, stz[i]!.step] }
      : o.decision,
    error: analyzed.analyses[i]!.error ?? o.error,
  }));
  return { results, analyzer: analyzed.state };
}

/** Decides one cycle (pure): plan, analyze, optimize, report, next state. */
export function decideCycle(
  snapshot: ClusterSnapshot,
  metrics: readonly ModelMetrics[],
  options: DecideCycleOptions,
): DecideCycleResult {
  const plan = planCycle(snapshot, metrics, options);
  const decided = runStages(plan, snapshot, options);
  const built = buildReport(snapshot, plan, decided.results, {
    nowMs: options.nowMs,
    targets: options.state.targets,
  });
  return {
    report: built.report,
    state: {
      analyzer: decided.analyzer,
      previousDesired: built.previousDesired,
      targets: built.targets,
    },
  };
}
