/**
 * The optimize stage of a cycle (pure): every model's analysis → its {@linkcode ModelDecision},
 * sharing one GPU inventory. It reads analyses, never runs an analyzer.
 *
 * With an inventory, models draw their scale-ups from the GPUs not yet held (the rule of
 * src/core/contract/gpus.ts): a budget group starts from the inventory minus what the models
 * decided before it hold (max(current, target) replicas) and minus the current replicas of its
 * own models; its models are then optimized in priority order (1 first, then model id and
 * namespace), each charging its added replicas. Because the budget is known while choosing,
 * demand spills over to the next-cheapest variant when the cheapest one's GPUs run out.
 * Scale-downs do not return GPUs in the same cycle (the pods are still running). Groups are served
 * in name order; the cycle names them after the analyzer, so with one analyzer there is one group.
 *
 * @module
 */
import {
  freeGpus,
  type GpuHolder,
  type GpuInventory,
  heldReplicas,
  takeGpus,
} from "../contract/gpus.ts";
import type { ModelAnalysis, ModelDecision, ModelObservation } from "../contract/types.ts";
import { optimizeModel, type ScaleToZero } from "./cost_aware.ts";

/** One model to optimize. */
export interface OptimizeRequest {
  readonly observation: ModelObservation;
  /** The model's analysis; undefined when it failed (no decision; its replicas keep their GPUs). */
  readonly analysis: ModelAnalysis | undefined;
  /** Scale-to-zero policy of the model; default disabled. */
  readonly scaleToZero?: ScaleToZero | undefined;
  /** Models of one group share the GPUs left when the group starts. @default "" */
  readonly budgetGroup?: string | undefined;
}

/** A model's decision, or the error that stopped it (neither: it had no analysis). */
export interface OptimizeOutcome {
  readonly decision?: ModelDecision | undefined;
  readonly error?: string | undefined;
}

/** Options of {@linkcode optimizeModels}. */
export interface OptimizeModelsOptions {
  /** GPUs per accelerator usable by the models; absent = unlimited. */
  readonly inventory?: GpuInventory | undefined;
}

function byPriority(a: ModelObservation, b: ModelObservation): number {
  return a.priority - b.priority || a.modelId.localeCompare(b.modelId) ||
    a.namespace.localeCompare(b.namespace);
}

/** What the variants of decided models hold: max(current, target) replicas each. */
function decidedHolders(decisions: readonly ModelDecision[]): GpuHolder[] {
  return decisions.flatMap((d) =>
    d.variants.map((v) => ({ ...v, replicas: heldReplicas(v.currentReplicas, v.targetReplicas) }))
  );
}

function currentHolders(observations: readonly ModelObservation[]): GpuHolder[] {
  return observations.flatMap((o) =>
    o.variants.map((v) => ({ ...v, replicas: v.currentReplicas }))
  );
}

function optimizeOne(
  request: OptimizeRequest,
  budget: Record<string, number> | undefined,
): OptimizeOutcome {
  if (!request.analysis) return {};
  try {
    const decision = optimizeModel(request.observation, request.analysis, {
      ...(budget ? { gpuBudget: budget } : {}),
      ...(request.scaleToZero ? { scaleToZero: request.scaleToZero } : {}),
    });
    if (budget) {
      for (const v of decision.variants) {
        const added = heldReplicas(v.currentReplicas, v.targetReplicas) - v.currentReplicas;
        takeGpus(budget, { ...v, replicas: added });
      }
    }
    return { decision };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Optimizes every model; outcomes are in the order of `requests`. Pure; inputs are not mutated. */
export function optimizeModels(
  requests: readonly OptimizeRequest[],
  options: OptimizeModelsOptions = {},
): readonly OptimizeOutcome[] {
  const outcomes: OptimizeOutcome[] = new Array(requests.length).fill({});
  const indexed = requests.map((request, i) => ({ request, i }));
  const groups = [...new Set(requests.map((r) => r.budgetGroup ?? ""))].sort();
  const decided: ModelDecision[] = [];
  for (const group of groups) {
    const members = indexed.filter((x) => (x.request.budgetGroup ?? "") === group);
    const budget = options.inventory
      ? freeGpus(options.inventory, [
        ...decidedHolders(decided),
        ...currentHolders(members.map((x) => x.request.observation)),
      ])
      : undefined;
    members.sort((a, b) => byPriority(a.request.observation, b.request.observation));
    for (const { request, i } of members) {
      const outcome = optimizeOne(request, budget);
      outcomes[i] = outcome;
      if (outcome.decision) decided.push(outcome.decision);
    }
  }
  return outcomes;
}
