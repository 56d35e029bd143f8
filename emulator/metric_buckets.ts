/**
 * Histogram bucket boundaries of vLLM v1's Prometheus logger and SGLang's defaults, so emulator
 * histograms line up bucket for bucket with a real server's.
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

/** SGLang's default TTFT buckets (s). */
// deno-fmt-ignore
export const SGLANG_TTFT_BUCKETS_SEC: readonly number[] = [
  0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400,
];

/** SGLang's default inter-token latency buckets (s). */
// deno-fmt-ignore
export const SGLANG_ITL_BUCKETS_SEC: readonly number[] = [
  0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2,
  0.4, 0.6, 0.8, 1, 2, 4, 6, 8,
];

/** SGLang's default end-to-end latency buckets (s). */
// deno-fmt-ignore
export const SGLANG_E2E_BUCKETS_SEC: readonly number[] = [
  0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400,
];

/** SGLang's default prompt- and generation-token buckets. */
// deno-fmt-ignore
export const SGLANG_TOKEN_BUCKETS: readonly number[] = [
  100, 300, 500, 700, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000,
  15000, 20000, 22000, 25000, 30000, 35000, 40000, 66000, 99000, 132000, 300000, 600000, 900000,
  1100000,
];
