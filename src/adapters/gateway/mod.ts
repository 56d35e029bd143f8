/**
 * The inference gateway (docs/gateway.md): per-model routing by the body's `model`, least
 * outstanding work among that model's ready endpoints, a bounded flow-control queue per model
 * when none is ready or all are saturated, streaming pass-through with per-request measurement,
 * and the endpoint picker's metrics on `/metrics` (queue size and bytes, running requests,
 * dispatches) — what WVA and KEDA read to scale from zero.
 *
 * ```ts ignore
 * import { createLocalEndpoints, startGateway } from "./mod.ts";
 * const endpoints = createLocalEndpoints({ models: ["m"], list: () => pool.ready() });
 * const gateway = startGateway({ endpoints });
 * // clients use `${gateway.url}/v1`; Prometheus scrapes `${gateway.url}/metrics`
 * await gateway.stop();
 * ```
 *
 * @module
 */
export {
  createLocalEndpoints,
  type Endpoint,
  type EndpointSource,
  type ListEndpoints,
  type LocalEndpoints,
  type LocalEndpointsOptions,
} from "./endpoints.ts";
export type { FlowOutcome, QueueLimits } from "./flow_control.ts";
export {
  type Candidate,
  pickEndpoint,
  pickLeastOutstanding,
  planDispatch,
  poolSaturation,
} from "./select.ts";
export { createStreamMeter, type MeterResult, type StreamMeter } from "./stream_meter.ts";
export { type Target, targetModel } from "./target.ts";
export {
  DEFAULT_QUEUE_LIMITS,
  type GatewayHandle,
  type GatewayOptions,
  type RouteRecord,
  startGateway,
} from "./router.ts";
