/**
 * The objects `wva migrate` prints, pure: for a VariantAutoscaling, the annotated HPA or KEDA
 * ScaledObject that replaces it (annotation discovery, annotations.ts), and for an annotated
 * scaler, the VariantAutoscaling it stands for.
 *
 * The scalers follow wva's decision exactly as `manifests/samples/hpa.yaml` and
 * `manifests/samples/keda-scaledobject.yaml` do: the External metric `wva_desired_replicas` of
 * the variant with target AverageValue 1 (HPA), or a `prometheus` trigger with metricType
 * AverageValue and threshold 1 (KEDA), the same behavior policies, and the VA's bounds. The
 * scaler keeps the VA's name, because that name is the variant (`variant_name` label): the
 * metric series the scaler selects do not change when the VA is removed.
 *
 * @module
 */
import { type AnnotatedVariant, ANNOTATIONS, HPA_API_VERSION, HPA_KIND } from "./annotations.ts";
import { SCALED_OBJECT_API_VERSION, SCALED_OBJECT_KIND } from "./annotations.ts";
import { API_VERSION, KIND, type VariantAutoscalingSpec } from "./v1alpha1.ts";

/** What a builder needs of a VA: its identity and its parsed spec. */
export interface VariantSource {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>> | undefined;
  };
  readonly spec: VariantAutoscalingSpec;
}

/** Prometheus address KEDA queries when none is given (the samples' in-cluster Service). */
export const DEFAULT_KEDA_PROMETHEUS_URL = "http://prometheus.monitoring.svc:9090";

/** The metric both scalers follow. */
export const DESIRED_REPLICAS_METRIC = "wva_desired_replicas";

/**
 * The annotations that carry a VA spec on a scaler: WVA's `llm-d.ai/` three (managed, model id,
 * cost when set) and wva's `wva.llmd.ai/` extensions for the fields WVA has no annotation for.
 */
export function variantAnnotations(spec: VariantAutoscalingSpec): Record<string, string> {
  const out: Record<string, string> = {
    [ANNOTATIONS.managed]: "true",
    [ANNOTATIONS.modelId]: spec.modelID,
  };
  if (spec.variantCost !== undefined) out[ANNOTATIONS.variantCost] = String(spec.variantCost);
  if (spec.accelerator !== undefined) out[ANNOTATIONS.accelerator] = spec.accelerator;
  if (spec.gpusPerReplica !== undefined) {
    out[ANNOTATIONS.gpusPerReplica] = String(spec.gpusPerReplica);
  }
  if (spec.serviceClass !== undefined) out[ANNOTATIONS.serviceClass] = spec.serviceClass;
  if (spec.analyzer !== undefined) out[ANNOTATIONS.analyzer] = spec.analyzer;
  if (spec.perfParams !== undefined) out[ANNOTATIONS.perfParams] = JSON.stringify(spec.perfParams);
  return out;
}

function metadataOf(va: VariantSource): Record<string, unknown> {
  const labels = va.metadata.labels ?? {};
  return {
    name: va.metadata.name,
    namespace: va.metadata.namespace,
    ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
    annotations: variantAnnotations(va.spec),
  };
}

function targetOf(spec: VariantAutoscalingSpec): Record<string, string> {
  const r = spec.scaleTargetRef;
  return { apiVersion: r.apiVersion, kind: r.kind, name: r.name };
}

/** The samples' behavior: follow wva at once upwards, wait two minutes before removing. */
function behavior(upPods: number): Record<string, unknown> {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: "Pods", value: upPods, periodSeconds: 15 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 120,
      policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
    },
  };
}

/**
 * The annotated `autoscaling/v2` HPA for a VA (as manifests/samples/hpa.yaml, plus the
 * annotations). Note: an HPA with `minReplicas: 0` needs the HPAScaleToZero feature gate.
 */
export function hpaForVariant(va: VariantSource): Record<string, unknown> {
  const b = behavior(10);
  const selectMax = (p: Record<string, unknown>) => ({
    stabilizationWindowSeconds: p.stabilizationWindowSeconds,
    selectPolicy: "Max",
    policies: p.policies,
  });
  return {
    apiVersion: HPA_API_VERSION,
    kind: HPA_KIND,
    metadata: metadataOf(va),
    spec: {
      scaleTargetRef: targetOf(va.spec),
      minReplicas: va.spec.minReplicas,
      maxReplicas: va.spec.maxReplicas,
      metrics: [{
        type: "External",
        external: {
          metric: {
            name: DESIRED_REPLICAS_METRIC,
            selector: {
              matchLabels: {
                variant_name: va.metadata.name,
                exported_namespace: va.metadata.namespace,
              },
            },
          },
          target: { type: "AverageValue", averageValue: "1" },
        },
      }],
      behavior: {
        scaleUp: selectMax(b.scaleUp as Record<string, unknown>),
        scaleDown: selectMax(b.scaleDown as Record<string, unknown>),
      },
    },
  };
}

/** The PromQL of the KEDA trigger: either scrape setup (`namespace` or `exported_namespace`). */
export function desiredReplicasQuery(name: string, namespace: string): string {
  const q = (label: string) =>
    `${DESIRED_REPLICAS_METRIC}{variant_name=${JSON.stringify(name)},${label}=${
      JSON.stringify(namespace)
    }}`;
  return `max(${q("namespace")} or ${q("exported_namespace")})`;
}

/** The annotated KEDA ScaledObject for a VA (as manifests/samples/keda-scaledobject.yaml). */
export function scaledObjectForVariant(
  va: VariantSource,
  options: { readonly prometheusUrl?: string | undefined } = {},
): Record<string, unknown> {
  const { minReplicas, maxReplicas } = va.spec;
  return {
    apiVersion: SCALED_OBJECT_API_VERSION,
    kind: SCALED_OBJECT_KIND,
    metadata: metadataOf(va),
    spec: {
      scaleTargetRef: targetOf(va.spec),
      minReplicaCount: minReplicas,
      maxReplicaCount: maxReplicas,
      pollingInterval: 5,
      cooldownPeriod: 30,
      // Hold the current replicas while the query fails; `replicas` is required and unused.
      fallback: { failureThreshold: 3, behavior: "currentReplicas", replicas: 1 },
      advanced: { horizontalPodAutoscalerConfig: { behavior: behavior(5) } },
      triggers: [{
        type: "prometheus",
        name: "wva-desired-replicas",
        metricType: "AverageValue",
        metadata: {
          serverAddress: options.prometheusUrl ?? DEFAULT_KEDA_PROMETHEUS_URL,
          query: desiredReplicasQuery(va.metadata.name, va.metadata.namespace),
          threshold: "1",
          activationThreshold: "0",
          // An empty result is an error (held by the fallback), never 0 replicas.
          ignoreNullValues: "false",
        },
      }],
    },
  };
}

/**
 * The VariantAutoscaling an annotated scaler stands for: same name (the variant), namespace and
 * labels; the spec as written (a cost that is not a whole number is quoted, as the CRD wants).
 */
export function variantAutoscalingFor(v: AnnotatedVariant): Record<string, unknown> {
  const s = v.spec;
  const cost = s.variantCost === undefined
    ? {}
    : { variantCost: Number.isInteger(s.variantCost) ? s.variantCost : String(s.variantCost) };
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      name: v.name,
      namespace: v.namespace,
      ...(Object.keys(v.labels).length > 0 ? { labels: { ...v.labels } } : {}),
    },
    spec: {
      scaleTargetRef: targetOf(s),
      modelID: s.modelID,
      ...cost,
      ...(s.accelerator !== undefined ? { accelerator: s.accelerator } : {}),
      ...(s.gpusPerReplica !== undefined ? { gpusPerReplica: s.gpusPerReplica } : {}),
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      ...(s.serviceClass !== undefined ? { serviceClass: s.serviceClass } : {}),
      ...(s.analyzer !== undefined ? { analyzer: s.analyzer } : {}),
      ...(s.perfParams !== undefined ? { perfParams: s.perfParams } : {}),
    },
  };
}
