/**
 * How a wva arm's decision reaches the Deployments when it does not scale directly: the
 * controller exports `wva_desired_replicas` per variant, and either an HPA (the shape of
 * manifests/samples/hpa.yaml: External AverageValue 1) or a KEDA ScaledObject (the shape of
 * manifests/samples/keda-scaledobject.yaml: a Prometheus trigger `max(wva_desired_replicas)`,
 * threshold 1, activation 0, polling 5 s, cooldown 30 s, fallback 2 after 3 failures, up 5 pods
 * per 15 s, down 1 pod per 60 s after a 120 s window) follows it. Min and max come from the
 * variant; an arm's `scaledObject:` is deep-merged over the sample (lists replace).
 *
 * @module
 */
import { type HpaSpec, HpaSpecSchema } from "../../hpa/spec.ts";
import { type ScaledObject, ScaledObjectSchema } from "../../keda/scaled_object.ts";
import { mergeLayers } from "../../util/validate.ts";

/** The desired-replicas gauge a wva arm exports for an HPA or KEDA. */
export const WVA_DESIRED = "wva_desired_replicas";

/** The query of the sample ScaledObject (its label matchers are the variant's scope here). */
export const WVA_DESIRED_QUERY = `max(${WVA_DESIRED})`;

/** A variant's replica bounds. */
export interface Bounds {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** The ScaledObject of manifests/samples/keda-scaledobject.yaml for a variant, before overrides. */
export function sampleScaledObject(b: Bounds): Record<string, unknown> {
  return {
    minReplicaCount: b.minReplicas,
    maxReplicaCount: b.maxReplicas,
    pollingInterval: 5,
    cooldownPeriod: 30,
    fallback: { failureThreshold: 3, replicas: 2 },
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            policies: [{ type: "Pods", value: 5, periodSeconds: 15 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: 120,
            policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
          },
        },
      },
    },
    triggers: [{
      name: "wva-desired-replicas",
      metricType: "AverageValue",
      metadata: { query: WVA_DESIRED_QUERY, threshold: 1, activationThreshold: 0 },
    }],
  };
}

/**
 * The ScaledObject that follows wva for a variant.
 *
 * @throws {ZodError} when the overrides make it invalid (scenarios check them when parsed)
 */
export function wvaScaledObject(
  b: Bounds,
  overrides: Readonly<Record<string, unknown>>,
): ScaledObject {
  return ScaledObjectSchema.parse(mergeLayers(sampleScaledObject(b), overrides));
}

/** The HPA of manifests/samples/hpa.yaml for a variant (behavior: the arm's, else none). */
export function wvaHpaSpec(b: Bounds, behavior: HpaSpec["behavior"]): HpaSpec {
  const spec = HpaSpecSchema.parse({
    minReplicas: b.minReplicas,
    maxReplicas: b.maxReplicas,
    metrics: [{
      type: "External",
      external: {
        metric: { name: WVA_DESIRED },
        target: { type: "AverageValue", averageValue: 1 },
      },
    }],
  });
  return behavior ? { ...spec, behavior } : spec;
}
