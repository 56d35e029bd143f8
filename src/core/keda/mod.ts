/**
 * A model of KEDA for Prometheus triggers, pure: the ScaledObject schema, the HPA it generates
 * (scaling 1 ↔ N is the HPA model's, src/core/hpa), the metrics server's answers (with
 * `ignoreNullValues`, `scalingModifiers` and static fallback) and the operator's poll
 * (activation 0 → 1, cooldown to 0, min). See baselines.md §4.
 *
 * @example
 * ```ts
 * import { kedaHpaSpec, ScaledObjectSchema } from "./mod.ts";
 * const so = ScaledObjectSchema.parse({
 *   minReplicaCount: 1,
 *   maxReplicaCount: 8,
 *   triggers: [{ name: "queue", metadata: { query: "sum(llm_d_epp_flow_control_queue_size)", threshold: 1 } }],
 * });
 * if (kedaHpaSpec(so).maxReplicas !== 8) throw new Error("bad");
 * ```
 *
 * @module
 */
export { compileFormula, type Formula } from "./formula.ts";
export {
  isActive,
  type KedaMetrics,
  kedaMetrics,
  kedaPoll,
  type KedaPollResult,
  type KedaState,
  newKedaState,
  readTriggers,
  type TriggerReader,
  type TriggerResult,
} from "./keda.ts";
export {
  COMPOSITE_METRIC,
  externalMetricName,
  kedaHpaSpec,
  type ScaledObject,
  type ScaledObjectInput,
  ScaledObjectSchema,
  type Trigger,
  triggerName,
} from "./scaled_object.ts";
