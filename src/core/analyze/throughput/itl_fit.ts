/**
 * The throughput analyzer's latency model: inter-token latency grows linearly with the KV-cache
 * fraction in use, ITL(k) = A·k + B (seconds per token), fitted by ordinary least squares over
 * the observation window (tier 1), or with B pinned to the last fitted B or the hardware
 * baseline while the window is not ready (tier 2, over this cycle's replicas whose k is in
 * [minK, maxK]), or the last model either tier fitted while no replica is in that range (tier 3:
 * near k = 0 the ITL is B plus noise, and a fitted A would be arbitrary). Pure.
 *
 * @module
 */
import type { ThroughputConfig } from "./config.ts";

/** One (k, ITL) observation of one replica. */
export interface ItlSample {
  /** KV-cache fraction in use, 0..1. */
  readonly k: number;
  /** Mean inter-token latency, seconds per token. */
  readonly itlSec: number;
  /** When it was observed (ms). */
  readonly atMs: number;
}

/** ITL(k) = A·k + B, both in seconds (A per unit of KV fraction). */
export interface ItlModel {
  readonly a: number;
  readonly b: number;
}

/** ITL at KV fraction `k` (s/token). */
export function itlAt(model: ItlModel, k: number): number {
  return model.a * k + model.b;
}

/** Why no model could be fitted. */
export type FitFailure = "too-few" | "no-spread" | "not-increasing" | "non-positive-at-k-sat";

/** Result of a fit. */
export type FitResult =
  | { readonly ok: true; readonly model: ItlModel }
  | { readonly ok: false; readonly reason: FitFailure };

/**
 * OLS over the samples: A = (nΣkℓ − ΣkΣℓ)/(nΣk² − (Σk)²), B = (Σℓ − AΣk)/n. Rejects fewer than
 * two samples, no spread in k, A ≤ 0 (physically implausible) and ITL(k*) ≤ 0 (would inflate
 * supply).
 */
export function fitItl(
  samples: readonly Pick<ItlSample, "k" | "itlSec">[],
  kSat: number,
): FitResult {
  const n = samples.length;
  if (n < 2) return { ok: false, reason: "too-few" };
  let sk = 0, sl = 0, skk = 0, skl = 0;
  for (const { k, itlSec } of samples) {
    sk += k;
    sl += itlSec;
    skk += k * k;
    skl += k * itlSec;
  }
  const denom = n * skk - sk * sk;
  if (Math.abs(denom) < 1e-12) return { ok: false, reason: "no-spread" };
  const a = (n * skl - sk * sl) / denom;
  const b = (sl - a * sk) / n;
  if (!(a > 0) || !Number.isFinite(b)) return { ok: false, reason: "not-increasing" };
  if (a * kSat + b <= 0) return { ok: false, reason: "non-positive-at-k-sat" };
  return { ok: true, model: { a, b } };
}

/**
 * Least squares with B fixed: A = Σ(ℓ − B)·k / Σk² over samples with k > 0 and ℓ > 0; fails
 * when none or when A ≤ 0.
 */
export function fitItlPinned(
  samples: readonly Pick<ItlSample, "k" | "itlSec">[],
  b: number,
): FitResult {
  let num = 0, skk = 0;
  for (const { k, itlSec } of samples) {
    if (!(k > 0) || !(itlSec > 0)) continue;
    num += (itlSec - b) * k;
    skk += k * k;
  }
  if (skk === 0) return { ok: false, reason: "too-few" };
  const a = num / skk;
  return a > 0 ? { ok: true, model: { a, b } } : { ok: false, reason: "not-increasing" };
}

/** Spread max k − min k of the samples (0 when empty). */
export function kSpread(samples: readonly Pick<ItlSample, "k">[]): number {
  if (samples.length === 0) return 0;
  const ks = samples.map((s) => s.k);
  return Math.max(...ks) - Math.min(...ks);
}

/** Whether the window may be fitted: enough samples, wide enough in k. */
export function windowReadiness(
  samples: readonly Pick<ItlSample, "k">[],
  cfg: Pick<ThroughputConfig, "minSamples" | "minKSpread">,
): "ready" | "too-few" | "narrow" {
  if (samples.length < cfg.minSamples) return "too-few";
  return kSpread(samples) >= cfg.minKSpread ? "ready" : "narrow";
}

/** How the model in use was obtained. */
export type ItlTier = "ols" | "pinned" | "last";

/** The model to use and how it was obtained, or why there is none. */
export type ResolvedItl =
  | {
    readonly ok: true;
    readonly model: ItlModel;
    readonly tier: ItlTier;
    /** Tier 2: why tier 1 was not used. */
    readonly why?: string | undefined;
  }
  | { readonly ok: false; readonly why: string };

/**
 * Tier 1: the OLS fit of the window when it is ready and the fit succeeds. Tier 2: A fitted to
 * this cycle's replica samples in [minK, maxK] with B = `fittedB` (the last tier-1 B, which
 * describes hardware and survives workload changes) or the baseline. Tier 3: `last`, the model
 * a previous cycle fitted, when no replica is in range now.
 */
export function resolveItlModel(
  window: readonly ItlSample[],
  current: readonly Pick<ItlSample, "k" | "itlSec">[],
  fittedB: number | undefined,
  cfg: ThroughputConfig,
  last?: ItlModel | undefined,
): ResolvedItl {
  const readiness = windowReadiness(window, cfg);
  let why: string = readiness === "too-few"
    ? `window has ${window.length} of ${cfg.minSamples} samples`
    : `k spread ${kSpread(window).toFixed(3)} below ${cfg.minKSpread}`;
  if (readiness === "ready") {
    const fit = fitItl(window, cfg.kSat);
    if (fit.ok) return { ok: true, model: fit.model, tier: "ols" };
    why = `OLS fit failed (${fit.reason})`;
  }
  const b = fittedB ?? cfg.baselineItlSec;
  const inRange = current.filter((s) => s.k >= cfg.minK && s.k <= cfg.maxK);
  const pinned = fitItlPinned(inRange, b);
  if (pinned.ok) return { ok: true, model: pinned.model, tier: "pinned", why };
  const none = `no replica with k in [${cfg.minK}, ${cfg.maxK}] to fit A with B = ${b} s`;
  if (last) return { ok: true, model: last, tier: "last", why: `${why}; ${none}` };
  return { ok: false, why: `${why}; ${none}` };
}
