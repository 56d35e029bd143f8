/**
 * The latency model: how long a decode step and a prefill take (ms), with optional seeded jitter.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import type { KvTransferParams, LatencyParams } from "./types.ts";

/** Multiplies `baseMs` by a normal factor 1 ± cv (clamped to ±3 sd, never negative). */
export function jitterMs(baseMs: number, cv: number, rng: Rng): number {
  if (cv <= 0 || baseMs <= 0) return baseMs;
  const z = Math.max(-3, Math.min(3, rng.normal(0, 1)));
  return Math.max(0, baseMs * (1 + cv * z));
}

/** Duration of one decode step with `batch` sequences: alpha + beta · batch (ms), jittered. */
export function stepDurationMs(params: LatencyParams, batch: number, rng: Rng): number {
  return jitterMs(params.alphaMs + params.betaMs * batch, params.jitterCv, rng);
}

/**
 * Duration of one prefill of `tokens` prompt tokens while `running` sequences are in the running
 * set (ms): gamma + delta · tokens, times `running` when the prefill scales with the batch.
 */
export function prefillDurationMs(
  params: LatencyParams,
  tokens: number,
  options: { readonly running: number; readonly rng: Rng },
): number {
  const perToken = params.deltaMs * tokens * (params.prefillScalesWithBatch ? options.running : 1);
  return jitterMs(params.gammaMs + perToken, params.jitterCv, options.rng);
}

/** Time to receive a prompt's KV from a prefill server (P/D): latency + per token, jittered. */
export function kvTransferDurationMs(
  params: LatencyParams & KvTransferParams,
  tokens: number,
  rng: Rng,
): number {
  const base = (params.kvTransferLatencyMs ?? 0) + (params.kvTransferMsPerToken ?? 0) * tokens;
  return jitterMs(base, params.jitterCv, rng);
}
