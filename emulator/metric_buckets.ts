/**
 * Histogram bucket boundaries of vLLM v1's Prometheus logger, so emulator histograms line up
 * bucket for bucket with a real server's.
 *
 * @module
 */

/** TTFT buckets (s). */
// deno-fmt-ignore
export const TTFT_BUCKETS_SEC: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40,
  80, 160, 640, 2560,
];

/** Inter-token latency and time-per-output-token buckets (s). */
// deno-fmt-ignore
export const ITL_BUCKETS_SEC: readonly number[] = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

/** Request-phase latency buckets (e2e, queue, inference, prefill, decode; s). */
// deno-fmt-ignore
export const REQUEST_BUCKETS_SEC: readonly number[] = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];

/** Tokens-per-engine-step buckets. */
// deno-fmt-ignore
export const ITERATION_TOKEN_BUCKETS: readonly number[] = [
  1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
];

/** Buckets of the `n` request parameter. */
export const N_BUCKETS: readonly number[] = [1, 2, 5, 10, 20];

/** vLLM's `build_1_2_5_buckets`: 1, 2, 5, 10, 20, 50, ... up to `max` (token-count buckets). */
export function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; exp <= max; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp <= max) out.push(m * exp);
    }
  }
  return out;
}
