/**
 * Output lengths drawn from a seeded distribution, for requests that do not fix `max_tokens`
 * (or when the emulator is told to sample below it).
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";

/** A distribution of generated tokens per sequence. */
export interface OutputLengthDistribution {
  /** `fixed` = meanTokens; `uniform` in [minTokens, maxTokens]; `normal` (meanTokens, sdTokens);
   * `exponential` with mean meanTokens. */
  readonly kind: "fixed" | "uniform" | "normal" | "exponential";
  readonly meanTokens: number;
  readonly sdTokens: number;
  readonly minTokens: number;
  readonly maxTokens: number;
}

/** Draws one output length, clamped to [max(1, minTokens), min(maxTokens, capTokens)]. */
export function sampleOutputTokens(
  dist: OutputLengthDistribution,
  rng: Rng,
  capTokens: number,
): number {
  let raw: number;
  switch (dist.kind) {
    case "fixed":
      raw = dist.meanTokens;
      break;
    case "uniform":
      raw = rng.int(Math.round(dist.minTokens), Math.round(dist.maxTokens));
      break;
    case "normal":
      raw = rng.normal(dist.meanTokens, dist.sdTokens);
      break;
    case "exponential":
      raw = rng.exponential(1 / Math.max(1e-9, dist.meanTokens));
      break;
  }
  const hi = Math.max(1, Math.min(dist.maxTokens, capTokens));
  const lo = Math.min(hi, Math.max(1, dist.minTokens));
  return Math.min(hi, Math.max(lo, Math.round(raw)));
}
