/**
 * The PromQL for the inference gateway's metrics (the endpoint picker, EPP), per target model:
 * what waits in its flow-control queue, the rate requests arrive and the rate it dispatches
 * them. Names and labels are the gateway's (controller.md §3.4, WVA's collector; docs/gateway.md):
 *
 * | name | expression | result |
 * |---|---|---|
 * | `scheduler_queue_size` | `sum by (target_model_name) (inference_extension_flow_control_queue_size{target_model_name=…})`, or with `model_name=…,target_model_name=""`, or `llm_d_epp_flow_control_queue_size` | requests waiting |
 * | `scheduler_queue_bytes` | the same with `…_queue_bytes` | their body bytes |
 * | `gateway_arrival_rate` | `rate(…_flow_control_request_queue_duration_seconds_count[W])` summed over outcomes, plus `delta(…_flow_control_queue_size[W]) / W` | requests arriving, req/s |
 * | `gateway_dispatch_rate` | `sum by (target_model_name) (rate(inference_extension_scheduler_attempts_total{status="success",namespace,target_model_name}[W]))`, or `llm_d_epp_scheduler_attempts_total` | requests dispatched, req/s |
 * | `gateway_request_count` | `sum by (target_model_name) (increase(llm_d_epp_request_total{target_model_name=…}[R]))` | arrivals in the scale-to-zero retention (see {@linkcode gatewayRequestCountQuery}) |
 *
 * **Arrivals.** With flow control every request passes through the gateway's queue and leaves it
 * once, dispatched, rejected (queue full) or evicted (TTL, client gone); the queue-duration
 * histogram counts each departure. Departures per second plus the queue's growth per second are
 * the requests arriving. The EPP's dispatch counter (what WVA reads as its arrival rate) and its
 * request counter (`llm_d_epp_request_total`, counted after admission) both count only what flow
 * control let through: under overload they are the servers' pace, not the demand. Without flow
 * control (no histogram) nothing waits, so dispatches are the arrivals; the source falls back to
 * them.
 *
 * Each is one query for every model of a namespace, one series per model (`target_model_name`).
 * The alternatives are joined with `or`, so a model answers from the first family that has it:
 * GIE's `inference_extension_*` (what WVA reads) before llm-d's newer `llm_d_epp_*`; a gateway
 * that exports both is not counted twice. No series for a model means no gateway reports it:
 * the source leaves the value undefined (unknown), never 0.
 *
 * @module
 */
import { escapeLabelValue, escapeRegex, promDuration, type QueryScope } from "./queries.ts";

/** Names of {@linkcode gatewayQueries}. */
export const GATEWAY_QUERY_NAMES = [
  "scheduler_queue_size",
  "scheduler_queue_bytes",
  "gateway_arrival_rate",
  "gateway_dispatch_rate",
] as const;

/** A gateway query name. */
export type GatewayQueryName = typeof GATEWAY_QUERY_NAMES[number];

/** The label every gateway query groups by: the model a request asked for. */
export const GATEWAY_MODEL_LABEL = "target_model_name";

/** `label="m"` for one model, `label=~"^(?:a|b)$"` for several. */
function modelMatcher(label: string, models: readonly string[]): string {
  const list = [...new Set(models)].sort();
  if (list.length === 1) return `${label}="${escapeLabelValue(list[0]!)}"`;
  return `${label}=~"${escapeLabelValue(`^(?:${list.map(escapeRegex).join("|")})$`)}"`;
}

/**
 * `fn` over a flow-control series, per target model: GIE's family, its `model_name` fallback
 * (series with an empty `target_model_name`), then llm-d's, joined with `or`.
 */
function flowControlPerModel(
  suffix: string,
  models: readonly string[],
  fn: (selector: string) => string = (sel) => sel,
): string {
  const target = modelMatcher(GATEWAY_MODEL_LABEL, models);
  const byName = modelMatcher("model_name", models);
  const gie = `inference_extension_flow_control_${suffix}`;
  return [
    `sum by (${GATEWAY_MODEL_LABEL}) (${fn(`${gie}{${target}}`)})`,
    `label_replace(sum by (model_name) (${fn(`${gie}{${byName},${GATEWAY_MODEL_LABEL}=""}`)}), ` +
    `"${GATEWAY_MODEL_LABEL}", "$1", "model_name", "(.*)")`,
    `sum by (${GATEWAY_MODEL_LABEL}) (${fn(`llm_d_epp_flow_control_${suffix}{${target}}`)})`,
  ].join(" or ");
}

/**
 * Requests arriving per second: departures from flow control (every outcome) plus the queue's
 * growth over the window; departures alone when the queue series is missing.
 */
function arrivalQuery(models: readonly string[], windowSec: number): string {
  const w = promDuration(windowSec);
  const departures = flowControlPerModel(
    "request_queue_duration_seconds_count",
    models,
    (sel) => `rate(${sel}[${w}])`,
  );
  const growth = flowControlPerModel("queue_size", models, (sel) => `delta(${sel}[${w}])`);
  return `((${departures}) + (${growth}) / ${windowSec}) or (${departures})`;
}

/** The gateway queries of one namespace's models; `windowSec` is the rate window. */
export function gatewayQueries(
  scope: QueryScope,
  windowSec: number,
): Readonly<Record<GatewayQueryName, string>> {
  const w = promDuration(windowSec);
  const sel = `status="success",namespace="${escapeLabelValue(scope.namespace)}",${
    modelMatcher(GATEWAY_MODEL_LABEL, scope.models)
  }`;
  const attempts = (metric: string) =>
    `sum by (${GATEWAY_MODEL_LABEL}) (rate(${metric}{${sel}}[${w}]))`;
  return {
    scheduler_queue_size: flowControlPerModel("queue_size", scope.models),
    scheduler_queue_bytes: flowControlPerModel("queue_bytes", scope.models),
    gateway_arrival_rate: arrivalQuery(scope.models, windowSec),
    gateway_dispatch_rate: `${attempts("inference_extension_scheduler_attempts_total")} or ${
      attempts("llm_d_epp_scheduler_attempts_total")
    }`,
  };
}

/**
 * Requests that arrived at the gateway for one model over a window: the scale-to-zero idleness
 * check's second witness next to the servers' completions. The gateway's arrivals counter of a
 * served model exists from its first scrape at 0, so `increase()` sees every arrival — unlike a
 * server scaled from zero, whose completions counter is first scraped after it has already
 * served the requests that waited for it (born at that count, `increase()` reads 0, and the
 * model would look idle right after serving them).
 */
export function gatewayRequestCountQuery(modelId: string, windowSec: number): string {
  return `sum by (${GATEWAY_MODEL_LABEL}) (increase(llm_d_epp_request_total{${
    modelMatcher(GATEWAY_MODEL_LABEL, [modelId])
  }}[${promDuration(windowSec)}]))`;
}
