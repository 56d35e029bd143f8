/**
 * Runs a scenario: the request plan is built once per sweep point (same seed, same requests for
 * every arm), then each arm gets a fresh world — the same cluster, a fresh scaler — and the event
 * loop runs it to the end on the virtual clock.
 *
 * @module
 */
import type { Arm } from "./arms/arm_schema.ts";
import { startHpaArm } from "./arms/run_hpa.ts";
import { startKedaArm } from "./arms/run_keda.ts";
import { staticReplicas } from "./arms/run_static.ts";
import { startWvaArm } from "./arms/run_wva.ts";
import type { SyncRecord } from "./arms/sync_log.ts";
import { buildRequestPlan, type RequestPlan, truncatePlan } from "./load/plan.ts";
import { atSweepPoint, expandModels, type RunModel } from "./scenario/expand.ts";
import type { Scenario } from "./scenario/scenario.ts";
import { runLoop } from "./sim/loop.ts";
import { createPod } from "./sim/pods.ts";
import { startClusterScrapes } from "./sim/scrape.ts";
import { startTimeline, type Timeline } from "./sim/timeline.ts";
import type { Records, ScaleEvent, World, WorldSettings } from "./sim/types.ts";
import { createWorld } from "./sim/world.ts";
import type { WvaRegistry } from "./wva/seam.ts";

/** Everything one arm's run produced (the input of the figures). */
export interface ArmRun {
  readonly arm: Arm;
  readonly plan: RequestPlan;
  readonly models: readonly RunModel[];
  readonly settings: WorldSettings;
  readonly records: Records;
  readonly timeline: Timeline;
  readonly scaleEvents: readonly ScaleEvent[];
  readonly syncs: readonly SyncRecord[];
  /** GPU-hours and cost (cost/hour × hours) within the load window. */
  readonly gpuHours: number;
  readonly cost: number;
  /** Pods ever created, and those that never started (fault). */
  readonly podsCreated: number;
  readonly podsStuck: number;
  /** When pods created during the run became Ready (initial pods excluded). */
  readonly readyEvents: readonly {
    readonly variant: string;
    readonly model: string;
    readonly atMs: number;
  }[];
}

/** Options of {@linkcode runArm} and {@linkcode runScenario}. */
export interface RunOptions {
  /** Decision functions for wva arms. */
  readonly registry?: WvaRegistry;
  /** Trace file contents by path. */
  readonly traces?: ReadonlyMap<string, string>;
  /** Only these arms (by name). */
  readonly arms?: readonly string[];
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Replay only the first this many seconds of the load. */
  readonly loadSeconds?: number;
  /** Called after each arm (for progress). */
  readonly onArm?: (run: ArmRun, point: SweepPoint | undefined) => void;
}

function startArm(w: World, arm: Arm, registry: WvaRegistry, syncs: SyncRecord[]): void {
  const initial = arm.type === "static"
    ? staticReplicas(w, arm)
    : new Map(w.variants.map((v) => [v.index, v.spec.initialReplicas]));
  for (const v of w.variants) {
    const n = initial.get(v.index) ?? 0;
    v.specReplicas = n;
    for (let i = 0; i < n; i++) createPod(w, v, true);
  }
  startClusterScrapes(w);
  if (arm.type === "hpa") startHpaArm(w, arm, syncs);
  else if (arm.type === "keda") startKedaArm(w, arm, syncs);
  else if (arm.type === "wva") startWvaArm(w, arm, registry, syncs);
}

/** A world with an arm started, before its event loop runs (tests step it with `runLoop`). */
export interface PreparedArm {
  readonly world: World;
  readonly arm: Arm;
  readonly models: readonly RunModel[];
  readonly syncs: SyncRecord[];
  readonly timeline: Timeline;
}

/** What one arm replays: the models, the shared request plan, the arm, and the seed. */
export interface ArmInput {
  readonly models: readonly RunModel[];
  readonly plan: RequestPlan;
  readonly arm: Arm;
  readonly seed: number;
}

/** Builds the world of one arm and starts its scaler. */
export function prepareArm(
  scenario: Scenario,
  input: ArmInput,
  registry: WvaRegistry = {},
): PreparedArm {
  const g = input.arm.gateway;
  const defined = g ? Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined)) : {};
  const s = g ? { ...scenario, gateway: { ...scenario.gateway, ...defined } } : scenario;
  const world = createWorld(s, input.models, input.plan, input.seed);
  const syncs: SyncRecord[] = [];
  const timeline = startTimeline(world);
  startArm(world, input.arm, registry, syncs);
  return { world, arm: input.arm, models: input.models, syncs, timeline };
}

/** The result of a prepared arm whose loop has run to the end. */
export function armResult(p: PreparedArm): ArmRun {
  const w = p.world;
  return {
    arm: p.arm,
    plan: w.plan,
    models: p.models,
    settings: w.settings,
    records: w.records,
    timeline: p.timeline,
    scaleEvents: w.scaleEvents,
    syncs: p.syncs,
    gpuHours: w.gpuMs / 3_600_000,
    cost: w.costMs / 3_600_000,
    podsCreated: w.pods.length,
    podsStuck: w.pods.filter((x) => x.neverStarts).length,
    readyEvents: w.pods.filter((x) => x.readyMs > 0)
      .map((x) => ({ variant: x.variant.name, model: x.variant.model.name, atMs: x.readyMs }))
      .sort((a, b) => a.atMs - b.atMs),
  };
}

/** Runs one arm over a plan. */
export function runArm(
  scenario: Scenario,
  input: ArmInput,
  registry: WvaRegistry = {},
): ArmRun {
  const p = prepareArm(scenario, input, registry);
  runLoop(p.world);
  return armResult(p);
}

/** One point of a sweep (absent without a sweep). */
export interface SweepPoint {
  readonly parameter: string;
  readonly value: number;
}

/** The runs of one sweep point (or of the scenario). */
export interface PointRun {
  readonly point: SweepPoint | undefined;
  readonly runs: readonly ArmRun[];
}

/** One arm at one sweep point, ready to prepare: the scenario there, its models and plan. */
export interface ArmJob {
  readonly point: SweepPoint | undefined;
  readonly scenario: Scenario;
  readonly models: readonly RunModel[];
  readonly plan: RequestPlan;
  readonly arm: Arm;
  /** Seed of the arm's world (the plan's seed + 1). */
  readonly seed: number;
}

function selectArms(scenario: Scenario, names: readonly string[] | undefined): readonly Arm[] {
  if (!names) return scenario.arms;
  const unknown = names.filter((n) => !scenario.arms.some((a) => a.name === n));
  if (unknown.length) {
    throw new RangeError(`Cannot run arms ${unknown.join(", ")}: not in the scenario`);
  }
  return scenario.arms.filter((a) => names.includes(a.name));
}

/**
 * Every (selected) arm at every sweep point, in run order; the plan is built once per point
 * (same seed, same requests for every arm) and cut to `loadSeconds` when given.
 */
export function scenarioJobs(scenario: Scenario, options: RunOptions = {}): ArmJob[] {
  const seed = options.seed ?? scenario.seed;
  const arms = selectArms(scenario, options.arms);
  const points: (SweepPoint | undefined)[] = scenario.sweep
    ? scenario.sweep.values.map((value) => ({ parameter: scenario.sweep!.parameter, value }))
    : [undefined];
  return points.flatMap((point) => {
    const s = point ? atSweepPoint(scenario, scenario.sweep!.parameter, point.value) : scenario;
    const models = expandModels(s);
    const full = buildRequestPlan(models.map((m) => m.load), {
      seed,
      ...(options.traces ? { traces: options.traces } : {}),
    });
    const plan = options.loadSeconds === undefined
      ? full
      : truncatePlan(full, options.loadSeconds * 1000);
    return arms.map((arm) => ({ point, scenario: s, models, plan, arm, seed: seed + 1 }));
  });
}

/** Runs every (selected) arm at every sweep point. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): PointRun[] {
  const out: { point: SweepPoint | undefined; runs: ArmRun[] }[] = [];
  for (const job of scenarioJobs(scenario, options)) {
    const run = runArm(job.scenario, job, options.registry ?? {});
    options.onArm?.(run, job.point);
    const last = out[out.length - 1];
    if (last && last.point === job.point) last.runs.push(run);
    else out.push({ point: job.point, runs: [run] });
  }
  return out;
}
