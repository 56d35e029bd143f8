/**
 * The inference gateway's metrics for the direct-scrape source (pure): one scrape of a gateway's
 * `/metrics` → per target model, the flow-control queue (requests, bytes) and the dispatch
 * counter; successive scrapes → the queue now and the arrival rate over a window. The same
 * reading as the Prometheus queries (src/adapters/prometheus/gateway_queries.ts):
 *
 * - queue: `inference_extension_flow_control_queue_size` / `_bytes` summed per
 *   `target_model_name` (a series with an empty `target_model_name` counts for its
 *   `model_name`), else llm-d's `llm_d_epp_flow_control_queue_size` / `_bytes`;
 * - arrivals: `inference_extension_scheduler_attempts_total{status="success"}` per
 *   `target_model_name`, else `llm_d_epp_scheduler_attempts_total`; the rate is the counter
 *   increase over the window ÷ the time it spans (a counter that went down counts from zero).
 *
 * A model the gateway does not report stays unknown (undefined), never 0.
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
  const names = new Set([...queue, ...bytes, ...attempts].flatMap((t) => [...t.keys()]));
  const models = new Map<string, GatewayModelReading>();
  for (const m of names) {
    models.set(m, {
      queueRequests: firstFamily(queue, m),
      queueBytes: firstFamily(bytes, m),
      dispatched: firstFamily(attempts, m),
    });
  }
  return { atMs, models };
}

/** Dispatches per second over the window ending at the newest point (undefined: unknown). */
function arrivalRate(points: readonly GatewayPoint[], model: string, windowMs: number) {
  const withCount = points.filter((p) => p.models.get(model)?.dispatched !== undefined);
  const newest = withCount.at(-1);
  if (!newest || withCount.length < 2) return undefined;
  let base = withCount[0]!;
  for (const p of withCount) if (p.atMs <= newest.atMs - windowMs) base = p;
  const span = newest.atMs - base.atMs;
  if (span <= 0) return undefined;
  const a = base.models.get(model)!.dispatched!;
  const b = newest.models.get(model)!.dispatched!;
  return (b >= a ? b - a : b) / (span / 1000);
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
  const rate = arrivalRate(recent, model, windowMs);
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
    ...(rate !== undefined ? { arrivalRatePerSec: rate, arrivalSource: "gateway" as const } : {}),
  };
}

/** Sums what several gateways say about one model (queues and rates add up). */
export function combineGateways(
  parts: readonly ReturnType<typeof gatewayMetrics>[],
): ReturnType<typeof gatewayMetrics> {
  const queues = parts.flatMap((p) => (p.schedulerQueue ? [p.schedulerQueue] : []));
  const rates = parts.flatMap((
    p,
  ) => (p.arrivalRatePerSec !== undefined ? [p.arrivalRatePerSec] : []));
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
      ? { arrivalRatePerSec: rates.reduce((a, b) => a + b, 0), arrivalSource: "gateway" as const }
      : {}),
  };
}
