/**
 * One VariantAutoscaling object plus its scale target and pods → the cycle's
 * {@linkcode VariantSnapshot} (pure). Bad input never throws: an invalid spec or a missing
 * target becomes a blocking problem (the VA gets a condition saying why and is left out), an
 * unresolved or unknown accelerator a non-blocking one. The accelerator, GPUs per replica and
 * cost follow the API's rules ({@linkcode resolveAccelerator}, {@linkcode effectiveVariantCost}),
 * the only implementation of them.
 *
 * An unknown accelerator (see known_accelerators.ts) does not block the variant: the saturation
 * analysis does not need it, the cost is `spec.variantCost` or the default, and the GPU limiter
 * leaves it unlimited (fail open, as for any accelerator outside the inventory). The condition
 * `ConfigValid=False/UnknownAccelerator` names the accelerator, where it came from, what is
 * known, and these consequences.
 *
 * @module
 */
import { type AcceleratorSource, resolveAccelerator } from "../../../core/api/accelerator.ts";
import { type AcceleratorCostsConfig, unitCostOf } from "../../../core/api/configmaps/mod.ts";
import {
  ACCELERATOR_LABEL,
  ConditionType,
  DEFAULT_VARIANT_COST,
  parseVariantAutoscaling,
  Reason,
  type VariantAutoscaling,
} from "../../../core/api/v1alpha1.ts";
import { effectiveVariantCost } from "../../../core/api/variant_settings.ts";
import type { VariantProblem, VariantSnapshot } from "../../../core/contract/ports.ts";
import {
  describeKnownAccelerators,
  isKnownAccelerator,
  type KnownAccelerators,
} from "./known_accelerators.ts";
import type { PodInfo, WorkloadInfo } from "./objects.ts";
import { matchesSelector } from "./selector.ts";

/** What {@linkcode variantFromObject} looks up in the caches. */
export interface VariantLookups {
  /** Now (epoch ms) and the warm-up: a pod Ready for less than `warmupMs` is still pending. */
  readonly nowMs: number;
  readonly warmupMs: number;
  workload(kind: string, namespace: string, name: string): WorkloadInfo | undefined;
  pods(namespace: string): readonly PodInfo[];
  /** The unit-cost ConfigMap: names product label values, prices a GPU of an accelerator. */
  readonly costs?: AcceleratorCostsConfig;
  /** The accelerators the controller knows; absent = no `UnknownAccelerator` check. */
  readonly knownAccelerators?: KnownAccelerators;
}

/** A snapshot plus the parsed object (undefined when the spec is invalid). */
export interface ResolvedVariant {
  readonly snapshot: VariantSnapshot;
  readonly va: VariantAutoscaling | undefined;
  readonly workload: WorkloadInfo | undefined;
}

type Json = Record<string, unknown>;

const SOURCE_WORDS: Readonly<Record<AcceleratorSource, string>> = {
  spec: "spec.accelerator",
  nodeSelector: "the target's nodeSelector",
  requiredAffinity: "the target's required node affinity",
  preferredAffinity: "the target's preferred node affinity",
  label: `label ${ACCELERATOR_LABEL}`,
  unresolved: "unresolved",
};

function invalid(raw: unknown, problems: readonly string[]): ResolvedVariant {
  const o = (raw ?? {}) as Json;
  const meta = (o.metadata ?? {}) as Json;
  const spec = (o.spec ?? {}) as Json;
  const problem: VariantProblem = {
    condition: ConditionType.ConfigValid,
    reason: Reason.InvalidSpec,
    message: problems.slice(0, 5).join("; "),
    blocking: true,
  };
  return {
    snapshot: {
      namespace: String(meta.namespace ?? ""),
      name: String(meta.name ?? ""),
      modelId: typeof spec.modelID === "string" && spec.modelID ? spec.modelID : "(invalid)",
      accelerator: "unresolved",
      costPerReplica: 0,
      gpusPerReplica: 0,
      minReplicas: 0,
      maxReplicas: 0,
      currentReplicas: 0,
      readyReplicas: 0,
      pendingReplicas: 0,
      replicaIds: [],
      generation: typeof meta.generation === "number" ? meta.generation : undefined,
      problems: [problem],
    },
    va: undefined,
    workload: undefined,
  };
}

/** Resolves one VA object (as read from the apiserver). */
export function variantFromObject(raw: unknown, lookups: VariantLookups): ResolvedVariant {
  const parsed = parseVariantAutoscaling(raw);
  if (!parsed.ok) return invalid(raw, parsed.problems);
  const va = parsed.va;
  const { namespace, name } = va.metadata;
  const spec = va.spec;
  const ref = spec.scaleTargetRef;
  const found = lookups.workload(ref.kind, namespace, ref.name);
  const workload = found && !found.deleting ? found : undefined;
  const problems: VariantProblem[] = [];
  if (!workload) {
    problems.push({
      condition: ConditionType.TargetResolved,
      reason: Reason.TargetNotFound,
      message: `${ref.kind} ${namespace}/${ref.name} not found`,
      blocking: true,
    });
  }
  const resolved = resolveAccelerator({
    spec,
    labels: va.metadata.labels,
    template: workload?.template,
    costs: lookups.costs,
  });
  if (resolved.source === "unresolved" && workload) {
    problems.push({
      condition: ConditionType.ConfigValid,
      reason: Reason.AcceleratorUnresolved,
      message: "no spec.accelerator, GPU product node selector/affinity or " +
        `${ACCELERATOR_LABEL} label: accelerator_type=unresolved`,
      blocking: false,
    });
  }
  const gpus = resolved.gpusPerReplica;
  const cost = effectiveVariantCost(spec, {
    accelerator: resolved.accelerator,
    gpusPerReplica: gpus,
    costs: lookups.costs,
  }).costPerReplica;
  const hasUnitCost = lookups.costs !== undefined &&
    unitCostOf(lookups.costs, resolved.accelerator) !== undefined;
  const known = lookups.knownAccelerators;
  if (
    resolved.source !== "unresolved" && known && !hasUnitCost &&
    !isKnownAccelerator(resolved.accelerator, known)
  ) {
    const costNote = spec.variantCost !== undefined
      ? `cost ${cost} per replica from spec.variantCost`
      : `no unit cost, so the default cost ${DEFAULT_VARIANT_COST} per replica`;
    problems.push({
      condition: ConditionType.ConfigValid,
      reason: Reason.UnknownAccelerator,
      message: `accelerator '${resolved.accelerator}' (${SOURCE_WORDS[resolved.source]}) is ` +
        `not in the unit-cost ConfigMap nor in the GPU inventory (${
          describeKnownAccelerators(known)
        }): ${costNote}; the GPU limiter does not limit it`,
      blocking: false,
    });
  }
  const current = workload?.specReplicas ?? 0;
  const pods = workload
    ? lookups.pods(namespace).filter((p) =>
      !p.deleting && matchesSelector(workload.selector, p.labels)
    )
    : [];
  // Readiness comes from the pod cache (the Deployment's readyReplicas may be ahead of it). A
  // replica that just became Ready has not shown its effect on the metrics yet (scrape delay,
  // max_over_time window): it counts as pending until the warm-up has passed.
  const warmed = pods.filter((p) =>
    p.ready &&
    (p.readySinceMs === undefined || lookups.nowMs - p.readySinceMs >= lookups.warmupMs)
  ).length;
  const ready = Math.min(warmed, current);
  const perf = spec.perfParams;
  const snapshot: VariantSnapshot = {
    namespace,
    name,
    modelId: spec.modelID,
    accelerator: resolved.accelerator,
    costPerReplica: cost,
    gpusPerReplica: gpus,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    currentReplicas: current,
    readyReplicas: ready,
    pendingReplicas: Math.max(0, current - ready),
    previousDesiredReplicas: va.status?.desiredOptimizedAlloc?.numReplicas,
    replicaIds: pods.map((p) => p.name).sort(),
    analyzer: spec.analyzer,
    serviceClass: spec.serviceClass,
    ...(perf
      ? {
        perf: {
          alphaMs: perf.alphaMs,
          betaMs: perf.betaMs,
          gammaMs: perf.gammaMs,
          deltaMs: perf.deltaMs,
          maxBatchSize: perf.maxBatchSize,
        },
      }
      : {}),
    generation: va.metadata.generation,
    problems,
  };
  return { snapshot, va, workload };
}
