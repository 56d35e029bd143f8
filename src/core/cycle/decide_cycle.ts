/**
 * The pure middle of a control cycle: snapshot + metrics + settings + state → report + state.
 * `runCycle` (src/runtime/run_cycle.ts) wraps it with the ports; tests and benchmarks call it
 * directly.
 *
 * 1. Variants with a blocking problem are left out (they get conditions saying why).
 * 2. The rest are grouped per model and observed (src/core/cycle/observe.ts).
 * 3. Models are decided with `decideModels`, one call per analyzer in use (the global one, or a
 *    variant's override), sharing the GPU inventory when the limiter is on. A model whose
 *    decision throws holds; the others are still decided.
 * 4. The metrics guard and conditions are applied per variant (src/core/cycle/outcomes.ts).
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import { decideModels } from "./decide_models.ts";
import { freeGpus, type GpuInventory, heldReplicas } from "../contract/gpus.ts";
import {
  type ClusterSnapshot,
  type CycleReport,
  modelKey,
  type ModelMetrics,
  type ModelOutcome,
  variantKey,
  type VariantOutcome,
} from "../contract/ports.ts";
import type { CycleSettings, CycleState, ModelIdentity } from "../contract/settings.ts";
import type {
  AnalyzerName,
  DecisionStep,
  ModelDecision,
  ModelObservation,
} from "../contract/types.ts";
import { applyConfigRules } from "./config_rules.ts";
import { buildObservation, groupModels, type ModelGroup, type Observed } from "./observe.ts";
import { excludedOutcome, servedOutcome } from "./outcomes.ts";

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

interface ModelWork {
  readonly group: ModelGroup;
  readonly identity: ModelIdentity;
  readonly analyzer: AnalyzerName;
  readonly analyzerSteps: readonly DecisionStep[];
  readonly observed: Observed;
  readonly metrics: ModelMetrics | undefined;
  decision?: ModelDecision | undefined;
  error?: string | undefined;
}

function identityOf(group: ModelGroup): ModelIdentity {
  const serviceClass = group.variants.find((v) => v.serviceClass)?.serviceClass;
  return { modelId: group.modelId, namespace: group.namespace, serviceClass };
}

function pickAnalyzer(
  group: ModelGroup,
  global: AnalyzerName,
): { analyzer: AnalyzerName; steps: DecisionStep[] } {
  const chosen = [...new Set(group.variants.map((v) => v.analyzer).filter((a) => !!a))];
  if (chosen.length === 0) return { analyzer: global, steps: [] };
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

/** GPUs left for later analyzer groups: inventory − what earlier groups hold and add. */
function remainingInventory(
  inventory: GpuInventory,
  decided: readonly ModelDecision[],
): Record<string, number> {
  return freeGpus(
    inventory,
    decided.flatMap((d) =>
      d.variants.map((v) => ({ ...v, replicas: heldReplicas(v.currentReplicas, v.targetReplicas) }))
    ),
  );
}

function decideGroup(
  works: readonly ModelWork[],
  analyzer: AnalyzerName,
  options: DecideCycleOptions & { inventory: GpuInventory | undefined },
  analyzerState: CycleState["analyzer"],
): CycleState["analyzer"] {
  const { settings } = options;
  const byObs = new Map<ModelObservation, ModelWork>(works.map((w) => [w.observed.observation, w]));
  const run = (list: readonly ModelWork[], state: CycleState["analyzer"]) =>
    decideModels(list.map((w) => w.observed.observation), {
      analyzer,
      nowMs: options.nowMs,
      state,
      configFor: (obs) => settings.saturationFor(byObs.get(obs)!.identity),
      ...(settings.queueing ? { queueing: settings.queueing } : {}),
      ...(options.inventory ? { inventory: options.inventory } : {}),
      scaleToZeroFor: (obs) => {
        const w = byObs.get(obs)!;
        const policy = settings.scaleToZeroFor?.(w.identity);
        return { enabled: !!policy?.enabled, idle: w.metrics?.requestsInWindow === 0 };
      },
    });
  try {
    const r = run(works, analyzerState);
    works.forEach((w, i) => (w.decision = r.decisions[i]));
    return r.state;
  } catch {
    // Isolate the model that throws: decide each alone so the others are still served.
    let state = analyzerState;
    for (const w of works) {
      try {
        const r = run([w], state);
        w.decision = r.decisions[0];
        state = r.state;
      } catch (err) {
        w.error = err instanceof Error ? err.message : String(err);
      }
    }
    return state;
  }
}

function modelOutcome(w: ModelWork, outcomes: readonly VariantOutcome[]): ModelOutcome {
  const m = w.metrics;
  return {
    modelId: w.group.modelId,
    namespace: w.group.namespace,
    analyzer: w.analyzer,
    // Model-level steps first, then each variant's (its rule, guard and clamp steps).
    steps: [...w.analyzerSteps, ...(w.decision?.steps ?? []), ...outcomes.flatMap((o) => o.steps)],
    variants: outcomes.map((o) => ({
      name: o.name,
      current: o.currentReplicas,
      desired: o.desiredReplicas ?? o.currentReplicas,
      reason: o.reason,
    })),
    ...(m && m.error === undefined
      ? {
        load: {
          arrivalRatePerSec: m.arrivalRatePerSec,
          avgInputTokens: m.avgInputTokens,
          avgOutputTokens: m.avgOutputTokens,
          ttftMs: m.ttftMs,
          itlMs: m.itlMs,
        },
      }
      : {}),
    ...(w.error !== undefined ? { error: w.error } : {}),
  };
}

/** Decides one cycle (pure): observations, decisions, guard, conditions, next state. */
export function decideCycle(
  snapshot: ClusterSnapshot,
  metrics: readonly ModelMetrics[],
  options: DecideCycleOptions,
): DecideCycleResult {
  const { settings, state, nowMs } = options;
  const all = snapshot.variants.map((v) => applyConfigRules(v, settings));
  const served = all.filter((v) => !v.problems.some((p) => p.blocking));
  const excluded = all.filter((v) => v.problems.some((p) => p.blocking));
  const metricsByModel = new Map(metrics.map((m) => [modelKey(m), m]));
  const works: ModelWork[] = groupModels(served).map((group) => {
    const identity = identityOf(group);
    const picked = pickAnalyzer(group, settings.analyzer);
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
      analyzerSteps: picked.steps,
      observed,
      metrics: m,
    };
  });
  const useInventory = settings.limiter && snapshot.inventory !== undefined;
  let analyzerState = state.analyzer;
  const decided: ModelDecision[] = [];
  for (const analyzer of [...new Set(works.map((w) => w.analyzer))].sort()) {
    const group = works.filter((w) => w.analyzer === analyzer);
    const inventory = useInventory ? remainingInventory(snapshot.inventory!, decided) : undefined;
    analyzerState = decideGroup(group, analyzer, { ...options, inventory }, analyzerState);
    for (const w of group) if (w.decision) decided.push(w.decision);
  }
  const variants: VariantOutcome[] = [];
  const models: ModelOutcome[] = [];
  const previousDesired = new Map<string, number>();
  for (const w of works) {
    const outs = w.group.variants.map((v) => {
      const d = w.decision?.variants.find((x) => x.variant === v.name);
      const health = w.observed.metrics.get(v.name)!;
      return servedOutcome(v, d, health, w.error);
    });
    for (const o of outs) previousDesired.set(variantKey(o), o.desiredReplicas!);
    variants.push(...outs);
    models.push(modelOutcome(w, outs));
  }
  variants.push(...excluded.map(excludedOutcome));
  return {
    report: {
      nowMs,
      models,
      variants,
      ...(snapshot.inventory ? { inventory: snapshot.inventory } : {}),
    },
    state: { analyzer: analyzerState, previousDesired },
  };
}
