/**
 * The queueing model (pure): the state-dependent M/M/1/K birth–death queue, plain M/M/1/K,
 * float32 bisection, and the two sizing generations.
 *
 * | generation | service | targets | sizes with | use |
 * |---|---|---|---|---|
 * | Gen1 ({@linkcode sizeGen1}) | per-token α + β·n, no prefill, K ≤ 10·N | ITL on mean service, TTW/ln 20 on mean wait | λ* | reproduces the seed logs digit for digit |
 * | Gen2 ({@linkcode sizeGen2}) | prefill γ + δ·i·n, decode α + β·n, K ≤ 11·N | mean TTFT, mean ITL (effective concurrency) | X(λ*) | TTFT/ITL SLOs with prefill |
 *
 * Units: times in ms; rates per ms inside the queue, req/s at the Gen2 analyzer, req/min at the
 * allocation level; all arithmetic float32 like the reference (see ./float32.ts).
 *
 * @module
 */
export { f32, formatFloat32, toDecimal32 } from "./float32.ts";
export { bisect, type BisectionResult, withinTolerance } from "./bisection.ts";
export { type QueueSolution, solveStateDependent } from "./birth_death.ts";
export { type MM1KSolution, solveMM1K } from "./mm1k.ts";
export {
  batchSize,
  type Gen1Input,
  gen1ServiceRates,
  type Gen1Sizing,
  type Infeasible,
  perMsToRpm,
  sizeGen1,
} from "./gen1.ts";
export {
  analyzeGen2,
  createGen2Queue,
  decodeTimeMs,
  effectiveConcurrency,
  type Gen2Metrics,
  type Gen2Params,
  type Gen2Queue,
  prefillTimeMs,
  sizeGen2Targets,
} from "./gen2_queue.ts";
export { type Gen2Input, type Gen2Sizing, sizeGen2 } from "./gen2.ts";
