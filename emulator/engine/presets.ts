/**
 * Latency and capacity presets for a few GPU variants.
 *
 * Only A100's alpha/beta (20.58 ms, 0.41 ms) and gamma/delta (5.2 ms, 0.1 ms) come from the seed
 * documents (the WVA emulator sample). The others are illustrative ballparks for an ~8B model in
 * bf16, ordered the way those GPUs usually compare; calibrate against your own measurements.
 *
 * Pure data: the emulator server and the benchmark's cluster model both read it.
 *
 * @module
 */

/** Names of the built-in presets. */
export const PRESET_NAMES = ["A100", "H100", "L40S", "MI300X", "G2"] as const;

/** A preset name. */
export type PresetName = typeof PRESET_NAMES[number];

/** What a preset sets (any of it can be overridden by the file, env or flags). */
export interface PresetValues {
  readonly alphaMs: number;
  readonly betaMs: number;
  readonly gammaMs: number;
  readonly deltaMs: number;
  readonly kvCacheBlocks: number;
}

/** The preset table. */
export const PRESETS: Readonly<Record<PresetName, PresetValues>> = {
  A100: { alphaMs: 20.58, betaMs: 0.41, gammaMs: 5.2, deltaMs: 0.1, kvCacheBlocks: 27_000 },
  H100: { alphaMs: 12, betaMs: 0.22, gammaMs: 3, deltaMs: 0.05, kvCacheBlocks: 30_000 },
  L40S: { alphaMs: 28, betaMs: 0.6, gammaMs: 8, deltaMs: 0.15, kvCacheBlocks: 12_000 },
  MI300X: { alphaMs: 15, betaMs: 0.3, gammaMs: 4, deltaMs: 0.07, kvCacheBlocks: 80_000 },
  G2: { alphaMs: 24, betaMs: 0.5, gammaMs: 6, deltaMs: 0.12, kvCacheBlocks: 32_000 },
};
