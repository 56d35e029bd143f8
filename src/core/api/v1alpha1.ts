/**
 * The `llmd.ai/v1alpha1` VariantAutoscaling API: one object per variant (a way of serving a
 * model: a scale target, an accelerator, a cost). The zod schemas here are the single source of
 * truth: `manifests/crd.yaml` is generated from them (src/core/api/crd.ts), the controller parses the
 * objects it watches with them, and the `.describe()` texts become `kubectl explain` output.
 *
 * Decisions worth knowing (docs/controller-api.md has the user view):
 * - `variantCost` accepts an integer or a numeric string (`40`, `"12.5"`), as upstream used
 *   strings; the CRD types it `x-kubernetes-int-or-string`, so a decimal must be quoted. Parsed
 *   values are numbers. It has no CRD default, so an unset cost can fall back to the accelerator
 *   unit-cost ConfigMap; the last resort is {@linkcode DEFAULT_VARIANT_COST} (10).
 * - `minReplicas ≤ maxReplicas` is enforced by the apiserver (a CEL rule on `spec`) and by the
 *   zod schema. `minReplicas: 0` lets the variant go to zero; the model as a whole goes to zero
 *   only with scale-to-zero enabled for it (the scale-to-zero ConfigMap), otherwise the cycle
 *   keeps one replica on its cheapest variant.
 *
 * @module
 */
import { z } from "zod";
import { describeZodError } from "../util/validate.ts";
import { ANALYZER_NAMES } from "../contract/types.ts";
import { ConditionSchema } from "./conditions.ts";

export * from "./conditions.ts";

/** API group. */
export const GROUP = "llmd.ai";
/** API version. */
export const VERSION = "v1alpha1";
/** `apiVersion` of VariantAutoscaling objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Kind. */
export const KIND = "VariantAutoscaling";
/** Resource (plural) name, as in `/apis/llmd.ai/v1alpha1/namespaces/{ns}/variantautoscalings`. */
export const PLURAL = "variantautoscalings";
/** Singular name. */
export const SINGULAR = "variantautoscaling";
/** `kubectl get va`. */
export const SHORT_NAMES: readonly string[] = ["va"];
/** Kinds a VA may scale (both served by `apps/v1` with a `/scale` subresource). */
export const SCALE_TARGET_KINDS = ["Deployment", "StatefulSet"] as const;
/** Cost of one replica when neither the spec nor the accelerator unit costs give one. */
export const DEFAULT_VARIANT_COST = 10;
/** VA label naming the accelerator, the last fallback of the resolution (upstream's label). */
export const ACCELERATOR_LABEL = "inference.optimization/acceleratorName";

const replicas = z.int32().min(0);
const dateTime = z.iso.datetime({ offset: true });
const COST_PATTERN = /^\d+(\.\d+)?$/;

/** The workload a VA scales. */
export const ScaleTargetRefSchema = z.object({
  apiVersion: z.enum(["apps/v1"]).default("apps/v1").describe("API version of the target."),
  kind: z.enum(SCALE_TARGET_KINDS).describe("Deployment or StatefulSet."),
  name: z.string().min(1).max(253).describe("Name of the target, in the VA's namespace."),
}).describe("The workload whose replicas this VA decides.");

/** Queueing-model parameters of the variant, profiled offline (ms). */
export const PerfParamsSpecSchema = z.object({
  alphaMs: z.number().positive().describe("Decode step time at batch 0, ms (ITL = α + β·n)."),
  betaMs: z.number().min(0).describe("Decode step time per request in the batch, ms."),
  gammaMs: z.number().min(0).default(0).describe("Prefill base time, ms (γ + δ·tokens·n)."),
  deltaMs: z.number().min(0).default(0).describe("Prefill time per input token per request, ms."),
  maxBatchSize: z.int32().min(1).describe("Largest batch the engine runs (max-num-seqs)."),
}).describe("Performance parameters for the queueing-model analyzer.");

const MIN_MAX_RULE = {
  rule: "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
  message: "minReplicas must be less than or equal to maxReplicas",
  fieldPath: ".minReplicas",
  reason: "FieldValueInvalid",
} as const;

/** `spec` of a VariantAutoscaling. */
export const VariantAutoscalingSpecSchema = z.object({
  scaleTargetRef: ScaleTargetRefSchema,
  modelID: z.string().min(1).describe(
    "Model served by the target, as in the vLLM `model_name` metric label.",
  ),
  variantCost: z.union([z.int().min(0), z.string().regex(COST_PATTERN)])
    .transform((v) => Number(v))
    .optional()
    .describe(
      "Cost of one replica (e.g. cents/hour): an integer or a numeric string (quote decimals). " +
        "Unset: accelerator unit cost × GPUs per replica, else 10.",
    ),
  accelerator: z.string().min(1).max(63).optional().describe(
    "Accelerator name (e.g. A100). Unset: resolved from the target's node selector or affinity.",
  ),
  gpusPerReplica: z.int32().min(1).optional().describe(
    "GPUs one replica uses. Unset: the target's GPU resource requests, else 1.",
  ),
  minReplicas: replicas.default(1).describe(
    "Lower bound; 0 lets the variant go to zero (the model keeps one replica unless scale-to-zero is enabled for it).",
  ),
  maxReplicas: z.int32().min(1).default(2).describe("Upper bound."),
  serviceClass: z.string().min(1).optional().describe(
    "Service class (SLOs, priority) from the service-classes ConfigMap.",
  ),
  analyzer: z.enum(ANALYZER_NAMES).optional().describe(
    "Analyzer for this VA's model; unset: the controller's --analyzer.",
  ),
  perfParams: PerfParamsSpecSchema.optional(),
}).refine((s) => s.minReplicas <= s.maxReplicas, {
  message: MIN_MAX_RULE.message,
  path: ["minReplicas"],
}).meta({
  description: "Desired behaviour of the variant.",
  "x-kubernetes-validations": [MIN_MAX_RULE],
});

/** Parsed spec (defaults filled, `variantCost` a number). */
export type VariantAutoscalingSpec = z.infer<typeof VariantAutoscalingSpecSchema>;
/** Spec as written by a user (defaults may be left out, `variantCost` may be a string). */
export type VariantAutoscalingSpecInput = z.input<typeof VariantAutoscalingSpecSchema>;

/** Load seen for the model in the last cycle. */
export const LoadStatusSchema = z.object({
  arrivalRatePerSec: z.number().min(0).optional().describe("Requests per second."),
  avgInputTokens: z.number().min(0).optional().describe("Mean prompt tokens per request."),
  avgOutputTokens: z.number().min(0).optional().describe("Mean generated tokens per request."),
}).describe("Load of the model (all its variants).");

/** What the variant runs now. */
export const CurrentAllocSchema = z.object({
  accelerator: z.string().describe("Accelerator name, or `unresolved`."),
  numReplicas: replicas.describe("Replicas the target asks for (spec.replicas)."),
  readyReplicas: replicas.optional().describe("Ready replicas of the target."),
  gpusPerReplica: z.int32().min(0).optional().describe("GPUs per replica in use."),
  costPerReplica: z.number().min(0).optional().describe("Effective cost of one replica."),
  load: LoadStatusSchema.optional(),
  ttftAverageMs: z.number().min(0).optional().describe("Mean time to first token, ms."),
  itlAverageMs: z.number().min(0).optional().describe("Mean inter-token latency, ms."),
}).describe("Current allocation, refreshed every cycle.");

/** The optimizer's latest decision. */
export const DesiredAllocSchema = z.object({
  accelerator: z.string().optional().describe("Accelerator of the decision."),
  numReplicas: replicas.optional().describe("Desired replicas; unset: no decision yet."),
  reason: z.string().optional().describe("Decision reason: scale-up, scale-down, hold, …"),
  lastRunTime: dateTime.optional().describe("When the decision was made (RFC 3339)."),
}).describe("Desired allocation from the last optimization.");

/** How the decision reached the workload. */
export const ActuationSchema = z.object({
  applied: z.boolean().describe("True once the decision was published (and scaled, if direct)."),
  mode: z.enum(["metrics", "direct-scale"]).optional().describe(
    "metrics: gauges for HPA/KEDA only; direct-scale: also written to the target's /scale.",
  ),
  appliedReplicas: replicas.optional().describe("The replica count last published or set."),
  lastTransitionTime: dateTime.optional().describe("When appliedReplicas last changed."),
  message: z.string().optional().describe("Details, e.g. why direct scaling failed."),
}).describe("Actuation of the desired allocation.");

/** `status` of a VariantAutoscaling (written by the controller through `/status`). */
export const VariantAutoscalingStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional().describe(
    "metadata.generation of the spec the status reflects.",
  ),
  currentAlloc: CurrentAllocSchema.optional(),
  desiredOptimizedAlloc: DesiredAllocSchema.optional(),
  actuation: ActuationSchema.optional(),
  conditions: z.array(ConditionSchema).optional().meta({
    description: "TargetResolved, MetricsAvailable, OptimizationReady, ConfigValid.",
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
  }),
}).describe("Observed state, written by the controller.");

/** Parsed status. */
export type VariantAutoscalingStatus = z.infer<typeof VariantAutoscalingStatusSchema>;

/** The object metadata the controller reads (everything else passes through). */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A whole VariantAutoscaling object as read from the apiserver. */
export const VariantAutoscalingSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: ObjectMetaSchema,
  spec: VariantAutoscalingSpecSchema,
  status: VariantAutoscalingStatusSchema.optional(),
});

/** A parsed VariantAutoscaling. */
export type VariantAutoscaling = z.infer<typeof VariantAutoscalingSchema>;

/** Result of {@linkcode parseVariantAutoscaling}. */
export type ParsedVariantAutoscaling =
  | { readonly ok: true; readonly va: VariantAutoscaling }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates an object from the apiserver. On failure the problems name each field and value
 * (`spec.maxReplicas: Too small: expected number to be >=1 (got 0)`), ready for the
 * ConfigValid/InvalidSpec condition message. Never throws.
 */
export function parseVariantAutoscaling(obj: unknown): ParsedVariantAutoscaling {
  const r = VariantAutoscalingSchema.safeParse(obj);
  if (r.success) return { ok: true, va: r.data };
  return { ok: false, problems: describeZodError(r.error, obj) };
}
