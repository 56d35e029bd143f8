/**
 * Annotation discovery (controller.md §1.4): WVA ≥ v0.9 has no VariantAutoscaling CRD and
 * finds what to scale from annotations on the `autoscaling/v2` HorizontalPodAutoscaler or the
 * `keda.sh/v1alpha1` ScaledObject that follows the controller's metric. This module reads one
 * such object (plain JSON as the apiserver returns it) into the same parsed spec a VA has, so
 * the controller treats both discovery modes alike. Pure.
 *
 * | annotation | meaning |
 * |---|---|
 * | `llm-d.ai/managed: "true"` | opt-in; only the exact string `true` counts |
 * | `llm-d.ai/model-id` | required: the served model (`model_name` label) |
 * | `llm-d.ai/variant-cost` | optional, a number ≥ 0; unset: as a VA without `variantCost` (the accelerator unit cost, else 10.0, WVA's default) |
 * | `wva.llmd.ai/accelerator`, `wva.llmd.ai/gpus-per-replica`, `wva.llmd.ai/service-class`, `wva.llmd.ai/analyzer`, `wva.llmd.ai/perf-params` (JSON) | wva's extensions: the VA fields WVA has no annotation for, so `wva migrate` round-trips a VA |
 *
 * The variant's name is the scaler object's name (it becomes the `variant_name` label of
 * `wva_desired_replicas`, as in WVA), its labels are the scaler's labels (so the VA label
 * `inference.optimization/acceleratorName` works on the scaler too), the scale target comes from
 * `spec.scaleTargetRef` (kind default Deployment, apiVersion default apps/v1) and the bounds from
 * the scaler: HPA `minReplicas` (unset → 1) and `maxReplicas`; ScaledObject `minReplicaCount`
 * (unset → 0, scale-to-zero rules apply) and `maxReplicaCount` (unset → 100, KEDA's default).
 * The accelerator, when not annotated, is resolved from the target's pod template like a VA's
 * (accelerator.ts).
 *
 * A managed object that cannot be read gives one {@linkcode AnnotationProblem} per field, naming
 * the annotation (or spec path) and the value, for a Warning event; other objects are unaffected.
 *
 * @module
 */
import type { VariantAutoscalingSpec } from "./v1alpha1.ts";
import { VariantAutoscalingSpecSchema } from "./v1alpha1.ts";
import { formatPath, lookupPath } from "../util/validate.ts";

/** The annotations wva reads on a scaler (WVA's three, then wva's extensions). */
export const ANNOTATIONS = {
  managed: "llm-d.ai/managed",
  modelId: "llm-d.ai/model-id",
  variantCost: "llm-d.ai/variant-cost",
  accelerator: "wva.llmd.ai/accelerator",
  gpusPerReplica: "wva.llmd.ai/gpus-per-replica",
  serviceClass: "wva.llmd.ai/service-class",
  analyzer: "wva.llmd.ai/analyzer",
  perfParams: "wva.llmd.ai/perf-params",
} as const;

/** Label that assigns a scaler to one controller instance (env `CONTROLLER_INSTANCE` in WVA). */
export const CONTROLLER_INSTANCE_LABEL = "wva.llmd.ai/controller-instance";

/** `apiVersion` and `kind` of the two scaler objects. */
export const HPA_API_VERSION = "autoscaling/v2";
export const HPA_KIND = "HorizontalPodAutoscaler";
export const SCALED_OBJECT_API_VERSION = "keda.sh/v1alpha1";
export const SCALED_OBJECT_KIND = "ScaledObject";

/** KEDA's `maxReplicaCount` when unset. */
export const KEDA_DEFAULT_MAX_REPLICAS = 100;

/** Kind of a scaler object. */
export type ScalerKind = typeof HPA_KIND | typeof SCALED_OBJECT_KIND;

/** Which object a variant or a problem comes from. */
export interface ScalerRef {
  readonly kind: ScalerKind;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
}

/** A variant discovered from annotations. */
export interface AnnotatedVariant {
  readonly scaler: ScalerRef;
  /** The scaler's name: the variant name (`variant_name` label). */
  readonly name: string;
  readonly namespace: string;
  /** The scaler's labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The same parsed spec a VA has; `variantCost` unset when the annotation is absent. */
  readonly spec: VariantAutoscalingSpec;
}

/** Why an annotated object cannot be served. */
export interface AnnotationProblem {
  readonly scaler: ScalerRef;
  /** The annotation key or the scaler's spec path (`spec.scaleTargetRef.name`). */
  readonly field: string;
  /** The offending value; undefined when missing. */
  readonly value: unknown;
  readonly message: string;
}

/** Why an object is not managed (no event: it simply is not wva's). */
export type UnmanagedReason = "not-a-scaler" | "not-annotated" | "deleting" | "other-instance";

/** Result of {@linkcode readAnnotatedScaler}. */
export type ScalerReading =
  | { readonly status: "managed"; readonly variant: AnnotatedVariant }
  | { readonly status: "unmanaged"; readonly reason: UnmanagedReason }
  | {
    readonly status: "invalid";
    readonly scaler: ScalerRef;
    readonly problems: readonly AnnotationProblem[];
  };

/** Options of {@linkcode readAnnotatedScaler}. */
export interface ReadScalerOptions {
  /** Only scalers labelled {@linkcode CONTROLLER_INSTANCE_LABEL} with this value count. */
  readonly controllerInstance?: string | undefined;
}

type Json = Record<string, unknown>;

function record(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const r = record(v) ?? {};
  return Object.fromEntries(
    Object.entries(r).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** The scaler kind of an object, from its `apiVersion` and `kind`. */
export function scalerKindOf(obj: unknown): ScalerKind | undefined {
  const o = record(obj);
  if (o?.kind === HPA_KIND && o.apiVersion === HPA_API_VERSION) return HPA_KIND;
  if (o?.kind === SCALED_OBJECT_KIND && o.apiVersion === SCALED_OBJECT_API_VERSION) {
    return SCALED_OBJECT_KIND;
  }
  return undefined;
}

/**
 * Reads an HPA or ScaledObject: `managed` with the variant, `unmanaged` (not wva's: no
 * `llm-d.ai/managed: "true"`, being deleted, or labelled for another controller instance), or
 * `invalid` with one problem per bad field. Never throws.
 */
export function readAnnotatedScaler(obj: unknown, options: ReadScalerOptions = {}): ScalerReading {
  const kind = scalerKindOf(obj);
  const o = record(obj);
  const meta = record(o?.metadata);
  if (!kind || !o || typeof meta?.name !== "string" || typeof meta.namespace !== "string") {
    return { status: "unmanaged", reason: "not-a-scaler" };
  }
  const annotations = stringMap(meta.annotations);
  const labels = stringMap(meta.labels);
  if (annotations[ANNOTATIONS.managed] !== "true") {
    return { status: "unmanaged", reason: "not-annotated" };
  }
  if (meta.deletionTimestamp !== undefined) return { status: "unmanaged", reason: "deleting" };
  const instance = options.controllerInstance;
  if (instance !== undefined && instance !== "" && labels[CONTROLLER_INSTANCE_LABEL] !== instance) {
    return { status: "unmanaged", reason: "other-instance" };
  }
  const scaler: ScalerRef = {
    kind,
    namespace: meta.namespace,
    name: meta.name,
    ...(typeof meta.uid === "string" ? { uid: meta.uid } : {}),
  };
  const spec = record(o.spec) ?? {};
  const r = specFromScaler(kind, spec, annotations);
  if (!r.ok) {
    return { status: "invalid", scaler, problems: r.problems.map((p) => ({ scaler, ...p })) };
  }
  return {
    status: "managed",
    variant: { scaler, name: scaler.name, namespace: scaler.namespace, labels, spec: r.spec },
  };
}

type FieldProblem = Omit<AnnotationProblem, "scaler">;

/** The spec field → where it came from on the scaler (for problem messages). */
function originOf(kind: ScalerKind, key: string): string {
  const so = kind === SCALED_OBJECT_KIND;
  const origins: Record<string, string> = {
    scaleTargetRef: "spec.scaleTargetRef",
    modelID: ANNOTATIONS.modelId,
    accelerator: ANNOTATIONS.accelerator,
    gpusPerReplica: ANNOTATIONS.gpusPerReplica,
    serviceClass: ANNOTATIONS.serviceClass,
    analyzer: ANNOTATIONS.analyzer,
    perfParams: ANNOTATIONS.perfParams,
    minReplicas: so ? "spec.minReplicaCount" : "spec.minReplicas",
    maxReplicas: so ? "spec.maxReplicaCount" : "spec.maxReplicas",
  };
  return origins[key] ?? key;
}

/** Builds the spec input from the scaler and checks what the VA schema cannot name. */
function specInput(
  kind: ScalerKind,
  spec: Json,
  annotations: Readonly<Record<string, string>>,
  problems: FieldProblem[],
): Json {
  const ref = record(spec.scaleTargetRef);
  if (typeof ref?.name !== "string" || ref.name === "") {
    problems.push({
      field: "spec.scaleTargetRef.name",
      value: ref?.name,
      message: "required: the workload this scaler scales",
    });
  }
  const so = kind === SCALED_OBJECT_KIND;
  const min = so ? spec.minReplicaCount : spec.minReplicas;
  const max = so ? spec.maxReplicaCount : spec.maxReplicas;
  if (!so && max === undefined) {
    problems.push({ field: "spec.maxReplicas", value: undefined, message: "required" });
  }
  const input: Json = {
    scaleTargetRef: {
      apiVersion: ref?.apiVersion ?? "apps/v1",
      kind: ref?.kind ?? "Deployment",
      name: ref?.name,
    },
    modelID: annotations[ANNOTATIONS.modelId],
    minReplicas: min ?? (so ? 0 : 1),
    // A missing HPA maxReplicas is reported above; the stand-in keeps min ≤ max quiet.
    maxReplicas: max ?? (so ? KEDA_DEFAULT_MAX_REPLICAS : Math.max(1, Number(min ?? 1) || 1)),
  };
  if (input.modelID === undefined) {
    problems.push({
      field: ANNOTATIONS.modelId,
      value: undefined,
      message: "required on a managed scaler: the model the target serves",
    });
  }
  readExtensions(annotations, input, problems);
  return input;
}

/** Copies wva's extension annotations into the spec input (text → number/JSON where needed). */
function readExtensions(
  annotations: Readonly<Record<string, string>>,
  input: Json,
  problems: FieldProblem[],
): void {
  const text = (key: string) => annotations[key];
  if (text(ANNOTATIONS.accelerator) !== undefined) {
    input.accelerator = text(ANNOTATIONS.accelerator);
  }
  if (text(ANNOTATIONS.serviceClass) !== undefined) {
    input.serviceClass = text(ANNOTATIONS.serviceClass);
  }
  if (text(ANNOTATIONS.analyzer) !== undefined) input.analyzer = text(ANNOTATIONS.analyzer);
  const gpus = text(ANNOTATIONS.gpusPerReplica);
  if (gpus !== undefined) input.gpusPerReplica = gpus.trim() === "" ? gpus : Number(gpus);
  const perf = text(ANNOTATIONS.perfParams);
  if (perf === undefined) return;
  try {
    input.perfParams = JSON.parse(perf);
  } catch {
    problems.push({
      field: ANNOTATIONS.perfParams,
      value: perf,
      message: 'must be a JSON object such as {"alphaMs":20,"betaMs":0.4,"maxBatchSize":8}',
    });
  }
}

/** Reads `llm-d.ai/variant-cost`: a number ≥ 0, or undefined when absent. */
export function readVariantCost(text: string | undefined): number | undefined | "invalid" {
  if (text === undefined) return undefined;
  const n = text.trim() === "" ? NaN : Number(text);
  return Number.isFinite(n) && n >= 0 ? n : "invalid";
}

function specFromScaler(
  kind: ScalerKind,
  spec: Json,
  annotations: Readonly<Record<string, string>>,
):
  | { readonly ok: true; readonly spec: VariantAutoscalingSpec }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const input = specInput(kind, spec, annotations, problems);
  const cost = readVariantCost(annotations[ANNOTATIONS.variantCost]);
  if (cost === "invalid") {
    problems.push({
      field: ANNOTATIONS.variantCost,
      value: annotations[ANNOTATIONS.variantCost],
      message: "must be a number ≥ 0 (the cost of one replica)",
    });
  }
  const r = VariantAutoscalingSpecSchema.safeParse(input);
  const checked = new Set(problems.map((p) => p.field));
  for (const issue of r.success ? [] : r.error.issues) {
    const [head, ...rest] = issue.path.map(String);
    const origin = originOf(kind, head ?? "");
    const field = head === "scaleTargetRef" ? `${origin}.${rest.join(".")}` : origin;
    if (checked.has(field)) continue;
    const sub = head === "perfParams" && rest.length > 0 ? `${formatPath(rest)}: ` : "";
    const value = head === "perfParams" || head === "gpusPerReplica"
      ? annotations[origin]
      : lookupPath(input, issue.path as PropertyKey[]).value;
    problems.push({ field, value, message: sub + issue.message });
  }
  if (problems.length > 0 || !r.success || cost === "invalid") return { ok: false, problems };
  return { ok: true, spec: cost === undefined ? r.data : { ...r.data, variantCost: cost } };
}

/**
 * One line for a problem, for a Warning event, a log line or `wva migrate`:
 * `ScaledObject llm/a100: llm-d.ai/variant-cost: must be a number ≥ 0 … (got "abc")`.
 */
export function formatAnnotationProblem(p: AnnotationProblem): string {
  const got = p.value === undefined ? "(missing)" : `(got ${JSON.stringify(p.value)})`;
  return `${p.scaler.kind} ${p.scaler.namespace}/${p.scaler.name}: ${p.field}: ${p.message} ${got}`;
}
