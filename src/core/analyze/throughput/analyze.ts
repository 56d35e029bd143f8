/**
 * The throughput analyzer (controller.md §3.5, WVA v0.8+): decode supply from an online fit of
 * ITL(k) = A·k + B against decode demand, both in tokens/s, returned as the same
 * `CapacityAnalysis` shape saturation V2 returns (per-variant PRC, supply, RC, SC), so it can
 * join the multi-analyzer pipeline (../combine.ts). Pure: state in, new state out.
 *
 * Per variant: this cycle's (k, ITL) per replica feeds the window (window.ts); the ITL model is
 * the window's OLS fit when ready, else A fitted with B pinned (itl_fit.ts); the per-replica
 * capacity PRC is the mean of μ_dec = N(k*)/ITL(k*) over the replicas that report their KV
 * size (capacity.ts); supply = ready × PRC. Demand (model level): arrival rate × mean output
 * tokens, else what the busy replicas decode now; plus requests queued upstream. Then
 * RC = max(0, D/scaleUp − anticipated supply) and SC = max(0, supply − D/scaleDown).
 *
 * The per-replica ITL comes in `decode` (from `rate(vllm:inter_token_latency_seconds_sum[1m]) /
 * rate(…_count[1m])` per pod, or the SGLang equivalent), with the instant KV fraction when there
 * is one (WVA uses the instant value; the observation's `kvUsage01` is the window maximum and is
 * the fallback). The cycle builds it from the observation's replicas with
 * {@linkcode decodeSignalsOf} (`itlMs`, `kvUsageInstant01`).
 *
 * @module
 */
import type {
  CapacityAnalysis,
  DecisionStep,
  ModelObservation,
  ReplicaMetrics,
  VariantCapacity,
  VariantObservation,
} from "../../contract/types.ts";
import { step } from "../../contract/steps.ts";
import { capacitySignals, modelDemandCapacity } from "../capacity_signals.ts";
import { DEFAULT_THROUGHPUT_CONFIG, type ThroughputConfig } from "./config.ts";
import { type ItlModel, resolveItlModel } from "./itl_fit.ts";
import {
  decodeDemand,
  localDecodeDemand,
  queueDecodeDemand,
  replicaDecodeSupply,
} from "./capacity.ts";
import {
  EMPTY_THROUGHPUT_STATE,
  forgetIdleVariants,
  kvTokensPerRequest,
  observeWindow,
  throughputKey,
  type ThroughputState,
  type WorkloadShape,
} from "./window.ts";

/** Per-replica decode signals, by replica id. */
export interface ReplicaDecodeSignal {
  /** Mean inter-token latency over the last window, s/token. */
  readonly itlSec: number;
  /** KV fraction now (instant), 0..1; default the replica's `kvUsage01`. */
  readonly kvUsage01?: number | undefined;
}

/** Options of {@linkcode analyzeThroughput}. */
export interface ThroughputOptions {
  /** Time of this cycle (ms). */
  readonly nowMs: number;
  readonly state?: ThroughputState | undefined;
  readonly config?: ThroughputConfig | undefined;
  readonly decode: Readonly<Record<string, ReplicaDecodeSignal>>;
  /** Prefix-cache hit fraction; default the scheduler queue's, else 0. */
  readonly prefixHitRate01?: number | undefined;
}

/** A capacity analysis in tokens/s from the throughput analyzer. */
export type ThroughputAnalysis = CapacityAnalysis & {
  readonly analyzer: "throughput";
  readonly unit: "tokens/s";
};

/**
 * The per-replica decode signals the observation carries (`itlMs`, `kvUsageInstant01` of each
 * reporting replica, from the metrics source), keyed by replica id, ITL in s/token.
 */
export function decodeSignalsOf(obs: ModelObservation): Record<string, ReplicaDecodeSignal> {
  const out: Record<string, ReplicaDecodeSignal> = {};
  for (const v of obs.variants) {
    for (const m of v.replicas) {
      if (m.itlMs === undefined || !(m.itlMs > 0)) continue;
      out[m.replicaId] = {
        itlSec: m.itlMs / 1000,
        ...(m.kvUsageInstant01 !== undefined ? { kvUsage01: m.kvUsageInstant01 } : {}),
      };
    }
  }
  return out;
}

/** Result of {@linkcode analyzeThroughput}. */
export interface ThroughputResult {
  readonly analysis: ThroughputAnalysis;
  readonly state: ThroughputState;
}

/** The model's request shape, when input and output token means are usable (> 1). */
function shapeOf(obs: ModelObservation, hit: number): WorkloadShape | undefined {
  const i = obs.load?.avgInputTokens ?? 0;
  const o = obs.load?.avgOutputTokens ?? 0;
  return i > 1 && o > 1 ? { inputTokens: i, outputTokens: o, prefixHitRate01: hit } : undefined;
}

function kvTokensOf(m: ReplicaMetrics, v: VariantObservation): number {
  if (m.kvCapacityTokens !== undefined && m.kvCapacityTokens > 0) return m.kvCapacityTokens;
  if (m.numGpuBlocks && m.blockSize) return m.numGpuBlocks * m.blockSize;
  return v.kvCapacityTokens ?? 0;
}

interface VariantRun {
  readonly capacity: VariantCapacity;
  readonly state: ThroughputState["variants"][string];
  readonly model?: ItlModel | undefined;
  /** (k, KV size) of this cycle's busy replicas, for the local demand. */
  readonly busy: readonly { readonly k: number; readonly kvCapacityTokens: number }[];
}

function noData(v: VariantObservation, why: string, steps: DecisionStep[]): VariantCapacity {
  steps.push(
    step("throughput.variant", `${v.name}: no decode capacity (${why})`, { variant: v.name }),
  );
  return {
    variant: v.name,
    perReplicaCapacity: 0,
    readyReplicas: v.readyReplicas,
    pendingReplicas: v.pendingReplicas,
    demand: 0,
    supply: 0,
    hasData: false,
    steps,
  };
}

function analyzeVariant(
  v: VariantObservation,
  ctx: {
    obs: ModelObservation;
    shape: WorkloadShape | undefined;
    opts: ThroughputOptions;
    cfg: ThroughputConfig;
  },
): VariantRun {
  const { obs, shape, opts, cfg } = ctx;
  const prev = opts.state?.variants[throughputKey(obs.namespace, obs.modelId, v.name)];
  const current = v.replicas.flatMap((m) => {
    const d = opts.decode[m.replicaId];
    return d
      ? [{ k: d.kvUsage01 ?? m.kvUsage01, itlSec: d.itlSec, kvCapacityTokens: kvTokensOf(m, v) }]
      : [];
  });
  const w = observeWindow(prev, { shape, samples: current, nowMs: opts.nowMs }, cfg);
  const steps: DecisionStep[] = [];
  if (w.restarted) {
    steps.push(
      step("throughput.window-restart", `${v.name}: request shape changed; window restarted`, {
        variant: v.name,
      }),
    );
  }
  const busy = current.filter((c) => c.k > 0 && c.itlSec > 0);
  const base = { state: w.state, busy };
  if (!shape) return { ...base, capacity: noData(v, "mean input/output tokens unknown", steps) };
  const r = resolveItlModel(w.state.samples, current, prev?.fittedB, cfg, prev?.lastModel);
  if (!r.ok) return { ...base, capacity: noData(v, r.why, steps) };
  const state = {
    ...w.state,
    ...(r.tier === "ols" ? { fittedB: r.model.b } : {}),
    ...(r.tier !== "last" ? { lastModel: r.model } : {}),
  };
  const perRequest = kvTokensPerRequest(shape);
  const sizes = v.replicas.map((m) => kvTokensOf(m, v)).filter((t) => t > 0);
  if (sizes.length === 0 && v.kvCapacityTokens) sizes.push(v.kvCapacityTokens);
  if (sizes.length === 0) {
    return { ...base, state, model: r.model, capacity: noData(v, "KV size unknown", steps) };
  }
  const supplies = sizes.map((t) => replicaDecodeSupply(t, perRequest, r.model, cfg.kSat));
  const prc = supplies.reduce((a, s) => a + s.tokensPerSec, 0) / supplies.length;
  steps.push(step(
    "throughput.variant",
    `${v.name}: ITL(k) = ${r.model.a.toPrecision(4)}·k + ${r.model.b.toPrecision(4)} s (${r.tier}` +
      `${r.why ? `: ${r.why}` : ""}); at k* ${cfg.kSat}: ${
        supplies[0]!.inFlight.toFixed(1)
      } requests, ` +
      `${prc.toPrecision(6)} tokens/s per replica`,
    {
      variant: v.name,
      a: r.model.a,
      b: r.model.b,
      tier: r.tier,
      windowSamples: w.state.samples.length,
      kvTokensPerRequest: perRequest,
      itlAtKSatSec: supplies[0]!.itlSec,
      perReplicaCapacity: prc,
    },
  ));
  const capacity = modelDemandCapacity(v, prc, steps);
  return { ...base, state, model: r.model, capacity };
}

/**
 * Model-level decode demand (tokens/s): arrival rate × mean output tokens; when that is 0 or
 * unknown (no completions yet), what the busy replicas decode now; plus the upstream queue.
 */
function modelDemand(
  obs: ModelObservation,
  shape: WorkloadShape | undefined,
  runs: readonly VariantRun[],
  cfg: ThroughputConfig,
): { readonly demand: number; readonly steps: DecisionStep[] } {
  if (!shape) {
    return { demand: 0, steps: [step("throughput.demand", "demand unknown: no request shape")] };
  }
  const perRequest = kvTokensPerRequest(shape);
  const fitted = runs.filter((r): r is VariantRun & { model: ItlModel } => r.model !== undefined);
  const arrival = decodeDemand(obs.load?.arrivalRatePerSec ?? 0, shape.outputTokens);
  const local = fitted.reduce((a, r) => a + localDecodeDemand(r.busy, perRequest, r.model), 0);
  const [base, source] = arrival > 0 ? [arrival, "arrival"] : [local, "busy-replicas"];
  const itlSat = fitted.length === 0
    ? 0
    : fitted.reduce((a, r) => a + r.model.a * cfg.kSat + r.model.b, 0) / fitted.length;
  const queue = queueDecodeDemand(obs.schedulerQueue?.requests ?? 0, itlSat, cfg.queueDrainFactor);
  const demand = base + queue;
  return {
    demand,
    steps: [step(
      "throughput.demand",
      `decode demand ${demand.toPrecision(6)} tokens/s (${
        source === "arrival"
          ? `${obs.load?.arrivalRatePerSec} req/s × ${shape.outputTokens} output tokens`
          : "what the busy replicas decode now"
      }${queue > 0 ? ` + ${queue.toPrecision(4)} for the upstream queue` : ""})`,
      { demand, source, arrivalDemand: arrival, localDemand: local, queueDemand: queue },
    )],
  };
}

/**
 * Runs the throughput analyzer on one model (see the module doc). Variants without a request
 * shape, an ITL model or a known KV size get PRC 0 and `hasData: false`.
 */
export function analyzeThroughput(
  obs: ModelObservation,
  options: ThroughputOptions,
): ThroughputResult {
  const cfg = options.config ?? DEFAULT_THROUGHPUT_CONFIG;
  const hit = options.prefixHitRate01 ?? obs.schedulerQueue?.prefixHitRate01 ?? 0;
  const shape = shapeOf(obs, hit);
  const runs = obs.variants.map((v) => analyzeVariant(v, { obs, shape, opts: options, cfg }));
  const prior = forgetIdleVariants(options.state ?? EMPTY_THROUGHPUT_STATE, options.nowMs, cfg);
  const variants = { ...prior.variants };
  obs.variants.forEach((v, i) => {
    variants[throughputKey(obs.namespace, obs.modelId, v.name)] = runs[i]!.state;
  });
  const demand = modelDemand(obs, shape, runs, cfg);
  const analysis = capacitySignals({
    analyzer: "throughput",
    unit: "tokens/s",
    variants: runs.map((r) => r.capacity),
    extraDemand: demand.demand,
    scaleUp: cfg.scaleUpThreshold,
    scaleDown: cfg.scaleDownBoundary,
    steps: demand.steps,
  }) as ThroughputAnalysis;
  return {
    analysis,
    state: { variants },
  };
}
