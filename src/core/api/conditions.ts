/**
 * Conditions of a VariantAutoscaling: the condition types, every typed reason (with the status
 * it goes with and what the controller does), the `metav1.Condition` schema, and the pure
 * helper that merges a new condition into a list the way Kubernetes controllers do
 * (`lastTransitionTime` only moves when the status changes).
 *
 * ```ts
 * import { ConditionType, Reason, setCondition } from "./conditions.ts";
 * const conditions = setCondition([], {
 *   type: ConditionType.TargetResolved,
 *   status: "False",
 *   reason: Reason.TargetNotFound, // a reason of another type does not compile
 *   message: "Deployment llm-d-sim/vllme-deployment not found",
 * }, { nowMs: Date.UTC(2026, 0, 1), observedGeneration: 3 });
 * console.assert(conditions[0]?.lastTransitionTime === "2026-01-01T00:00:00Z");
 * ```
 *
 * @module
 */
import { z } from "zod";

/** Status of a condition. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** What one reason means: the status it is used with and the controller's behaviour. */
export interface ReasonInfo {
  readonly status: ConditionStatus;
  readonly meaning: string;
}

/**
 * Every condition type and its reasons. This table is the source of the typed constants below
 * and of the reason tables in docs/controller-api.md (a test keeps the two in step).
 */
export const CONDITION_REASONS = {
  TargetResolved: {
    TargetFound: { status: "True", meaning: "The scale target exists and was read." },
    TargetNotFound: {
      status: "False",
      meaning: "The scale target does not exist; the VA is left out of the cycle.",
    },
    TargetLookupFailed: {
      status: "Unknown",
      meaning: "Reading the target failed (e.g. Forbidden or an apiserver error); retried.",
    },
  },
  MetricsAvailable: {
    MetricsFound: {
      status: "True",
      meaning: "Every ready replica reports fresh metrics (the message says how many).",
    },
    MetricsPartial: {
      status: "True",
      meaning:
        "Some ready replicas report, not all (the message says N of M); the model is not scaled down until all report.",
    },
    MetricsMissing: {
      status: "False",
      meaning: "No series for the model's replicas; replicas are held (never scaled down).",
    },
    MetricsStale: {
      status: "False",
      meaning: "Series exist but are older than the stale limit; replicas are held.",
    },
    MetricsSourceError: {
      status: "False",
      meaning: "Prometheus could not be queried (upstream's PrometheusError); replicas are held.",
    },
    NoReplicas: {
      status: "False",
      meaning: "The target has no replicas, so there is nothing to measure.",
    },
  },
  OptimizationReady: {
    OptimizationSucceeded: {
      status: "True",
      meaning: "The cycle computed a desired replica count for the VA.",
    },
    OptimizationFailed: {
      status: "False",
      meaning: "The analyzer or optimizer failed; the previous desired count is kept.",
    },
    MetricsUnavailable: {
      status: "False",
      meaning: "No usable metrics; desired = current replicas (no scale-down).",
    },
    InvalidConfiguration: {
      status: "False",
      meaning: "The VA's spec or its configuration is invalid (see ConfigValid).",
    },
    TargetUnavailable: {
      status: "False",
      meaning: "The scale target is missing; no decision is made (see TargetResolved).",
    },
  },
  TargetFollowing: {
    TargetAtDesired: {
      status: "True",
      meaning:
        "The target's replicas equal the last published desired count (or none was published yet).",
    },
    TargetCatchingUp: {
      status: "True",
      meaning:
        "The target differs from the published count but moved recently or only for a short while (HPA/KEDA windows).",
    },
    TargetNotFollowing: {
      status: "False",
      meaning:
        "The target has not moved towards the published count for long (3 min up, 10 min down): no HPA/ScaledObject reads it, or its bounds stop it. Decisions go on from the target's replicas.",
    },
  },
  ConfigValid: {
    ConfigAccepted: {
      status: "True",
      meaning: "The spec and the configuration it uses are valid.",
    },
    InvalidSpec: {
      status: "False",
      meaning: "The spec fails validation (message names the field); the VA is left out.",
    },
    UnknownServiceClass: {
      status: "False",
      meaning:
        "serviceClass names no class in the service-classes ConfigMap; priority 100, no SLO.",
    },
    AcceleratorUnresolved: {
      status: "False",
      meaning:
        "No accelerator in the spec, the target's node selector/affinity or the VA label; metrics use accelerator_type=unresolved.",
    },
    UnknownAccelerator: {
      status: "False",
      meaning:
        "The accelerator is neither in the unit-cost ConfigMap nor in the GPU inventory; the VA is still served (cost from spec.variantCost, else 10) and the GPU limiter does not limit it.",
    },
    PerfParamsMissing: {
      status: "False",
      meaning: "The queueing-model analyzer is selected but spec.perfParams is absent.",
    },
  },
  DiscoverySource: {
    VariantAutoscaling: {
      status: "True",
      meaning:
        "The scale target is also named by an annotated HPA or ScaledObject; this VA defines it (a VA wins over annotations) and the scalers are ignored (the message names them). Absent when the VA is the only definition.",
    },
    ScaledObject: {
      status: "True",
      meaning:
        "Annotation discovery: the target is defined by an annotated ScaledObject (it wins over an annotated HPA). Reported as an Event on the scaler: there is no VA.",
    },
    HorizontalPodAutoscaler: {
      status: "True",
      meaning:
        "Annotation discovery: the target is defined by an annotated HPA (the first name when several are). Reported as an Event on the scaler.",
    },
  },
} as const satisfies Readonly<Record<string, Readonly<Record<string, ReasonInfo>>>>;

/** A condition type of a VariantAutoscaling. */
export type ConditionType = keyof typeof CONDITION_REASONS;

/** The reasons allowed for condition type `T`. */
export type ConditionReason<T extends ConditionType> = keyof typeof CONDITION_REASONS[T] & string;

/** Any reason of any condition type. */
export type AnyReason = { [T in ConditionType]: ConditionReason<T> }[ConditionType];

/** The condition types as constants: `ConditionType.MetricsAvailable`. */
export const ConditionType: { readonly [T in ConditionType]: T } = Object.freeze(
  Object.fromEntries(Object.keys(CONDITION_REASONS).map((k) => [k, k])),
) as { readonly [T in ConditionType]: T };

/** Every reason as a constant: `Reason.TargetNotFound`. Reason names are unique across types. */
export const Reason: { readonly [R in AnyReason]: R } = Object.freeze(
  Object.fromEntries(
    Object.values(CONDITION_REASONS).flatMap((rs) => Object.keys(rs)).map((k) => [k, k]),
  ),
) as { readonly [R in AnyReason]: R };

/** A condition as the cycle derives it, typed so a reason matches its condition type. */
export type ConditionUpdate = {
  [T in ConditionType]: {
    readonly type: T;
    readonly status: ConditionStatus;
    readonly reason: ConditionReason<T>;
    readonly message: string;
  };
}[ConditionType];

const CONDITION_TYPE_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;

/** `metav1.Condition` (the same validation as upstream Kubernetes' generated CRDs). */
export const ConditionSchema = z.object({
  type: z.string().max(316).regex(CONDITION_TYPE_PATTERN).describe(
    "Condition type: TargetResolved, MetricsAvailable, OptimizationReady, TargetFollowing or ConfigValid.",
  ),
  status: z.enum(["True", "False", "Unknown"]).describe("True, False or Unknown."),
  observedGeneration: z.int().min(0).optional().describe(
    "metadata.generation the condition was computed from.",
  ),
  lastTransitionTime: z.iso.datetime({ offset: true }).describe(
    "When the status last changed (RFC 3339).",
  ),
  reason: z.string().min(1).max(1024).regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/).describe(
    "CamelCase reason; see docs/controller-api.md for every reason.",
  ),
  message: z.string().max(32768).describe("Human-readable details."),
});

/** One condition as stored in `status.conditions`. */
export type Condition = z.infer<typeof ConditionSchema>;

/** Formats epoch milliseconds as a Kubernetes timestamp (RFC 3339, seconds, UTC). */
export function toKubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Options of {@linkcode setCondition}. */
export interface SetConditionOptions {
  /** Now, in epoch ms (becomes `lastTransitionTime` when the status changes). */
  readonly nowMs: number;
  /** The VA's `metadata.generation`. */
  readonly observedGeneration?: number | undefined;
}

/**
 * Returns `conditions` with `update` merged in (a new array; the input is not mutated).
 * An existing condition of the same type keeps its `lastTransitionTime` when its status does
 * not change; reason, message and observedGeneration are always refreshed. New types are
 * appended, so the order is stable across cycles.
 */
export function setCondition(
  conditions: readonly Condition[],
  update: ConditionUpdate,
  options: SetConditionOptions,
): Condition[] {
  const prev = conditions.find((c) => c.type === update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime: prev && prev.status === update.status
      ? prev.lastTransitionTime
      : toKubeTime(options.nowMs),
    ...(options.observedGeneration !== undefined
      ? { observedGeneration: options.observedGeneration }
      : {}),
  };
  if (!prev) return [...conditions, next];
  return conditions.map((c) => (c.type === update.type ? next : c));
}

/** The condition of type `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The status and meaning of a reason, or undefined for a reason this API does not define. */
export function reasonInfo(reason: string): (ReasonInfo & { type: ConditionType }) | undefined {
  for (const [type, reasons] of Object.entries(CONDITION_REASONS)) {
    const info = (reasons as Record<string, ReasonInfo>)[reason];
    if (info) return { ...info, type: type as ConditionType };
  }
  return undefined;
}
