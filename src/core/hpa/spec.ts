/**
 * The HorizontalPodAutoscaler (autoscaling/v2) fields the model uses, as zod schemas in the
 * Kubernetes YAML shape, so an HPA spec can be pasted into a scenario. Quantities are numbers or
 * quantity strings (`800m`). Defaulting follows the API server: `behavior` stays absent when not
 * given (the controller's legacy path), and when given, each direction's missing fields get the
 * API defaults (§2.5 of baselines.md) — except the scale-down window, which the controller fills
 * from its flag.
 *
 * @module
 */
import { z } from "zod";
import { QuantitySchema } from "./quantity.ts";

const MetricName = z.strictObject({ name: z.string().min(1) });

/** A metric target: `Value` (a total) or `AverageValue` (per pod). */
export const MetricTargetSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("Value"), value: QuantitySchema }),
  z.strictObject({ type: z.literal("AverageValue"), averageValue: QuantitySchema }),
]);

/** A metric target. */
export type MetricTarget = z.output<typeof MetricTargetSchema>;

/** One metric of an HPA: Pods (per-pod AverageValue only), Object or External. */
export const MetricSpecSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("Pods"),
    pods: z.strictObject({
      metric: MetricName,
      target: z.strictObject({ type: z.literal("AverageValue"), averageValue: QuantitySchema }),
    }),
  }),
  z.strictObject({
    type: z.literal("Object"),
    object: z.strictObject({ metric: MetricName, target: MetricTargetSchema }),
  }),
  z.strictObject({
    type: z.literal("External"),
    external: z.strictObject({ metric: MetricName, target: MetricTargetSchema }),
  }),
]);

/** One metric of an HPA. */
export type MetricSpec = z.output<typeof MetricSpecSchema>;

/** A scaling policy: at most `value` pods or percent per `periodSeconds`. */
export const PolicySchema = z.strictObject({
  type: z.enum(["Pods", "Percent"]),
  value: z.number().int().positive(),
  periodSeconds: z.number().int().positive().max(1800),
});

/** A scaling policy. */
export type Policy = z.output<typeof PolicySchema>;

const RulesInput = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
  policies: z.array(PolicySchema).optional(),
  /** Per-direction tolerance (KEP-4951); used when the feature gate is on. */
  tolerance: QuantitySchema.optional(),
});

/** Scaling rules of one direction after API defaulting. */
export interface ScalingRules {
  /** Undefined only for scale-down: the controller then uses its flag (300 s). */
  readonly stabilizationWindowSeconds: number | undefined;
  readonly selectPolicy: "Max" | "Min" | "Disabled";
  readonly policies: readonly Policy[];
  readonly tolerance: number | undefined;
}

/** `behavior` after API defaulting: both directions present. */
export interface Behavior {
  readonly scaleUp: ScalingRules;
  readonly scaleDown: ScalingRules;
}

/** The API server's scale-up defaults: window 0, Max of 4 pods / 100 % per 15 s. */
export const DEFAULT_SCALE_UP: ScalingRules = Object.freeze({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: Object.freeze([
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ]) as readonly Policy[],
  tolerance: undefined,
});

/** The API server's scale-down defaults: window left to the controller, Max of 100 % per 15 s. */
export const DEFAULT_SCALE_DOWN: ScalingRules = Object.freeze({
  stabilizationWindowSeconds: undefined,
  selectPolicy: "Max",
  policies: Object.freeze([{
    type: "Percent",
    value: 100,
    periodSeconds: 15,
  }]) as readonly Policy[],
  tolerance: undefined,
});

function withDefaults(
  given: z.output<typeof RulesInput> | undefined,
  defaults: ScalingRules,
): ScalingRules {
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ??
      defaults.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? defaults.selectPolicy,
    policies: given?.policies ?? defaults.policies,
    tolerance: given?.tolerance ?? defaults.tolerance,
  };
}

/** `behavior` as written; parsing fills the API defaults of each direction. */
export const BehaviorSchema = z.strictObject({
  scaleUp: RulesInput.optional(),
  scaleDown: RulesInput.optional(),
}).transform((b): Behavior => ({
  scaleUp: withDefaults(b.scaleUp, DEFAULT_SCALE_UP),
  scaleDown: withDefaults(b.scaleDown, DEFAULT_SCALE_DOWN),
}));

/** An HPA spec (the fields the controller reads). */
export const HpaSpecSchema = z.strictObject({
  /** @default 1; 0 needs the HPAScaleToZero gate and an Object or External metric. */
  minReplicas: z.number().int().min(0).default(1),
  maxReplicas: z.number().int().positive(),
  metrics: z.array(MetricSpecSchema).min(1),
  behavior: BehaviorSchema.optional(),
}).check((ctx) => {
  const s = ctx.value;
  if (s.minReplicas > s.maxReplicas) {
    ctx.issues.push({
      code: "custom",
      input: s.minReplicas,
      path: ["minReplicas"],
      message: `must not exceed maxReplicas (${s.maxReplicas})`,
    });
  }
  if (s.minReplicas === 0 && !s.metrics.some((m) => m.type !== "Pods")) {
    ctx.issues.push({
      code: "custom",
      input: s.minReplicas,
      path: ["minReplicas"],
      message: "0 needs at least one Object or External metric (scale to zero)",
    });
  }
});

/** An HPA spec after parsing (defaults filled). */
export type HpaSpec = z.output<typeof HpaSpecSchema>;

/** An HPA spec as written. */
export type HpaSpecInput = z.input<typeof HpaSpecSchema>;

/** The metric's name, whatever its source type. */
export function metricName(m: MetricSpec): string {
  switch (m.type) {
    case "Pods":
      return m.pods.metric.name;
    case "Object":
      return m.object.metric.name;
    case "External":
      return m.external.metric.name;
  }
}

/** kube-controller-manager settings of the HPA controller. */
export interface HpaControllerConfig {
  /** `--horizontal-pod-autoscaler-sync-period`, ms. @default 15000 */
  readonly syncPeriodMs: number;
  /** `--horizontal-pod-autoscaler-tolerance`. @default 0.1 */
  readonly tolerance: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization`, ms. @default 300000 */
  readonly downscaleStabilizationMs: number;
  /** Feature gate HPAConfigurableTolerance (beta, on by default since 1.35). @default true */
  readonly configurableTolerance: boolean;
  /**
   * When an HPA with `minReplicas: 0` (gate HPAScaleToZero) reads metrics at 0 replicas.
   * `"own-zero"` (v1.36+, KEP-2021 condition-based, kubernetes/kubernetes#135118): only when the
   * HPA scaled the target to 0 itself (its `ScaledToZero` condition) and it has an Object or
   * External metric; a target at 0 for any other reason (created so, scaled by a person or by
   * KEDA) stays there, `ScalingDisabled`. `"min-zero"` (before v1.36): whenever `minReplicas` is 0.
   * @default "own-zero"
   */
  readonly scaleFromZero?: "own-zero" | "min-zero";
}

/** The controller's defaults. */
export const DEFAULT_HPA_CONTROLLER: HpaControllerConfig = Object.freeze({
  syncPeriodMs: 15_000,
  tolerance: 0.1,
  downscaleStabilizationMs: 300_000,
  configurableTolerance: true,
  scaleFromZero: "own-zero",
});
