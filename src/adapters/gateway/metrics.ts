/**
 * The gateway's `/metrics`: the inference gateway's series per target model, under the names and
 * label sets of the real endpoint picker (GIE's `inference_extension_*`, which WVA reads, and
 * llm-d's newer `llm_d_epp_*`, which llm-d's KEDA setups read), on a prom-client registry of its
 * own (no default process metrics: they fail under Deno).
 *
 * | metric | type | labels | value |
 * |---|---|---|---|
 * | `inference_extension_flow_control_queue_size`, `llm_d_epp_flow_control_queue_size` | gauge | fairness_id, priority, inference_pool, model_name, target_model_name | requests waiting |
 * | `inference_extension_flow_control_queue_bytes`, `llm_d_epp_flow_control_queue_bytes` | gauge | same | their body bytes |
 * | `llm_d_epp_request_running` | gauge | model_name, target_model_name, fairness_id, priority | requests in flight to model servers |
 * | `inference_extension_flow_control_pool_saturation`, `llm_d_epp_flow_control_pool_saturation` | gauge | inference_pool, stage | running / (ready endpoints × per-endpoint limit); 1 with none ready |
 * | `llm_d_epp_ready_endpoints` | gauge | name | ready endpoints of the model |
 * | `llm_d_epp_request_total` | counter | model_name, target_model_name, fairness_id, priority | arrivals (known model) |
 * | `inference_extension_scheduler_attempts_total` | counter | status, target_model_name, pod_name, namespace, port | dispatches (`success`) and give-ups (`failure`) |
 * | `llm_d_epp_scheduler_attempts_total` | counter | status, target_model_name, endpoint_name, namespace, port | same |
 * | `llm_d_epp_flow_control_request_queue_duration_seconds` | histogram | fairness_id, priority, outcome, inference_pool, model_name, target_model_name | time in flow control, by outcome |
 *
 * The gateway has one FIFO per model and no fairness or priority bands: `fairness_id` is the
 * EPP's default `default-flow`, `priority` is `0`, and `model_name` = `target_model_name` (no
 * model rewrites). A scrape reads a handful of numbers per model: no per-request work.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Endpoint } from "./endpoints.ts";
import type { FlowOutcome } from "./flow_control.ts";

/** What the gateway counts as requests go by. */
export interface GatewayCounters {
  /** A request for a known model arrived. */
  arrival(model: string): void;
  /** A request went to `endpoint` (`success`), or the gateway gave up before any did. */
  attempt(model: string, status: "success" | "failure", endpoint?: Endpoint): void;
  /** A request left flow control after `seconds` with `outcome`. */
  flowOutcome(model: string, outcome: FlowOutcome, seconds: number): void;
}

/** One model's state at scrape time. */
export interface ModelGauges {
  readonly model: string;
  /** The `inference_pool` label. */
  readonly pool: string;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
  readonly running: number;
  /** The model's ready endpoints (their dispatch counters start at 0 before any dispatch). */
  readonly readyEndpoints: readonly Endpoint[];
  readonly saturation: number;
}

/** The counters plus the exposition. */
export interface GatewayMetrics extends GatewayCounters {
  /** The exposition text of every series (gauges read from `snapshot()` now). */
  render(): Promise<string>;
  /** Content type of `render()`'s text. */
  readonly contentType: string;
}

const FLOW = { fairness_id: "default-flow", priority: "0" } as const;
const QUEUE_LABELS = [
  "fairness_id",
  "priority",
  "inference_pool",
  "model_name",
  "target_model_name",
];
const MODEL_LABELS = ["model_name", "target_model_name", "fairness_id", "priority"];
const QUEUE_BUCKETS_SEC = [
  0.0001,
  0.0005,
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
];

/** The gauges, set from a snapshot at each scrape. */
function gauges(registers: Registry[]) {
  const g = (name: string, help: string, labelNames: readonly string[]) =>
    new Gauge({ name, help, labelNames, registers });
  const queueHelp = "Current number of requests actively held in the Flow Control queue.";
  const bytesHelp = "Current total size in bytes of requests held in the Flow Control queue.";
  const satHelp = "Requests in flight over what the ready endpoints may hold; 1 with none ready.";
  return {
    size: [
      g("inference_extension_flow_control_queue_size", queueHelp, QUEUE_LABELS),
      g("llm_d_epp_flow_control_queue_size", queueHelp, QUEUE_LABELS),
    ],
    bytes: [
      g("inference_extension_flow_control_queue_bytes", bytesHelp, QUEUE_LABELS),
      g("llm_d_epp_flow_control_queue_bytes", bytesHelp, QUEUE_LABELS),
    ],
    saturation: [
      g("inference_extension_flow_control_pool_saturation", satHelp, ["inference_pool", "stage"]),
      g("llm_d_epp_flow_control_pool_saturation", satHelp, ["inference_pool", "stage"]),
    ],
    running: g("llm_d_epp_request_running", "Current number of active running requests.", [
      ...MODEL_LABELS,
    ]),
    ready: g("llm_d_epp_ready_endpoints", "The number of ready endpoints in the pool.", ["name"]),
  };
}

/** Creates the registry; `snapshot` is read once per scrape; `poolOf` names a model's pool. */
export function createGatewayMetrics(
  snapshot: () => readonly ModelGauges[],
  poolOf: (model: string) => string,
): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const g = gauges(registers);
  const arrivals = new Counter({
    name: "llm_d_epp_request_total",
    help: "Total number of requests that arrived for a served model.",
    labelNames: MODEL_LABELS,
    registers,
  });
  const attempts = [["pod_name", "inference_extension"], ["endpoint_name", "llm_d_epp"]].map(
    ([endpointLabel, prefix]) =>
      new Counter({
        name: `${prefix}_scheduler_attempts_total`,
        help: "Total number of scheduling attempts.",
        labelNames: ["status", "target_model_name", endpointLabel!, "namespace", "port"],
        registers,
      }),
  );
  const waits = new Histogram({
    name: "llm_d_epp_flow_control_request_queue_duration_seconds",
    help: "Distribution of total time requests spend in the Flow Control layer.",
    labelNames: ["outcome", ...QUEUE_LABELS],
    buckets: QUEUE_BUCKETS_SEC,
    registers,
  });
  const model = (m: string) => ({ model_name: m, target_model_name: m, ...FLOW });
  const queue = (m: string) => ({
    ...FLOW,
    inference_pool: poolOf(m),
    model_name: m,
    target_model_name: m,
  });
  return {
    contentType: registry.contentType,
    arrival: (m) => arrivals.inc(model(m)),
    attempt: (m, status, endpoint) => countAttempt(attempts, { m, status, endpoint, by: 1 }),
    flowOutcome: (m, outcome, seconds) => waits.observe({ ...queue(m), outcome }, seconds),
    render() {
      const models = snapshot();
      setGauges(g, models);
      // Series that exist at 0 before their first increment, so that rate() counts it.
      for (const s of models) {
        arrivals.inc(model(s.model), 0);
        for (const endpoint of s.readyEndpoints) {
          countAttempt(attempts, { m: s.model, status: "success", endpoint, by: 0 });
        }
      }
      return registry.metrics();
    },
  };
}

/** Adds `by` to both attempts counters. */
function countAttempt(
  attempts: readonly Counter[],
  a: { m: string; status: "success" | "failure"; endpoint: Endpoint | undefined; by: number },
): void {
  const where = endpointLabels(a.endpoint);
  const common = { status: a.status, target_model_name: a.m, ...where.at };
  attempts[0]!.inc({ ...common, pod_name: where.name }, a.by);
  attempts[1]!.inc({ ...common, endpoint_name: where.name }, a.by);
}

/** The endpoint labels of an attempt: empty strings when no endpoint was involved. */
function endpointLabels(e: Endpoint | undefined) {
  if (!e) return { name: "", at: { namespace: "", port: "" } };
  const url = new URL(e.url);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return { name: e.id, at: { namespace: e.namespace ?? "", port } };
}

function setGauges(g: ReturnType<typeof gauges>, models: readonly ModelGauges[]): void {
  for (const gauge of [...g.size, ...g.bytes, ...g.saturation, g.running, g.ready]) gauge.reset();
  for (const s of models) {
    const labels = {
      ...FLOW,
      inference_pool: s.pool,
      model_name: s.model,
      target_model_name: s.model,
    };
    for (const gauge of g.size) gauge.set(labels, s.queuedRequests);
    for (const gauge of g.bytes) gauge.set(labels, s.queuedBytes);
    for (const gauge of g.saturation) {
      gauge.set({ inference_pool: s.pool, stage: "effective" }, s.saturation);
    }
    g.running.set({ model_name: s.model, target_model_name: s.model, ...FLOW }, s.running);
    g.ready.set({ name: s.pool }, s.readyEndpoints.length);
  }
}
