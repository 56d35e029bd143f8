/**
 * The optimizer (pure), in two parts.
 *
 * **Control cycle** (controller, demo): from analyses to replica targets per variant.
 * - {@linkcode decideModels}`(observations, {analyzer, config, nowMs, state, inventory?})` →
 *   `{decisions, analyses, state}`: analyze + optimize every model, sharing the GPU inventory by
 *   priority so demand spills over to the next-cheapest variant.
 * - {@linkcode optimizeModel}`(observation, analysis, {gpuBudget?, scaleToZero?})` → one
 *   `ModelDecision` (V1 ±1 rule or cost-aware RC/SC, guards, clamps).
 *
 * **Global system solver** (`wva plan`): candidates per server sized by Gen1/Gen2, valued by the
 * transition penalty; {@linkcode solveSystem} picks per server (unlimited) or fits the capacity
 * greedily by priority with a saturation policy (None, PriorityExhaustive, PriorityRoundRobin,
 * RoundRobin).
 *
 * @module
 */
export {
  decideModel,
  decideModels,
  type DecideOptions,
  type DecideResult,
  freeGpus,
} from "../cycle/decide_models.ts";
export { optimizeModel, type OptimizeOptions, type ScaleToZero } from "./cost_aware.ts";
export {
  type Allocation,
  candidateAllocations,
  createAllocation,
  isSaturated,
  transitionPenalty,
} from "../plan/allocation.ts";
export { solveGreedy } from "../plan/greedy.ts";
export {
  type AllocationByType,
  type ServerSolution,
  solveSystem,
  solveUnlimited,
  type SystemSolution,
} from "../plan/solve.ts";
export type * from "../plan/system.ts";
