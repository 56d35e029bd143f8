/**
 * The throughput analyzer's memory, pure (state in, new state out): per variant, a rolling
 * window of (k, ITL) samples, the workload shape the window was collected under, and the B of
 * the last successful OLS fit. Each cycle adds one sample per replica whose k is in
 * [minK, maxK] and whose ITL is positive, evicts the oldest beyond `windowMaxSamples` and those
 * older than `sampleMaxAgeMs`, and restarts the window when the shape (mean input or output
 * tokens) moves by more than `shapeChangeTolerance` (the fitted B is kept: it describes the
 * hardware). Variants not seen for two sample ages are forgotten.
 *
 * @module
 */
import type { ThroughputConfig } from "./config.ts";
import type { ItlSample } from "./itl_fit.ts";

/** Mean request shape of a variant's traffic. */
export interface WorkloadShape {
  /** Mean prompt tokens per request. */
  readonly inputTokens: number;
  /** Mean generated tokens per request. */
  readonly outputTokens: number;
  /** Fraction of prompt tokens served from the prefix cache, 0..1. */
  readonly prefixHitRate01: number;
}

/** KV tokens one in-flight request holds on average: IL·(1 − hit) + OL/2. */
export function kvTokensPerRequest(shape: WorkloadShape): number {
  const hit = Math.min(
    1,
    Math.max(0, Number.isFinite(shape.prefixHitRate01) ? shape.prefixHitRate01 : 0),
  );
  return shape.inputTokens * (1 - hit) + shape.outputTokens / 2;
}

/** True when input or output tokens moved by more than `tolerance` (a fraction) from `from`. */
export function shapeChanged(from: WorkloadShape, to: WorkloadShape, tolerance: number): boolean {
  const moved = (a: number, b: number) => (b === 0 ? a !== 0 : Math.abs(a - b) / b > tolerance);
  return moved(to.inputTokens, from.inputTokens) || moved(to.outputTokens, from.outputTokens);
}

/** One variant's memory. */
export interface ThroughputVariantState {
  readonly samples: readonly ItlSample[];
  /** The shape the window's samples were collected under. */
  readonly shape?: WorkloadShape | undefined;
  /** B (s/token) of the last successful OLS fit. */
  readonly fittedB?: number | undefined;
  /**
   * The last ITL model fitted from samples in [minK, maxK] (either tier): used while no replica
   * is in that range (idle or tiny KV use), where a fit of A would be noise.
   */
  readonly lastModel?: { readonly a: number; readonly b: number } | undefined;
  /** Last cycle that saw the variant (ms). */
  readonly seenMs: number;
}

/** The analyzer's memory, by {@linkcode throughputKey}. */
export interface ThroughputState {
  readonly variants: Readonly<Record<string, ThroughputVariantState>>;
}

/** No memory yet. */
export const EMPTY_THROUGHPUT_STATE: ThroughputState = Object.freeze({ variants: {} });

/** State key of a variant. */
export function throughputKey(namespace: string, modelId: string, variant: string): string {
  return `${namespace}\u0000${modelId}\u0000${variant}`;
}

/** What one cycle did to a window. */
export interface WindowUpdate {
  readonly state: ThroughputVariantState;
  /** Samples accepted this cycle. */
  readonly added: number;
  /** Samples rejected (k out of range or ITL not positive). */
  readonly rejected: number;
  /** True when a shape change restarted the window. */
  readonly restarted: boolean;
}

/** Adds this cycle's replica samples to a variant's window (see the module doc). */
export function observeWindow(
  prev: ThroughputVariantState | undefined,
  input: {
    readonly shape: WorkloadShape | undefined;
    readonly samples: readonly Pick<ItlSample, "k" | "itlSec">[];
    readonly nowMs: number;
  },
  cfg: ThroughputConfig,
): WindowUpdate {
  const restarted = prev?.shape !== undefined && input.shape !== undefined &&
    shapeChanged(prev.shape, input.shape, cfg.shapeChangeTolerance);
  const kept = restarted ? [] : (prev?.samples ?? []);
  const accepted = input.samples.filter((s) =>
    s.k >= cfg.minK && s.k <= cfg.maxK && Number.isFinite(s.itlSec) && s.itlSec > 0
  );
  const cutoff = input.nowMs - cfg.sampleMaxAgeMs;
  const samples = [
    ...kept,
    ...accepted.map((s) => ({ k: s.k, itlSec: s.itlSec, atMs: input.nowMs })),
  ]
    .filter((s) => s.atMs >= cutoff)
    .slice(-cfg.windowMaxSamples);
  const shape = restarted || prev?.shape === undefined ? input.shape : prev.shape;
  return {
    state: {
      samples,
      ...(shape !== undefined ? { shape } : {}),
      ...(prev?.fittedB !== undefined ? { fittedB: prev.fittedB } : {}),
      ...(prev?.lastModel !== undefined ? { lastModel: prev.lastModel } : {}),
      seenMs: input.nowMs,
    },
    added: accepted.length,
    rejected: input.samples.length - accepted.length,
    restarted,
  };
}

/** Drops variants not seen for two sample ages (deleted or renamed variants). */
export function forgetIdleVariants(
  state: ThroughputState,
  nowMs: number,
  cfg: Pick<ThroughputConfig, "sampleMaxAgeMs">,
): ThroughputState {
  const keep = Object.entries(state.variants).filter(([, v]) =>
    nowMs - v.seenMs <= 2 * cfg.sampleMaxAgeMs
  );
  return { variants: Object.fromEntries(keep) };
}
