/**
 * Prometheus scrapes on the virtual clock, every scrape interval at a fixed per-target offset
 * (random, or the scenario's `scrapeOffsetSec` for every target):
 *
 * | target | series (labels) |
 * |---|---|
 * | each vLLM pod, from Ready until gone (loading pods serve no `/metrics`) | `vllm:num_requests_waiting`, `vllm:num_requests_running`, `vllm:kv_cache_usage_perc`, `vllm:request_success_total`, `vllm:request_{prompt,generation}_tokens_{sum,count}`, `vllm:time_to_first_token_seconds_{sum,count}`, `vllm:inter_token_latency_seconds_{sum,count}`, `vllm:num_gpu_blocks`, `vllm:block_size` (model, variant, pod) |
 * | the gateway (EPP) | `llm_d_epp_flow_control_queue_size` (also as `inference_extension_flow_control_queue_size`, with `…_queue_bytes`), `llm_d_epp_request_running`, `llm_d_epp_flow_control_pool_saturation`, `llm_d_epp_request_total`, `inference_extension_scheduler_attempts_total` (dispatches), with flow control `llm_d_epp_flow_control_request_queue_duration_seconds_count` (requests that left flow control, every outcome) (model) |
 * | kube-state-metrics | `kube_deployment_spec_replicas`, `kube_deployment_status_replicas`, `kube_deployment_status_replicas_ready`, `kube_deployment_status_replicas_unavailable` (model, variant) |
 * | wva's exporter (when an arm sets it) | `wva_desired_replicas` (model, variant) |
 *
 * A pod with lost scrapes (fault) has no series; a pod that is gone goes stale at its next
 * scrape.
 *
 * @module
 */
import { poolSaturation } from "./gateway.ts";
import type { Labels, Series } from "./prom_store.ts";
import { DRAINING, GONE, type Pod, READY, type World } from "./types.ts";
import { at, every, nextOnGrid } from "./world.ts";

/**
 * The EPP's flow-control queue under the name wva's controller reads (controller.md §3.4; the
 * llm-d KEDA guides use the `llm_d_epp_…` spelling, exported too) and its bytes.
 */
export const EPP_QUEUE_SIZE = "inference_extension_flow_control_queue_size";
/** Bytes of the prompts waiting in the EPP's flow-control queue. */
export const EPP_QUEUE_BYTES = "inference_extension_flow_control_queue_bytes";
/**
 * Requests that left the EPP's flow control, whatever the outcome (dispatched, rejected,
 * evicted): the `_count` of its queue-duration histogram summed over outcomes. Only with flow
 * control on; every request passes through it then, so this plus the queue's growth is the
 * arrivals.
 */
export const EPP_FLOW_DEPARTURES = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
/** Requests the EPP sent to a pod (`…_scheduler_attempts_total{status="success"}`). */
export const EPP_DISPATCHES = "inference_extension_scheduler_attempts_total";

const POD_SERIES = [
  "vllm:num_requests_waiting",
  "vllm:num_requests_running",
  "vllm:kv_cache_usage_perc",
  "vllm:request_success_total",
  "vllm:request_prompt_tokens_sum",
  "vllm:request_prompt_tokens_count",
  "vllm:request_generation_tokens_sum",
  "vllm:request_generation_tokens_count",
  "vllm:time_to_first_token_seconds_sum",
  "vllm:time_to_first_token_seconds_count",
  "vllm:inter_token_latency_seconds_sum",
  "vllm:inter_token_latency_seconds_count",
  "vllm:num_gpu_blocks",
  "vllm:block_size",
] as const;

function podValues(pod: Pod): number[] {
  const st = pod.engine!.stats();
  const c = pod.counters;
  const p = pod.variant.spec.engine;
  return [
    st.waiting,
    st.running,
    st.kvUsage01,
    c.success,
    c.promptTokens,
    c.success,
    c.generationTokens,
    c.success,
    c.ttftSumSec,
    c.ttftCount,
    c.itlSumSec,
    c.itlCount,
    p.kvCacheBlocks,
    p.blockSize,
  ];
}

/** A target's scrape offset: the scenario's, else a random one within the interval. */
function offsetOf(w: World): number {
  return w.settings.scrapeOffsetMs ?? w.rng.uniform(0, w.settings.scrapeIntervalMs);
}

function podSeries(w: World, pod: Pod) {
  const labels: Labels = {
    model: pod.variant.model.name,
    variant: pod.variant.name,
    pod: pod.name,
  };
  return POD_SERIES.map((m) => w.prom.series(m, labels));
}

function writePod(w: World, pod: Pod, series: readonly Series[]): void {
  const values = podValues(pod);
  series.forEach((s, i) => w.prom.write(s, w.nowMs, values[i]!));
}

/** Scrapes a pod from its first scrape after it became Ready until it is gone. */
export function startPodScrapes(w: World, pod: Pod): void {
  if (pod.scrapeLost) return;
  const period = w.settings.scrapeIntervalMs;
  const offset = offsetOf(w);
  const series = podSeries(w, pod);
  const tick = () => {
    if (pod.state === GONE) {
      for (const s of series) s.endMs = Math.min(s.endMs, w.nowMs);
      return;
    }
    writePod(w, pod, series);
    at(w, w.nowMs + period, tick);
  };
  at(w, nextOnGrid(w.nowMs, period, offset), tick);
}

/**
 * Scrapes every Ready or draining pod now, as a controller's direct-scrape source does when a
 * cycle collects (adapters/scrape: `wva demo` without Prometheus).
 */
export function scrapePodsNow(w: World): void {
  for (const pod of w.pods) {
    if (pod.scrapeLost || (pod.state !== READY && pod.state !== DRAINING)) continue;
    writePod(w, pod, podSeries(w, pod));
  }
}

function scrapeGateway(w: World): void {
  for (const m of w.models) {
    const labels = { model: m.name };
    let running = 0;
    for (const v of m.variants) for (const p of v.pods) running += p.outstanding;
    w.prom.write(w.prom.series("llm_d_epp_flow_control_queue_size", labels), w.nowMs, m.queued);
    w.prom.write(w.prom.series(EPP_QUEUE_SIZE, labels), w.nowMs, m.queued);
    w.prom.write(w.prom.series(EPP_QUEUE_BYTES, labels), w.nowMs, m.queuedBytes);
    w.prom.write(w.prom.series("llm_d_epp_request_running", labels), w.nowMs, running);
    w.prom.write(
      w.prom.series("llm_d_epp_flow_control_pool_saturation", labels),
      w.nowMs,
      poolSaturation(w, m),
    );
    w.prom.write(w.prom.series("llm_d_epp_request_total", labels), w.nowMs, m.arrivals);
    w.prom.write(w.prom.series(EPP_DISPATCHES, labels), w.nowMs, m.dispatched);
    if (w.scenario.gateway.flowControl) {
      w.prom.write(w.prom.series(EPP_FLOW_DEPARTURES, labels), w.nowMs, m.arrivals - m.queued);
    }
  }
}

function scrapeKubeState(w: World): void {
  for (const v of w.variants) {
    const labels = { model: v.model.name, variant: v.name };
    const active = v.pods.filter((p) => p.state !== GONE && p.deletedMs < 0).length;
    const ready = v.pods.filter((p) => p.state === READY).length;
    w.prom.write(w.prom.series("kube_deployment_spec_replicas", labels), w.nowMs, v.specReplicas);
    w.prom.write(w.prom.series("kube_deployment_status_replicas", labels), w.nowMs, active);
    w.prom.write(w.prom.series("kube_deployment_status_replicas_ready", labels), w.nowMs, ready);
    w.prom.write(
      w.prom.series("kube_deployment_status_replicas_unavailable", labels),
      w.nowMs,
      Math.max(0, v.specReplicas - ready),
    );
  }
}

/** Starts the gateway and kube-state-metrics scrapes (each at its own offset). */
export function startClusterScrapes(w: World): void {
  const period = w.settings.scrapeIntervalMs;
  every(w, offsetOf(w), period, () => scrapeGateway(w));
  every(w, offsetOf(w), period, () => scrapeKubeState(w));
}

/** Starts scraping a gauge per variant that an arm keeps (wva's `wva_desired_replicas`). */
export function startGaugeScrapes(
  w: World,
  metric: string,
  value: (variant: number) => number | undefined,
): void {
  const period = w.settings.scrapeIntervalMs;
  every(w, offsetOf(w), period, () => {
    for (const v of w.variants) {
      const x = value(v.index);
      if (x !== undefined) {
        w.prom.write(w.prom.series(metric, { model: v.model.name, variant: v.name }), w.nowMs, x);
      }
    }
  });
}
