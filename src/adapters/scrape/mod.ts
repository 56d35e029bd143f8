/**
 * Direct-scrape metrics: read vLLM or SGLang servers' `/metrics` without Prometheus.
 *
 * ```ts
 * import { createScrapeSource } from "./mod.ts";
 * const source = createScrapeSource({
 *   targets: () => [{ replicaId: "a100-0", variant: "a100", modelId: "m", namespace: "demo",
 *     url: "http://127.0.0.1:8000" }],
 * });
 * // source.collect(request) is a MetricsSource for runCycle (src/runtime/run_cycle.ts)
 * ```
 *
 * - prom_text.ts: the Prometheus text-format parser (pure);
 * - vllm_snapshot.ts: one scrape (`vllm:` or `sglang:` series) → gauges, counters and histogram sums (pure);
 * - window.ts: gauges over a window, rates and averages from counter increases (pure);
 * - source.ts: the scraping `MetricsSource`.
 *
 * @module
 */
export { parsePromText, parseSampleValue } from "./prom_text.ts";
export type { PromTextError, PromTextResult, PromTextSample } from "./prom_text.ts";
export { readVllmSnapshot } from "./vllm_snapshot.ts";
export type { VllmCounters, VllmSnapshot } from "./vllm_snapshot.ts";
export { counterIncrease, estimateLoad, pointsInWindow, windowGauges } from "./window.ts";
export type { CounterIncrease, LoadEstimate, ScrapePoint, WindowGauges } from "./window.ts";
export { createScrapeSource } from "./source.ts";
export type { ScrapeSource, ScrapeSourceOptions, ScrapeTarget } from "./source.ts";
