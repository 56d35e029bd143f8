/**
 * Builds the {@linkcode BenchObservation} of a wva cycle from the simulated Prometheus, with the
 * queries of wva's Prometheus source (src/adapters/prometheus/queries.ts): per pod
 * `max_over_time(…[W])` of KV usage, waiting and running, the newest sample time, the cache
 * config, the instant KV usage and the mean ITL (`rate(…_sum[W]) / rate(…_count[W])`, the
 * throughput analyzer's samples); per model `rate(vllm:request_success_total[W])` and the token
 * and latency ratios (tokens over 5 W); per model the gateway's flow-control queue (size and
 * bytes), its arrivals (requests that left flow control, any outcome, plus the queue's growth:
 * gateway_queries.ts' `gateway_arrival_rate`) and its dispatches. Counts come from the
 * Deployments and pods as the controller's watch cache has them, with its warm-up.
 *
 * @module
 */
import type { Labels, Series } from "../sim/prom_store.ts";
import { instant, overTime } from "../sim/prom_store.ts";
import {
  EPP_DISPATCHES,
  EPP_FLOW_DEPARTURES,
  EPP_QUEUE_BYTES,
  EPP_QUEUE_SIZE,
} from "../sim/scrape.ts";
import { DRAINING, GONE, READY, type VariantRt, type World } from "../sim/types.ts";
import type { BenchObservation, ObservedModel, ObservedReplica, ObservedVariant } from "./seam.ts";

function sumOver(
  w: World,
  metric: string,
  scope: Labels,
  fn: "rate" | "increase",
  atMs: number,
  windowMs: number,
) {
  let total = 0, any = false;
  for (const s of w.prom.select(metric, scope)) {
    const v = overTime(fn, s, atMs, windowMs);
    if (v !== undefined) {
      total += v;
      any = true;
    }
  }
  return any ? total : undefined;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

function replicaOf(
  w: World,
  pod: string,
  series: Map<string, Series>,
  atMs: number,
  windowMs: number,
): ObservedReplica {
  const get = (m: string) => series.get(m);
  const maxOver = (m: string) => {
    const s = get(m);
    return s ? overTime("max_over_time", s, atMs, windowMs) : undefined;
  };
  const kv = get("vllm:kv_cache_usage_perc");
  const newest = kv ? kv.t.findLast((t) => t <= atMs) : undefined;
  const out: Record<string, number | string> = { pod };
  const put = (k: string, v: number | undefined) => v !== undefined && (out[k] = v);
  put("kvUsage01", maxOver("vllm:kv_cache_usage_perc"));
  put("queueLength", maxOver("vllm:num_requests_waiting"));
  put("runningRequests", maxOver("vllm:num_requests_running"));
  const blocks = get("vllm:num_gpu_blocks"), size = get("vllm:block_size");
  put("numGpuBlocks", blocks ? instant(w.prom, blocks, atMs) : undefined);
  put("blockSize", size ? instant(w.prom, size, atMs) : undefined);
  put("kvUsageInstant01", kv ? instant(w.prom, kv, atMs) : undefined);
  const rate = (m: string) => {
    const s = get(m);
    return s ? overTime("rate", s, atMs, windowMs) : undefined;
  };
  const itl = ratio(
    rate("vllm:inter_token_latency_seconds_sum"),
    rate("vllm:inter_token_latency_seconds_count"),
  );
  put("itlMs", itl !== undefined && itl > 0 ? itl * 1000 : undefined);
  if (newest !== undefined && kv!.endMs > atMs) put("sampleMs", newest);
  return out as unknown as ObservedReplica;
}

/**
 * Requests arriving at the gateway per second over the window: those that left flow control
 * (any outcome) plus the queue's growth — `rate(departures[W]) + delta(queue[W]) / W` (the
 * store's `rate` of a gauge is its change over the window per second). Undefined without flow
 * control (no departures series).
 */
function gatewayArrivals(
  w: World,
  scope: Labels,
  atMs: number,
  windowMs: number,
): number | undefined {
  const departures = sumOver(w, EPP_FLOW_DEPARTURES, scope, "rate", atMs, windowMs);
  const growth = sumOver(w, EPP_QUEUE_SIZE, scope, "rate", atMs, windowMs);
  return departures === undefined ? undefined : Math.max(0, departures + (growth ?? 0));
}

/** How the controller reads the cluster: its query window, warm-up and request window. */
export interface ObserveOptions {
  /** Window of `max_over_time` and `rate` (the controller's `metricsWindowMs`). */
  readonly windowMs: number;
  /** A pod Ready for less than this still counts as pending (the controller's `warmupMs`). */
  readonly warmupMs: number;
  /** Count the requests served over this window (scale-to-zero); absent = not needed. */
  readonly requestWindowMs?: number | undefined;
}

function variantOf(w: World, v: VariantRt, atMs: number, o: ObserveOptions): ObservedVariant {
  const windowMs = o.windowMs;
  const live = v.pods.filter((p) => p.state !== GONE && p.state !== DRAINING);
  // Initial pods (Ready at 0) were loaded before the run: they are warm.
  const warm = (readyMs: number) => readyMs === 0 || w.nowMs - readyMs >= o.warmupMs;
  const ready = live.filter((p) => p.state === READY && warm(p.readyMs)).length;
  const warming = live.filter((p) => p.state === READY && !warm(p.readyMs)).map((p) => p.name);
  const byPod = new Map<string, Map<string, Series>>();
  for (
    const metric of [
      "vllm:kv_cache_usage_perc",
      "vllm:num_requests_waiting",
      "vllm:num_requests_running",
      "vllm:num_gpu_blocks",
      "vllm:block_size",
      "vllm:inter_token_latency_seconds_sum",
      "vllm:inter_token_latency_seconds_count",
    ]
  ) {
    for (const s of w.prom.select(metric, { model: v.model.name, variant: v.name })) {
      const pod = s.labels.pod!;
      if (!byPod.has(pod)) byPod.set(pod, new Map());
      byPod.get(pod)!.set(metric, s);
    }
  }
  const replicas = [...byPod].map(([pod, series]) => replicaOf(w, pod, series, atMs, windowMs))
    .filter((r) => r.sampleMs !== undefined);
  const s = v.spec;
  return {
    name: v.name,
    accelerator: s.accelerator,
    gpusPerReplica: s.gpusPerReplica,
    costPerHour: s.costPerHour,
    minReplicas: s.minReplicas,
    maxReplicas: s.maxReplicas,
    currentReplicas: v.specReplicas,
    readyReplicas: ready,
    pendingReplicas: live.length - ready,
    podNames: live.map((p) => p.name),
    ...(warming.length > 0 ? { warmingPodNames: warming } : {}),
    engine: s.engine,
    replicas,
  };
}

/** The observation at now (minus any metric delay). */
export function observe(w: World, o: ObserveOptions): BenchObservation {
  const atMs = w.nowMs - w.settings.metricDelayMs;
  const windowMs = o.windowMs;
  const models = w.models.map((m): ObservedModel => {
    const scope = { model: m.name };
    const r = (metric: string, win = windowMs) => sumOver(w, metric, scope, "rate", atMs, win);
    const gauge = (metric: string) => {
      const s = w.prom.select(metric, scope)[0];
      return s ? instant(w.prom, s, atMs) : undefined;
    };
    const out: Record<string, unknown> = {
      name: m.name,
      slo: m.slo,
      variants: m.variants.map((v) => variantOf(w, v, atMs, o)),
    };
    const put = (k: string, v: number | undefined) => v !== undefined && (out[k] = v);
    put("arrivalRatePerSec", r("vllm:request_success_total"));
    put("gatewayArrivalRatePerSec", gatewayArrivals(w, scope, atMs, windowMs));
    put("gatewayDispatchRatePerSec", r(EPP_DISPATCHES));
    put(
      "avgInputTokens",
      ratio(
        r("vllm:request_prompt_tokens_sum", 5 * windowMs),
        r("vllm:request_prompt_tokens_count", 5 * windowMs),
      ),
    );
    put(
      "avgOutputTokens",
      ratio(
        r("vllm:request_generation_tokens_sum", 5 * windowMs),
        r("vllm:request_generation_tokens_count", 5 * windowMs),
      ),
    );
    const ttft = ratio(
      r("vllm:time_to_first_token_seconds_sum"),
      r("vllm:time_to_first_token_seconds_count"),
    );
    const itl = ratio(
      r("vllm:inter_token_latency_seconds_sum"),
      r("vllm:inter_token_latency_seconds_count"),
    );
    put("ttftMs", ttft === undefined ? undefined : ttft * 1000);
    put("itlMs", itl === undefined ? undefined : itl * 1000);
    put("gatewayQueue", gauge(EPP_QUEUE_SIZE));
    put("gatewayQueueBytes", gauge(EPP_QUEUE_BYTES));
    if (o.requestWindowMs !== undefined) {
      put(
        "requestsInWindow",
        sumOver(w, "vllm:request_success_total", scope, "increase", atMs, o.requestWindowMs),
      );
    }
    return out as unknown as ObservedModel;
  });
  const inv = w.scenario.inventory;
  return { nowMs: w.nowMs, models, ...(inv ? { inventory: inv } : {}) };
}
