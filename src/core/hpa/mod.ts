/**
 * A faithful model of the Kubernetes HPA controller (kube-controller-manager), pure: the
 * per-metric replica calculation with missing/unready pods, max over metrics and metric errors,
 * the legacy path without `behavior`, stabilisation windows and rate policies, min/max, and
 * the per-direction tolerance. One call is one sync; the caller keeps the memory between syncs
 * and decides when syncs happen (every 15 s with a phase). See baselines.md §2.
 *
 * @example
 * ```ts
 * import { EMPTY_HPA_MEMORY, hpaSync, HpaSpecSchema } from "./mod.ts";
 * const spec = HpaSpecSchema.parse({
 *   minReplicas: 1,
 *   maxReplicas: 10,
 *   metrics: [{ type: "Pods", pods: { metric: { name: "vllm:num_requests_waiting" },
 *     target: { type: "AverageValue", averageValue: 2 } } }],
 * });
 * const pods = [{ name: "a", phase: "Running" as const, ready: true, deleting: false }];
 * const r = hpaSync(spec, EMPTY_HPA_MEMORY, {
 *   nowMs: 0, specReplicas: 1, statusReplicas: 1, pods,
 *   read: () => ({ kind: "pods", samples: new Map([["a", 7]]) }),
 * });
 * if (r.replicas !== 4) throw new Error(String(r.replicas)); // ceil(3.5) = 4, the 2×/4 limit allows it
 * ```
 *
 * @module
 */
export {
  hpaSync,
  type HpaSyncInput,
  type HpaSyncResult,
  type MetricProposal,
  type MetricReading,
  tolerancesFor,
} from "./hpa.ts";
export { EMPTY_HPA_MEMORY, type HpaMemory, type Timed } from "./normalize.ts";
export { type HpaPod, isWithin, type Tolerances } from "./replica_calc.ts";
export { metricMilli, QuantitySchema, specMilli } from "./quantity.ts";
export {
  type Behavior,
  BehaviorSchema,
  DEFAULT_HPA_CONTROLLER,
  type HpaControllerConfig,
  type HpaSpec,
  type HpaSpecInput,
  HpaSpecSchema,
  metricName,
  type MetricSpec,
  type ScalingRules,
} from "./spec.ts";
