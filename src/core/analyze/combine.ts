/**
 * The multi-analyzer rule (controller.md §3.5, WVA's `internal/engines/pipeline/
 * analyzer_helpers.go`): several capacity analyzers (saturation V2 in tokens, the throughput
 * analyzer in tokens/s, the queueing model in req/s) each report a required capacity RC, a
 * spare capacity SC and a per-replica capacity PRC per variant, in their own unit. Votes are
 * compared in **replicas**, where the units cancel:
 *
 * - **scale up when any** voting analyzer asks (RC > 0): bottleneck replicas =
 *   ⌈max_i RC_i / PRC_i⌉ over the voters that size the variant;
 * - **scale down only when all** live voters have spare (SC > 0): safe removal =
 *   ⌊min_i SC_i / PRC_i⌋;
 * - otherwise hold.
 *
 * Who votes: an analyzer listed and enabled in the saturation ConfigMap's `analyzers` (saturation
 * also when the list is empty) **and live** — its last informative result (one variant with
 * data) is at most 3 cycle intervals old. A dead analyzer neither asks for replicas nor blocks a
 * scale-down. Scores (default 1) pull the combined value toward the more trusted analyzers'
 * votes without leaving [min, max]: v* = e − Σ(e − v_i)(s_i − s_e)⁺ / Σs_j, e the extremum;
 * equal scores give the plain extremum. Pure.
 *
 * @module
 */
import type { DecisionStep, StepValue } from "../contract/types.ts";
import { roundForStep, step } from "../contract/steps.ts";

/** The analyzer that carries the variants' identity and binds when it can. */
export const SATURATION_ANALYZER = "saturation";

/** One analyzer's result as the combination sees it. */
export interface AnalyzerBallot {
  /** `saturation`, `throughput`, `queueing-model`, … (steps name it). */
  readonly name: string;
  /** Unit of RC, SC and PRC (`tokens`, `tokens/s`, `req/s`), for the steps. */
  readonly unit: string;
  /** Listed and enabled in the ConfigMap (saturation: also when nothing is listed). */
  readonly voting: boolean;
  /** The last informative result is at most 3 intervals old ({@linkcode isLive}). */
  readonly live: boolean;
  /** This cycle's result sizes at least one variant. */
  readonly informative: boolean;
  /** Belief weight; ≤ 0 or absent reads as 1. */
  readonly score?: number | undefined;
  readonly requiredCapacity: number;
  readonly spareCapacity: number;
  /** PRC per variant name (0 or absent: this analyzer does not size the variant). */
  readonly perReplicaCapacity: Readonly<Record<string, number>>;
}

/** Liveness window in cycle intervals. */
export const LIVENESS_INTERVALS = 3;

/** True when the last informative result (ms) is at most 3 intervals before `nowMs`. */
export function isLive(
  lastInformativeMs: number | undefined,
  nowMs: number,
  intervalMs: number,
): boolean {
  return lastInformativeMs !== undefined &&
    nowMs - lastInformativeMs <= LIVENESS_INTERVALS * intervalMs;
}

/** A ballot from a capacity analysis (saturation V2, queueing model, throughput). */
export function ballotOf(
  name: string,
  analysis: {
    readonly unit: string;
    readonly requiredCapacity: number;
    readonly spareCapacity: number;
    readonly variants: readonly {
      readonly variant: string;
      readonly perReplicaCapacity: number;
      readonly hasData: boolean;
    }[];
  },
  vote: { readonly voting: boolean; readonly live: boolean; readonly score?: number | undefined },
): AnalyzerBallot {
  return {
    name,
    unit: analysis.unit,
    ...vote,
    informative: analysis.variants.some((v) => v.hasData && v.perReplicaCapacity > 0),
    requiredCapacity: analysis.requiredCapacity,
    spareCapacity: analysis.spareCapacity,
    perReplicaCapacity: Object.fromEntries(
      analysis.variants.map((v) => [v.variant, v.hasData ? v.perReplicaCapacity : 0]),
    ),
  };
}

/**
 * The analyzer whose sizing binds the model: saturation when it votes, is live and
 * informative; else the one live, informative non-saturation voter. None, or more than one
 * non-saturation candidate without saturation, means no binder: the model holds.
 */
export function bindingAnalyzer(
  ballots: readonly AnalyzerBallot[],
): { readonly name: string } | { readonly name?: undefined; readonly why: string } {
  const ok = (b: AnalyzerBallot) => b.voting && b.live && b.informative;
  const sat = ballots.find((b) => b.name === SATURATION_ANALYZER);
  if (sat && ok(sat)) return { name: sat.name };
  const others = ballots.filter((b) => b.name !== SATURATION_ANALYZER && ok(b));
  if (others.length === 1) return { name: others[0]!.name };
  if (others.length === 0) return { why: "no voting analyzer is live and informative" };
  return {
    why: `${others.map((b) => b.name).join(" and ")} could each bind; saturation does not vote`,
  };
}

interface Vote {
  readonly name: string;
  /** Replicas: RC/PRC (up) or SC/PRC (down). */
  readonly value: number;
  readonly score: number;
}

/**
 * Reduces votes to one replica count (real-valued) and the analyzer at the extremum: the
 * maximum (`up`) or minimum, pulled toward higher-scored votes. Ties keep the first.
 */
export function combineVotes(
  votes: readonly Vote[],
  up: boolean,
): { readonly value: number; readonly binder: string } | undefined {
  if (votes.length === 0) return undefined;
  let e = votes[0]!;
  for (const v of votes.slice(1)) if (up ? v.value > e.value : v.value < e.value) e = v;
  const total = votes.reduce((a, v) => a + v.score, 0);
  const pull = votes.reduce((a, v) => a + (e.value - v.value) * Math.max(0, v.score - e.score), 0);
  return { value: total > 0 ? e.value - pull / total : e.value, binder: e.name };
}

function votesFor(
  ballots: readonly AnalyzerBallot[],
  variant: string,
  capacity: (b: AnalyzerBallot) => number,
): Vote[] {
  return ballots.flatMap((b) => {
    const prc = b.perReplicaCapacity[variant] ?? 0;
    if (!(prc > 0)) return [];
    return [{
      name: b.name,
      value: capacity(b) / prc,
      score: b.score && b.score > 0 ? b.score : 1,
    }];
  });
}

/** What the analyzers decide together for one variant. */
export interface CombinedDecision {
  readonly direction: "scale-up" | "scale-down" | "hold";
  /** Replicas to add (scale-up) or that can safely go (scale-down); 0 on hold. */
  readonly replicas: number;
  /** The analyzer whose vote set the number. */
  readonly binder?: string | undefined;
  readonly steps: readonly DecisionStep[];
}

function ballotValues(ballots: readonly AnalyzerBallot[], variant: string) {
  const values: Record<string, StepValue> = {};
  for (const b of ballots) {
    values[`${b.name}.rc`] = roundForStep(b.requiredCapacity);
    values[`${b.name}.sc`] = roundForStep(b.spareCapacity);
    values[`${b.name}.prc`] = roundForStep(b.perReplicaCapacity[variant] ?? 0);
    values[`${b.name}.votes`] = b.voting && b.live;
  }
  return values;
}

function describe(b: AnalyzerBallot, variant: string): string {
  const prc = b.perReplicaCapacity[variant] ?? 0;
  const state = !b.voting ? "not voting" : !b.live ? "not live" : "votes";
  return `${b.name} (${state}): RC ${roundForStep(b.requiredCapacity)}, SC ${
    roundForStep(b.spareCapacity)
  }, PRC ${roundForStep(prc)} ${b.unit}`;
}

/**
 * Combines the ballots for `variant` (the variant the optimizer would grow or shrink: it
 * supplies the PRC that turns capacity into replicas). See the module doc for the rule.
 */
export function combineForVariant(
  ballots: readonly AnalyzerBallot[],
  variant: string,
): CombinedDecision {
  const voters = ballots.filter((b) => b.voting && b.live);
  const names = voters.map((b) => b.name).join(", ") || "none";
  const seen = `${ballots.map((b) => describe(b, variant)).join("; ")}`;
  const values = { variant, voters: names, ...ballotValues(ballots, variant) };
  const asking = voters.filter((b) => b.requiredCapacity > 0);
  if (asking.length > 0) {
    const c = combineVotes(votesFor(voters, variant, (b) => b.requiredCapacity), true);
    const askers = asking.map((b) => b.name).join(", ");
    if (!c) {
      const message = `hold: ${askers} ask(s) for capacity but no voter sizes ${variant} (${seen})`;
      return { direction: "hold", replicas: 0, steps: [step("combine.hold", message, values)] };
    }
    const replicas = Math.max(0, Math.ceil(c.value));
    return {
      direction: "scale-up",
      replicas,
      binder: c.binder,
      steps: [step(
        "combine.scale-up",
        `${askers} ask(s) for capacity: bottleneck ${roundForStep(c.value)} replicas of ` +
          `${variant} from ${c.binder} → +${replicas} (${seen})`,
        { ...values, direction: "scale-up", replicas, binder: c.binder },
      )],
    };
  }
  const vetoes = voters.filter((b) => !(b.spareCapacity > 0)).map((b) => b.name);
  if (voters.length === 0 || vetoes.length > 0) {
    const why = voters.length === 0
      ? "no live voting analyzer"
      : `no spare for ${vetoes.join(", ")}`;
    return {
      direction: "hold",
      replicas: 0,
      steps: [step("combine.hold", `hold: ${why} (${seen})`, { ...values, direction: "hold" })],
    };
  }
  const c = combineVotes(votesFor(voters, variant, (b) => b.spareCapacity), false);
  const replicas = c ? Math.max(0, Math.floor(c.value)) : 0;
  return {
    direction: replicas > 0 ? "scale-down" : "hold",
    replicas,
    binder: c?.binder,
    steps: [step(
      "combine.scale-down",
      `all voters (${names}) have spare: safe removal ${replicas} of ${variant}` +
        `${c ? ` (${c.binder} is the tightest)` : ""} (${seen})`,
      {
        ...values,
        direction: replicas > 0 ? "scale-down" : "hold",
        replicas,
        binder: c?.binder ?? null,
      },
    )],
  };
}
