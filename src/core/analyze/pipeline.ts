/**
 * The multi-analyzer pipeline of one model (controller.md §3.5, WVA's `internal/engines/
 * pipeline`): the analyzers the saturation ConfigMap lists for the model (`analyzers:` in WVA's
 * spelling, parsed by src/core/api/configmaps/analyzers.ts) each size the model in their own
 * unit, and the combination rule (combine.ts) decides together — **scale up when any** live
 * voter asks, **scale down only when all** live voters have spare — in replicas of the variant
 * the optimizer would grow or shrink. Pure: state in, new state out.
 *
 * 1. Saturation V2 always runs (it carries the variants' identity, WVA's rule); it votes when
 *    the list is empty or names it enabled. Throughput and the queueing model run when listed
 *    and enabled. Per-analyzer thresholds (`scaleUpThreshold`, `scaleDownBoundary`) replace the
 *    model's; throughput's `parameters` are its settings. An analyzer that throws is left out
 *    (a step says so), as WVA discards errors.
 * 2. Liveness: each analyzer's last informative result (a variant sized) is kept per model; an
 *    analyzer is live while that is at most 3 cycle intervals old.
 * 3. The binder (saturation when it votes, is live and informative; else the one live
 *    non-saturation voter) supplies the unit and the per-replica capacities the optimizer
 *    reads; without one the model holds.
 * 4. The combined decision for the variant the cost-aware optimizer would pick becomes the
 *    binder's analysis with RC = replicas to add × its PRC, or SC = replicas to remove × PRC,
 *    so the optimizer (capacity_targets.ts) adds or removes exactly those replicas, spilling to
 *    the next variant when the first has no room. Every analyzer's steps come first, then the
 *    `pipeline.*` and `combine.*` steps that name the analyzers.
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import type { CapacityAnalysis, DecisionStep, ModelObservation } from "../contract/types.ts";
import {
  type AnalyzerBallot,
  ballotOf,
  bindingAnalyzer,
  combineForVariant,
  isLive,
  SATURATION_ANALYZER,
} from "./combine.ts";
import { analyzeQueueingModel, type QueueingModelConfig } from "./queueing_model.ts";
import type { SaturationConfig } from "./saturation_config.ts";
import { analyzeSaturationV2 } from "./saturation_v2.ts";
import { EMPTY_V2_STATE, type SaturationV2State } from "./saturation_v2_state.ts";
import {
  analyzeThroughput,
  decodeSignalsOf,
  DEFAULT_THROUGHPUT_CONFIG,
  EMPTY_THROUGHPUT_STATE,
  type ThroughputConfig,
  ThroughputConfigSchema,
  type ThroughputState,
} from "./throughput/mod.ts";

/** One analyzer of a model's pipeline (the ConfigMap's `analyzers[]` entry, parsed). */
export interface PipelineMember {
  readonly type: "saturation" | "throughput" | "queueing-model";
  /** Names the analyzer in steps and liveness (default: the type). */
  readonly name: string;
  readonly enabled: boolean;
  /** Belief weight in the combination (> 0). */
  readonly score: number;
  readonly scaleUpThreshold?: number | undefined;
  readonly scaleDownBoundary?: number | undefined;
  /** Everything else of the entry's `parameters`, as written. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A model's pipeline: its members and whether saturation votes. */
export interface PipelineSpec {
  /** Empty: no selection (saturation alone, as configured elsewhere). */
  readonly analyzers: readonly PipelineMember[];
  /** Saturation's result counts in the combination. */
  readonly saturationVotes: boolean;
}

/** What the pipeline remembers between cycles. */
export interface PipelineState {
  readonly v2: SaturationV2State;
  readonly throughput: ThroughputState;
  /** Last informative result (ms) by `namespace/model/analyzer`. */
  readonly lastInformativeMs: Readonly<Record<string, number>>;
}

/** Inputs of {@linkcode runPipeline}. */
export interface PipelineOptions {
  readonly nowMs: number;
  /** The cycle period (ms): an analyzer is live while its last informative result is ≤ 3 of them old. */
  readonly intervalMs: number;
  /** The model's saturation thresholds (V2). */
  readonly saturation: SaturationConfig;
  readonly queueing: QueueingModelConfig;
  readonly state: PipelineState;
}

/** Liveness key of one analyzer of one model. */
export function livenessKey(obs: ModelObservation, analyzer: string): string {
  return `${obs.namespace}/${obs.modelId}/${analyzer}`;
}

/** The throughput analyzer's settings from a member (its parameters and thresholds). */
function throughputConfigOf(m: PipelineMember | undefined): ThroughputConfig {
  if (!m) return DEFAULT_THROUGHPUT_CONFIG;
  const r = ThroughputConfigSchema.safeParse({
    ...m.parameters,
    ...(m.scaleUpThreshold !== undefined ? { scaleUpThreshold: m.scaleUpThreshold } : {}),
    ...(m.scaleDownBoundary !== undefined ? { scaleDownBoundary: m.scaleDownBoundary } : {}),
  });
  // The ConfigMap parser already checked the parameters; a bad set falls back to the defaults.
  return r.success ? r.data : DEFAULT_THROUGHPUT_CONFIG;
}

/** The saturation thresholds with a member's overrides (an override pair that crosses is ignored). */
function saturationConfigOf(base: SaturationConfig, m: PipelineMember | undefined) {
  const up = m?.scaleUpThreshold ?? base.scaleUpThreshold;
  const down = m?.scaleDownBoundary ?? base.scaleDownBoundary;
  return up > down ? { ...base, scaleUpThreshold: up, scaleDownBoundary: down } : base;
}

interface Ran {
  readonly member: PipelineMember;
  readonly analysis?: CapacityAnalysis | undefined;
  readonly error?: string | undefined;
}

/** Runs every member (saturation always), threading the analyzers' state. */
function runMembers(obs: ModelObservation, spec: PipelineSpec, o: PipelineOptions) {
  const sat = spec.analyzers.find((a) => a.type === "saturation");
  const members: PipelineMember[] = [
    sat ??
      { type: "saturation", name: SATURATION_ANALYZER, enabled: false, score: 1, parameters: {} },
    ...spec.analyzers.filter((a) => a.type !== "saturation" && a.enabled),
  ];
  let v2 = o.state.v2;
  let throughput = o.state.throughput;
  const ran = members.map((member): Ran => {
    try {
      if (member.type === "saturation") {
        const r = analyzeSaturationV2(obs, saturationConfigOf(o.saturation, member), {
          state: v2,
          nowMs: o.nowMs,
        });
        v2 = r.state;
        return { member, analysis: r.analysis };
      }
      if (member.type === "throughput") {
        const r = analyzeThroughput(obs, {
          nowMs: o.nowMs,
          state: throughput,
          config: throughputConfigOf(member),
          decode: decodeSignalsOf(obs),
        });
        throughput = r.state;
        return { member, analysis: r.analysis };
      }
      return { member, analysis: analyzeQueueingModel(obs, o.queueing) };
    } catch (err) {
      return { member, error: err instanceof Error ? err.message : String(err) };
    }
  });
  return { ran, v2, throughput };
}

/** The variant the cost-aware optimizer would grow (up) or shrink first, by the binder's PRC. */
export function candidateVariant(
  obs: ModelObservation,
  binder: CapacityAnalysis,
  up: boolean,
): string | undefined {
  const prc = new Map(binder.variants.map((v) => [v.variant, v.perReplicaCapacity]));
  const sized = obs.variants.filter((v) => (prc.get(v.name) ?? 0) > 0);
  if (up) {
    const room = sized.filter((v) => v.currentReplicas < v.maxReplicas);
    return room.sort((a, b) =>
      a.costPerReplica / prc.get(a.name)! - b.costPerReplica / prc.get(b.name)! ||
      a.name.localeCompare(b.name)
    )[0]?.name ?? sized[0]?.name;
  }
  const spare = sized.filter((v) => v.currentReplicas > v.minReplicas);
  return spare.sort((a, b) =>
    b.costPerReplica - a.costPerReplica || prc.get(a.name)! - prc.get(b.name)! ||
    a.name.localeCompare(b.name)
  )[0]?.name ?? sized[0]?.name;
}

/** The binder's analysis carrying the combined decision as RC or SC in its own unit. */
function combinedAnalysis(
  binder: CapacityAnalysis,
  combined: ReturnType<typeof combineForVariant>,
  variant: string,
  steps: readonly DecisionStep[],
): CapacityAnalysis {
  const prc = binder.variants.find((v) => v.variant === variant)?.perReplicaCapacity ?? 0;
  // The optimizer divides by the same PRC: ⌈r·PRC(1−ε)/PRC⌉ = r and ⌊r·PRC(1+ε)/PRC⌋ = r.
  const requiredCapacity = combined.direction === "scale-up"
    ? combined.replicas * prc * (1 - 1e-9)
    : 0;
  const spareCapacity = combined.direction === "scale-down"
    ? combined.replicas * prc * (1 + 1e-9)
    : 0;
  return { ...binder, requiredCapacity, spareCapacity, steps };
}

function holdAnalysis(base: CapacityAnalysis, steps: readonly DecisionStep[]): CapacityAnalysis {
  return { ...base, requiredCapacity: 0, spareCapacity: 0, steps };
}

/** Ballots from the members that produced an analysis, with liveness updated. */
function ballotsOf(
  obs: ModelObservation,
  ran: readonly Ran[],
  spec: PipelineSpec,
  o: PipelineOptions,
) {
  // Older results are not live anyway: dropping them keeps the state small.
  const last: Record<string, number> = Object.fromEntries(
    Object.entries(o.state.lastInformativeMs).filter(([, ms]) => isLive(ms, o.nowMs, o.intervalMs)),
  );
  const ballots: AnalyzerBallot[] = [];
  for (const r of ran) {
    if (!r.analysis) continue;
    const key = livenessKey(obs, r.member.name);
    const voting = r.member.type === "saturation" ? spec.saturationVotes : r.member.enabled;
    const draft = ballotOf(r.member.name, r.analysis, {
      voting,
      live: false,
      score: r.member.score,
    });
    if (draft.informative) last[key] = o.nowMs;
    ballots.push({ ...draft, live: isLive(last[key], o.nowMs, o.intervalMs) });
  }
  return { ballots, last };
}

/** What {@linkcode runPipeline} returns. */
export interface PipelineResult {
  /** The binder's analysis carrying the combined decision (saturation's when nothing binds). */
  readonly analysis: CapacityAnalysis;
  readonly state: PipelineState;
}

/** Runs a model's pipeline and combines the votes (see the module doc). */
export function runPipeline(
  obs: ModelObservation,
  spec: PipelineSpec,
  o: PipelineOptions,
): PipelineResult {
  const { ran, v2, throughput } = runMembers(obs, spec, o);
  const { ballots, last } = ballotsOf(obs, ran, spec, o);
  const state = { v2, throughput, lastInformativeMs: last };
  const byName = new Map(ran.flatMap((r) => (r.analysis ? [[r.member.name, r.analysis]] : [])));
  const carrier = byName.get(ran[0]!.member.name) ?? [...byName.values()][0];
  if (!carrier) throw new Error(`every analyzer failed: ${ran.map((r) => r.error).join("; ")}`);
  const bound = bindingAnalyzer(ballots);
  const steps = analyzerSteps(ran, bound.name ?? carrier.analyzer);
  if (bound.name === undefined) {
    steps.push(step("pipeline.hold", `hold: ${bound.why}`, { analyzers: ballotNames(ballots) }));
    return { analysis: holdAnalysis(carrier, steps), state };
  }
  const binder = byName.get(bound.name)!;
  const up = ballots.some((b) => b.voting && b.live && b.requiredCapacity > 0);
  const variant = candidateVariant(obs, binder, up);
  steps.push(step(
    "pipeline.binder",
    `${bound.name} binds (its ${binder.unit} size the variants); voters: ${
      ballots.filter((b) => b.voting && b.live).map((b) => b.name).join(", ")
    }; ${up ? "grow" : "shrink"} ${variant ?? "no variant"} first`,
    { binder: bound.name, analyzers: ballotNames(ballots), variant: variant ?? null },
  ));
  if (variant === undefined) return { analysis: holdAnalysis(binder, steps), state };
  const combined = combineForVariant(ballots, variant);
  steps.push(...combined.steps);
  return { analysis: combinedAnalysis(binder, combined, variant, steps), state };
}

/**
 * Every analyzer's model steps, and the per-variant steps of those that do not bind (the
 * binder's stay with its variants, where the optimizer's decisions carry them).
 */
function analyzerSteps(ran: readonly Ran[], binder: string): DecisionStep[] {
  return ran.flatMap((r) => {
    if (!r.analysis) {
      return [step("pipeline.error", `${r.member.name} failed and does not vote: ${r.error}`, {
        analyzer: r.member.name,
      })];
    }
    const own = r.member.name === binder || r.analysis.analyzer === binder;
    return [...r.analysis.steps, ...(own ? [] : r.analysis.variants.flatMap((v) => v.steps))];
  });
}

function ballotNames(ballots: readonly AnalyzerBallot[]): string {
  return ballots.map((b) => b.name).join(", ");
}

/** A fresh pipeline state. */
export const EMPTY_PIPELINE_STATE: PipelineState = Object.freeze({
  v2: EMPTY_V2_STATE,
  throughput: EMPTY_THROUGHPUT_STATE,
  lastInformativeMs: {},
});
