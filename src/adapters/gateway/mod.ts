/**
 * The demo's router: least-outstanding-requests load balancing over ready replicas, streaming
 * pass-through, per-request measurement, retries away from replicas that are leaving, and an
 * honest count of requests that failed because of a scale-down.
 *
 * ```ts ignore
 * import { startRouter } from "./mod.ts";
 * const router = startRouter({ backends: () => pool.routable(), stateOf: pool.stateOf, modelId });
 * // clients use `${router.url}/v1`
 * await router.stop();
 * ```
 *
 * @module
 */
export { type Candidate, pickLeastOutstanding } from "./select.ts";
export { createStreamMeter, type MeterResult, type StreamMeter } from "./stream_meter.ts";
export {
  type RouterBackend,
  type RouteRecord,
  type RouterHandle,
  type RouterOptions,
  startRouter,
} from "./router.ts";
