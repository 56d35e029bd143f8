/**
 * The emulator's pure batching engine: continuous batching on a shared step clock with an
 * alpha/beta decode model, gamma/delta prefill, KV admission and preemption. No I/O, no clock.
 *
 * @example
 * ```ts
 * import { createRng } from "../../src/core/util/rng.ts";
 * import { Engine } from "./mod.ts";
 * const engine = new Engine({
 *   alphaMs: 20, betaMs: 1, gammaMs: 0, deltaMs: 0, prefillScalesWithBatch: false, jitterCv: 0,
 *   maxNumSeqs: 8, kvCacheBlocks: 1000, blockSize: 16, maxWaitingQueue: 100, preemption: true,
 *   kvWatermark01: 0,
 * }, createRng(1));
 * engine.submit({ id: 1, promptTokens: 10, outputTokens: 3, finishReason: "length" }, 0);
 * const events = engine.advance(1000);
 * if (events.filter((e) => e.kind === "token").length !== 3) throw new Error("expected 3 tokens");
 * ```
 *
 * @module
 */
export { Engine, type EngineEventOptions, type EngineTunables } from "./engine.ts";
export { prefillDurationMs, stepDurationMs } from "./latency.ts";
export { type OutputLengthDistribution, sampleOutputTokens } from "./output_length.ts";
export { blocksForTokens } from "./kv_cache.ts";
export { PRESET_NAMES, type PresetName, PRESETS, type PresetValues } from "./presets.ts";
export type * from "./types.ts";
