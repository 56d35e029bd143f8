/**
 * The seed's global system solver, used only by `wva plan` (pure): candidates per server sized
 * by the queueing model (Gen1/Gen2) and valued by the transition penalty; {@linkcode solveSystem}
 * picks per server (unlimited capacity) or fits the capacity greedily by priority with a
 * saturation policy (None, PriorityExhaustive, PriorityRoundRobin, RoundRobin).
 *
 * It shares nothing with the control cycle's optimizer (src/core/optimize: cost-aware targets
 * per model, one cycle at a time). `wva plan`'s file schema, checks and rendering are here too.
 *
 * @module
 */
export {
  type Allocation,
  candidateAllocations,
  createAllocation,
  isSaturated,
  transitionPenalty,
} from "./allocation.ts";
export { solveGreedy } from "./greedy.ts";
export {
  type AllocationByType,
  type ServerSolution,
  solveSystem,
  solveUnlimited,
  type SystemSolution,
} from "./solve.ts";
export { type CrossCheck, crossCheck, loadSystem, toSystemSpec } from "./build.ts";
export { type PlanReport, planReport, renderReport, renderTable } from "./render.ts";
export { type SystemFile, SystemFileSchema } from "./schema.ts";
export type * from "./system.ts";
