/**
 * The inference gateway's metrics for the direct-scrape source (pure): one scrape of a gateway's
 * `/metrics` → per target model, the flow-control queue (requests, bytes), the requests that left
 * flow control and the dispatch counter; successive scrapes → the queue now and the arrival rate
 * over a window. The same reading as the Prometheus queries
 * (src/adapters/prometheus/gateway_queries.ts):
 *
 * - queue: `inference_extension_flow_control_queue_size` / `_bytes` summed per
 *   `target_model_name` (a series with an empty `target_model_name` counts for its
 *   `model_name`), else llm-d's `llm_d_epp_flow_control_queue_size` / `_bytes`;
 * - arrivals (`arrivalSource: gateway`): requests that left flow control, whatever the outcome
 *   (`…_flow_control_request_queue_duration_seconds_count` summed over its series), plus the
 *   queue's growth, over the window ÷ the time it spans;
 * - without that histogram (no flow control, so nothing waits), dispatches
 *   (`arrivalSource: dispatches`): `inference_extension_scheduler_attempts_total{status="success"}`,
 *   else `llm_d_epp_scheduler_attempts_total`.
 *
 * A counter that went down counts from zero. A model the gateway does not report stays unknown
 * (undefined), never 0.
 *
 * @module
 */
import type { ModelMetrics } from "../../core/contract/ports.ts";
import type { PromTextSample } from "./prom_text.ts";

/** What one gateway scrape says about one model. */
export interface GatewayModelReading {
  readonly queueRequests?: number | undefined;
  readonly queueBytes?: number | undefined;
  /** Dispatches so far (`status="success"`), a counter. */
  readonly dispatched?: number | undefined;
  /** Requests that left flow control so far, every outcome (a counter; flow control only). */
  readonly departed?: number | undefined;
}

/** One scrape of one gateway. */
export interface GatewayPoint {
  readonly atMs: number;
  readonly models: ReadonlyMap<string, GatewayModelReading>;
}

const FAMILIES = ["inference_extension", "llm_d_epp"] as const;

/** Sums `name`'s values per model; a series with an empty target counts for its model_name. */
function perModel(samples: readonly PromTextSample[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !Number.isFinite(s.value)) continue;
    const model = s.labels.target_model_name || s.labels.model_name;
    if (model) out.set(model, (out.get(model) ?? 0) + s.value);
  }
  return out;
}

/** The first family that reports the model wins (a gateway exporting both is counted once). */
function firstFamily(tables: readonly Map<string, number>[], model: string): number | undefined {
  for (const t of tables) if (t.has(model)) return t.get(model);
  return undefined;
}

/** Reads one scrape of a gateway. */
export function readGatewayPoint(samples: readonly PromTextSample[], atMs: number): GatewayPoint {
  const queue = FAMILIES.map((f) => perModel(samples, `${f}_flow_control_queue_size`));
  const bytes = FAMILIES.map((f) => perModel(samples, `${f}_flow_control_queue_bytes`));
  const ok = samples.filter((s) => s.labels.status === "success");
  const attempts = FAMILIES.map((f) => perModel(ok, `${f}_scheduler_attempts_total`));
  const departed = FAMILIES.map((f) =>
    perModel(samples, `${f}_flow_control_request_queue_duration_seconds_count`)
  );
  const tables = [...queue, ...bytes, ...attempts, ...departed];
  const names = new Set(tables.flatMap((t) => [...t.keys()]));
  const models = new Map<string, GatewayModelReading>();
  for (const m of names) {
    models.set(m, {
      queueRequests: firstFamily(queue, m),
      queueBytes: firstFamily(bytes, m),
      dispatched: firstFamily(attempts, m),
      departed: firstFamily(departed, m),
    });
  }
  return { atMs, models };
}

/** The oldest point at least a window before the newest (else the oldest) and the newest. */
function windowEnds(points: readonly GatewayPoint[], windowMs: number) {
  const newest = points.at(-1);
  if (!newest || points.length < 2) return undefined;
  let base = points[0]!;
  for (const p of points) if (p.atMs <= newest.atMs - windowMs) base = p;
  const spanSec = (newest.atMs - base.atMs) / 1000;
  return spanSec > 0 ? { base, newest, spanSec } : undefined;
}

/** A counter's increase between two readings (one that went down counts from zero). */
function increase(a: number, b: number): number {
  return b >= a ? b - a : b;
}

/**
 * Requests per second over the window ending at the newest point: arrivals (departures from flow
 * control plus the queue's growth) when the gateway counts departures, else dispatches.
 */
function arrivalRate(
  points: readonly GatewayPoint[],
  model: string,
  windowMs: number,
): Pick<ModelMetrics, "arrivalRatePerSec" | "arrivalSource"> {
  const at = (p: GatewayPoint) => p.models.get(model);
  const left = windowEnds(points.filter((p) => at(p)?.departed !== undefined), windowMs);
  if (left) {
    const [a, b] = [at(left.base)!, at(left.newest)!];
    const growth = (b.queueRequests ?? 0) - (a.queueRequests ?? 0);
    const rate = (increase(a.departed!, b.departed!) + growth) / left.spanSec;
    return { arrivalRatePerSec: Math.max(0, rate), arrivalSource: "gateway" };
  }
  const sent = windowEnds(points.filter((p) => at(p)?.dispatched !== undefined), windowMs);
  if (!sent) return {};
  const rate = increase(at(sent.base)!.dispatched!, at(sent.newest)!.dispatched!) / sent.spanSec;
  return { arrivalRatePerSec: rate, arrivalSource: "dispatches" };
}

/**
 * What a gateway's scrape history says about `model` at `nowMs`: the newest queue (if scraped
 * within the window) and the arrival rate. Fields the gateway does not report are left out.
 */
export function gatewayMetrics(
  points: readonly GatewayPoint[],
  model: string,
  nowMs: number,
  windowMs: number,
): Pick<ModelMetrics, "schedulerQueue" | "arrivalRatePerSec" | "arrivalSource"> {
  const recent = points.filter((p) => p.atMs <= nowMs && p.atMs > nowMs - windowMs);
  const newest = recent.at(-1)?.models.get(model);
  const q = newest?.queueRequests;
  return {
    ...(q !== undefined
      ? {
        schedulerQueue: {
          requests: q,
          ...(newest?.queueBytes !== undefined ? { bytes: newest.queueBytes } : {}),
        },
      }
      : {}),
    ...arrivalRate(recent, model, windowMs),
  };
}

/**
 * Sums what several gateways say about one model (queues and rates add up); the rate counts as
 * arrivals only when every gateway that gave one counted arrivals.
 */
export function combineGateways(
  parts: readonly ReturnType<typeof gatewayMetrics>[],
): ReturnType<typeof gatewayMetrics> {
  const queues = parts.flatMap((p) => (p.schedulerQueue ? [p.schedulerQueue] : []));
  const rated = parts.filter((p) => p.arrivalRatePerSec !== undefined);
  const rates = rated.map((p) => p.arrivalRatePerSec!);
  const source = rated.every((p) => p.arrivalSource === "gateway") ? "gateway" : "dispatches";
  const bytes = queues.flatMap((q) => (q.bytes !== undefined ? [q.bytes] : []));
  return {
    ...(queues.length > 0
      ? {
        schedulerQueue: {
          requests: queues.reduce((a, q) => a + q.requests, 0),
          ...(bytes.length > 0 ? { bytes: bytes.reduce((a, b) => a + b, 0) } : {}),
        },
      }
      : {}),
    ...(rates.length > 0
      ? { arrivalRatePerSec: rates.reduce((a, b) => a + b, 0), arrivalSource: source }
      : {}),
  };
}
