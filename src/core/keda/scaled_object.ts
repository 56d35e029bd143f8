/**
 * The KEDA ScaledObject fields the model uses (Prometheus triggers only), as a zod schema in the
 * YAML shape, and the HPA KEDA generates from it (baselines.md §4): one External metric per
 * trigger with the trigger's threshold as its target (AverageValue by default), or one composite
 * metric when `advanced.scalingModifiers` is set; min = max(1, minReplicaCount); `behavior`
 * copied verbatim (absent → the HPA's legacy path).
 *
 * @module
 */
import { z } from "zod";
import { BehaviorSchema, type HpaSpec, type MetricSpec } from "../hpa/spec.ts";
import { QuantitySchema } from "../hpa/quantity.ts";
import { compileFormula } from "./formula.ts";

/** One Prometheus trigger. `query` is read by the caller (the benchmark maps it to a series). */
export const TriggerSchema = z.strictObject({
  type: z.literal("prometheus").default("prometheus"),
  /** Trigger name: the formula's variable name; defaults to `trigger<i>`. */
  name: z.string().min(1).optional(),
  metricType: z.enum(["AverageValue", "Value"]).default("AverageValue"),
  /** Fetch from KEDA's cache of the last polling cycle instead of querying live. */
  useCachedMetrics: z.boolean().default(false),
  metadata: z.strictObject({
    query: z.string().min(1),
    threshold: QuantitySchema,
    activationThreshold: QuantitySchema.default(0),
    /** Empty result → 0 instead of an error. */
    ignoreNullValues: z.boolean().default(true),
    serverAddress: z.string().optional(),
  }),
});

/** One trigger after parsing. */
export type Trigger = z.output<typeof TriggerSchema>;

const FormulaSchema = z.string().min(1).superRefine((text, ctx) => {
  try {
    compileFormula(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

/** A ScaledObject spec (the parts that change scaling). */
export const ScaledObjectSchema = z.strictObject({
  pollingInterval: z.number().int().positive().default(30),
  cooldownPeriod: z.number().int().min(0).default(300),
  initialCooldownPeriod: z.number().int().min(0).default(0),
  minReplicaCount: z.number().int().min(0).default(0),
  maxReplicaCount: z.number().int().positive().default(100),
  idleReplicaCount: z.number().int().min(0).optional(),
  fallback: z.strictObject({
    failureThreshold: z.number().int().positive(),
    replicas: z.number().int().min(0),
    behavior: z.literal("static").default("static"),
  }).optional(),
  advanced: z.strictObject({
    horizontalPodAutoscalerConfig: z.strictObject({
      name: z.string().optional(),
      behavior: BehaviorSchema.optional(),
    }).optional(),
    scalingModifiers: z.strictObject({
      formula: FormulaSchema,
      target: QuantitySchema,
      activationTarget: QuantitySchema.default(0),
      metricType: z.enum(["AverageValue", "Value"]).default("AverageValue"),
    }).optional(),
  }).optional(),
  triggers: z.array(TriggerSchema).min(1),
}).check((ctx) => {
  const s = ctx.value;
  if (s.minReplicaCount > s.maxReplicaCount) {
    ctx.issues.push({
      code: "custom",
      input: s.minReplicaCount,
      path: ["minReplicaCount"],
      message: `must not exceed maxReplicaCount (${s.maxReplicaCount})`,
    });
  }
});

/** A ScaledObject spec after parsing. */
export type ScaledObject = z.output<typeof ScaledObjectSchema>;

/** A ScaledObject spec as written. */
export type ScaledObjectInput = z.input<typeof ScaledObjectSchema>;

/** Name of the composite metric KEDA exposes for `scalingModifiers`. */
export const COMPOSITE_METRIC = "composite-metric";

/** A trigger's name (`trigger<i>` when unnamed). */
export function triggerName(so: ScaledObject, index: number): string {
  return so.triggers[index]?.name ?? `trigger${index}`;
}

/** The External metric name KEDA gives trigger `index` (`s<i>-prometheus`, or the composite). */
export function externalMetricName(index: number): string {
  return `s${index}-prometheus`;
}

function external(name: string, type: "AverageValue" | "Value", target: number): MetricSpec {
  return {
    type: "External",
    external: {
      metric: { name },
      target: type === "Value" ? { type, value: target } : { type, averageValue: target },
    },
  };
}

/** The HPA KEDA generates for a ScaledObject (`keda-hpa-<name>`). */
export function kedaHpaSpec(so: ScaledObject): HpaSpec {
  const mod = so.advanced?.scalingModifiers;
  const metrics = mod
    ? [external(COMPOSITE_METRIC, mod.metricType, mod.target)]
    : so.triggers.map((t, i) =>
      external(externalMetricName(i), t.metricType, t.metadata.threshold)
    );
  const behavior = so.advanced?.horizontalPodAutoscalerConfig?.behavior;
  return {
    minReplicas: Math.max(1, so.minReplicaCount),
    maxReplicas: so.maxReplicaCount,
    metrics,
    ...(behavior ? { behavior } : {}),
  };
}
