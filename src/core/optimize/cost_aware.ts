/**
 * The per-model optimizer step used by the controller and the demo: from an analysis to a
 * target per variant, with the reasons and steps.
 *
 * Order of rules (each documented in the step it writes; the zero rules are in zero.ts):
 * 1. at zero: no replica at all → the cheapest variant with room gets 1 replica **only on demand**
 *    (requests queued at the inference gateway); without demand, or without a gateway signal, the
 *    model stays at zero;
 * 2. scale-to-zero: enabled, the caller reports the model idle (no request in the retention
 *    window; an unknown count is not idle) and nothing is queued → every variant to minReplicas;
 * 3. no metrics: replicas exist but none reported (or no capacity is known) → hold everything;
 *    missing metrics never cause a scale-down;
 * 4. guards: a ready replica without metrics, in any variant, blocks the model's scale-down (pods
 *    on their way hold V1 only; the capacity rule counts them in the anticipated supply);
 * 5. the analyzer's rule: V1 ±1 (src/core/optimize/v1_targets.ts) or cost-aware RC/SC
 *    (src/core/optimize/capacity_targets.ts), within maxReplicas and the GPU budget;
 * 6. scale-to-zero disabled: the model keeps at least one replica (on its cheapest variant with
 *    room) — a floor for the model, not per variant, so `minReplicas: 0` variants stay at 0;
 * 7. clamp to [minReplicas, maxReplicas].
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import {
  type DecisionStep,
  type ModelAnalysis,
  type ModelDecision,
  type ModelObservation,
  reportingReady,
} from "../contract/types.ts";
import { applyCapacityTargets } from "./capacity_targets.ts";
import { applyV1Targets } from "./v1_targets.ts";
import { atZero, keepOneReplica, queuedRequests, scaleToZero } from "./zero.ts";
import { type GpuBudget, note, startWorking, toDecisions, type WorkingVariant } from "./working.ts";

/** Scale-to-zero policy for one model, decided by the caller (retention window, config). */
export interface ScaleToZero {
  readonly enabled: boolean;
  /** True when the model received no request during the retention period. */
  readonly idle: boolean;
}

/** Options of {@linkcode optimizeModel}. */
export interface OptimizeOptions {
  /** Free GPUs per accelerator for this model's scale-ups; absent = unlimited. */
  readonly gpuBudget?: Readonly<GpuBudget>;
  /** Default: disabled (a model never goes to zero replicas). */
  readonly scaleToZero?: ScaleToZero;
}

/** Decides the target replicas of every variant of one model. Pure; inputs are not mutated. */
export function optimizeModel(
  obs: ModelObservation,
  analysis: ModelAnalysis,
  options: OptimizeOptions = {},
): ModelDecision {
  const ws = startWorking(obs.variants);
  const budget: GpuBudget | undefined = options.gpuBudget ? { ...options.gpuBudget } : undefined;
  const steps: DecisionStep[] = [...analysis.steps];
  const stz = options.scaleToZero ?? { enabled: false, idle: false };
  const queued = queuedRequests(obs);
  if (ws.every((w) => w.obs.currentReplicas === 0)) atZero(ws, steps, queued, budget);
  else if (stz.enabled && stz.idle && queued === 0) scaleToZero(ws, steps);
  else if (!holdWithoutMetrics(obs, analysis, ws, steps)) {
    applyAnalyzerRule(ws, steps, analysis, budget);
    if (!stz.enabled) keepOneReplica(ws, steps, budget);
  }
  clamp(ws);
  for (const w of ws) {
    if (w.steps.length === 0) note(w, "hold", `keeps ${w.target} replica(s): ${holdWhy(analysis)}`);
  }
  return {
    modelId: obs.modelId,
    namespace: obs.namespace,
    analyzer: analysis.kind === "saturation-v1" ? "saturation-v1" : analysis.analyzer,
    priority: obs.priority,
    variants: toDecisions(ws),
    steps,
  };
}

/** Holds every variant when the analysis has nothing to act on; true when it did. */
function holdWithoutMetrics(
  obs: ModelObservation,
  analysis: ModelAnalysis,
  ws: WorkingVariant[],
  steps: DecisionStep[],
): boolean {
  const reported = ws.reduce((a, w) => a + w.obs.replicas.length, 0);
  const qm = analysis.kind === "capacity" && analysis.analyzer === "queueing-model";
  const noCapacity = analysis.kind === "capacity" && analysis.variants.every((v) => !v.hasData);
  // The queueing model needs the model's load, not per-replica metrics.
  const why = qm && !obs.load
    ? "no load observed"
    : !qm && reported === 0
    ? "no replica reported metrics"
    : noCapacity
    ? "no variant has a known capacity"
    : undefined;
  if (!why) return false;
  steps.push(
    step("guard.no-metrics", `hold every variant: ${why}`, { reportedReplicas: reported }),
  );
  for (const w of ws) {
    w.reason = "no-metrics";
    note(w, "guard.no-metrics", `holds ${w.target} replica(s): ${why}`);
  }
  return true;
}

/**
 * Why scale-down is blocked this cycle: ready replicas that do not report (an overloaded pod is
 * exactly the one whose scrape times out), in any variant of the model. Pods on their way do not
 * block the capacity rule (they are in the anticipated supply); V1 holds the model for them
 * itself. The queueing model sizes from the load, not per-replica metrics: never blocked here.
 */
function scaleDownBlock(ws: WorkingVariant[], analysis: ModelAnalysis): string | undefined {
  if (analysis.kind === "capacity" && analysis.analyzer === "queueing-model") return undefined;
  const silent = ws.filter((w) => reportingReady(w.obs) < w.obs.readyReplicas);
  if (silent.length === 0) return undefined;
  const which = silent.map((w) =>
    w.obs.replicas.length === 0
      ? `${w.obs.name} report no metrics`
      : `${w.obs.name} has ${
        reportingReady(w.obs)
      } of ${w.obs.readyReplicas} ready replicas reporting`
  );
  return `scale-down blocked: ${which.join(", ")}`;
}

/** The guards, then the analyzer's rule: V1 ±1 or cost-aware RC/SC. */
function applyAnalyzerRule(
  ws: WorkingVariant[],
  steps: DecisionStep[],
  analysis: ModelAnalysis,
  budget: GpuBudget | undefined,
): void {
  const blockScaleDown = scaleDownBlock(ws, analysis);
  if (blockScaleDown) steps.push(step("guard.scale-down", blockScaleDown));
  const options = {
    ...(budget ? { budget } : {}),
    ...(blockScaleDown ? { blockScaleDown } : {}),
  };
  if (analysis.kind === "saturation-v1") applyV1Targets(ws, analysis, options);
  else applyCapacityTargets(ws, analysis, options);
}

function holdWhy(a: ModelAnalysis): string {
  if (a.kind === "saturation-v1") {
    if (a.scaleUp) return "another variant takes the scale-up";
    if (a.scaleDownSafe) return "another variant takes the scale-down";
    return "spare above the triggers and scale-down not safe";
  }
  if (a.requiredCapacity > 0) return "another variant adds the capacity";
  if (a.spareCapacity > 0) return "the spare capacity is taken elsewhere or too small";
  return "demand within the scale-up and scale-down thresholds";
}

function clamp(ws: WorkingVariant[]): void {
  for (const w of ws) {
    const { minReplicas, maxReplicas } = w.obs;
    const bounded = Math.min(Math.max(w.target, minReplicas), maxReplicas);
    if (bounded === w.target) continue;
    note(w, "clamp", `target ${w.target} outside [${minReplicas}, ${maxReplicas}]: ${bounded}`, {
      wanted: w.target,
      minReplicas,
      maxReplicas,
    });
    w.target = bounded;
    w.reason = "clamped";
  }
}
