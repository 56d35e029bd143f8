/**
 * `wva bench`'s pure core: one load trace replayed against wva's decision code and faithful
 * HPA/KEDA baselines, each through the same emulated cluster on a virtual clock.
 *
 * | module | what |
 * |---|---|
 * | scenario/ | the scenario schema (variants, inventory, load, SLOs, arms, faults, sweep) |
 * | load/ | the request plan (schedules, overlapping jobs, traces), built once per seed |
 * | arms/ | arms as data (presets of baselines.md §7/§5) and their run-time scalers |
 * | sim/ | the cluster: pods with the emulator's batching engine, gateway, Prometheus, the event loop |
 * | wva/ | the seam for wva's decision function, the adapter to the control cycle's records, the real cycle per analyzer |
 * | figures.ts, summary.ts | one definition of every figure for every arm; `summary.json` |
 * | report/ | the terminal/Markdown tables, the series over time and `report.html` |
 *
 * @example
 * ```ts
 * import { parseScenario, runScenario, benchSummary } from "./mod.ts";
 * const scenario = parseScenario({
 *   models: [{ name: "m", variants: [{ name: "h100" }], load: { stages: "30s@2rps" } }],
 *   arms: ["static-peak"],
 * });
 * const summary = benchSummary(runScenario(scenario), { scenario: "x", seed: 1, wallSeconds: 1 });
 * if (summary.arms[0]!.requests !== summary.arms[0]!.completed) throw new Error("lost requests");
 * ```
 *
 * @module
 */
export { type Arm, ArmSchema } from "./arms/arm_schema.ts";
export { ARM_PRESETS, BASELINE_ARMS } from "./arms/presets.ts";
export type { SyncRecord } from "./arms/sync_log.ts";
export { type ArmFigures, armFigures, type StepReaction } from "./figures.ts";
export { type Load, LoadSchema } from "./load/load_schema.ts";
export {
  buildRequestPlan,
  type PlannedModel,
  type RequestPlan,
  truncatePlan,
} from "./load/plan.ts";
export { parseTrace, type Trace } from "./load/trace.ts";
export {
  type ArmJob,
  armResult,
  type ArmRun,
  type PointRun,
  prepareArm,
  type PreparedArm,
  runArm,
  type RunOptions,
  runScenario,
  scenarioJobs,
  type SweepPoint,
} from "./run.ts";
export { runLoop } from "./sim/loop.ts";
export {
  type BenchReportInput,
  renderBenchReport,
  type ReportRun,
  reportRun,
} from "./report/html.ts";
export {
  figuresTable,
  markdownTable,
  RATIO_CELL,
  ratioTable,
  type TableData,
  textTable,
} from "./report/tables.ts";
export { expandModels, type RunModel } from "./scenario/expand.ts";
export {
  parseScenario,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
  SweepSchema,
} from "./scenario/scenario.ts";
export {
  type BenchSummary,
  benchSummary,
  type SummaryEntry,
  summaryJson,
  summaryOf,
} from "./summary.ts";
export {
  CYCLE_REGISTRY,
  cycleDecider,
  type CycleDeciderSettings,
  CycleDeciderSettingsSchema,
} from "./wva/cycle_decider.ts";
export {
  BENCH_NAMESPACE,
  type CycleDecide,
  type CycleInputs,
  toCycleInputs,
  viaCycleInputs,
} from "./wva/cycle_adapter.ts";
export type {
  BenchObservation,
  DesiredReplicas,
  ObservedModel,
  ObservedReplica,
  ObservedVariant,
  WvaDecide,
  WvaDeciderFactory,
  WvaRegistry,
} from "./wva/seam.ts";
