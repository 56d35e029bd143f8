/**
 * The optimize stage of a cycle (pure): every model's analysis → its {@linkcode ModelDecision},
 * sharing one GPU inventory. It reads analyses, never runs an analyzer.
 *
 * With an inventory, models draw their scale-ups from the GPUs not yet held (the rule of
 * src/core/contract/gpus.ts): the budget starts from the inventory minus the GPUs of pods no
 * model here manages (`unmanaged`: other workloads on the same nodes) and minus the current
 * replicas of every model; the models are then optimized in priority order across all of them,
 * whatever their analyzer (1 first, then model id and namespace), each charging its added
 * replicas. Because the budget is known while choosing, demand spills over to the next-cheapest
 * variant when the cheapest one's GPUs run out. Scale-downs do not return GPUs in the same cycle
 * (the pods are still running).
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
  /** GPUs per accelerator held by pods that none of the models manages (taken first). */
  readonly unmanaged?: GpuInventory | undefined;
}

function byPriority(a: ModelObservation, b: ModelObservation): number {
  return a.priority - b.priority || a.modelId.localeCompare(b.modelId) ||
    a.namespace.localeCompare(b.namespace);
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

/** GPUs held by pods no model manages, as holders of one GPU each. */
function unmanagedHolders(unmanaged: GpuInventory | undefined): GpuHolder[] {
  return Object.entries(unmanaged ?? {}).map(([accelerator, gpus]) => ({
    accelerator,
    gpusPerReplica: 1,
    replicas: gpus,
  }));
}

/** Optimizes every model; outcomes are in the order of `requests`. Pure; inputs are not mutated. */
export function optimizeModels(
  requests: readonly OptimizeRequest[],
  options: OptimizeModelsOptions = {},
): readonly OptimizeOutcome[] {
  const outcomes: OptimizeOutcome[] = new Array(requests.length).fill({});
  const budget = options.inventory
    ? freeGpus(options.inventory, [
      ...unmanagedHolders(options.unmanaged),
      ...currentHolders(requests.map((r) => r.observation)),
    ])
    : undefined;
  const order = requests.map((request, i) => ({ request, i }))
    .sort((a, b) => byPriority(a.request.observation, b.request.observation) || a.i - b.i);
  for (const { request, i } of order) outcomes[i] = optimizeOne(request, budget);
  return outcomes;
}
