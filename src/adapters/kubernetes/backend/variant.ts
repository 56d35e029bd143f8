/**
 * One VariantAutoscaling object plus its scale target and pods → the cycle's
 * {@linkcode VariantSnapshot} (pure). Bad input never throws: an invalid spec or a missing
 * target becomes a blocking problem (the VA gets a condition saying why and is left out), an
 * unresolved or unknown accelerator a non-blocking one. The accelerator, GPUs per replica and
 * cost follow the API's rules ({@linkcode resolveAccelerator}, {@linkcode effectiveVariantCost}),
 * the only implementation of them. The engine's capacity arguments (`--max-num-seqs`, …) come
 * from the target's containers ({@linkcode engineArgsOf}, with vLLM's defaults).
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
import { engineArgsOf } from "../../../core/api/engine_args.ts";
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

type Json = Record<string, unknown>;

const SOURCE_WORDS: Readonly<Record<AcceleratorSource, string>> = {
  spec: "spec.accelerator",
  nodeSelector: "the target's nodeSelector",
  requiredAffinity: "the target's required node affinity",
  preferredAffinity: "the target's preferred node affinity",
  label: `label ${ACCELERATOR_LABEL}`,
  unresolved: "unresolved",
};

function invalid(raw: unknown, problems: readonly string[]): VariantSnapshot {
  const o = (raw ?? {}) as Json;
  const meta = (o.metadata ?? {}) as Json;
  const spec = (o.spec ?? {}) as Json;
  return {
    ...excludedVariant(
      { namespace: String(meta.namespace ?? ""), name: String(meta.name ?? "") },
      typeof spec.modelID === "string" ? spec.modelID : undefined,
      problems.slice(0, 5).join("; "),
    ),
    generation: typeof meta.generation === "number" ? meta.generation : undefined,
  };
}

/**
 * A variant the cycle must not size: no accelerator, no replicas, one blocking ConfigValid
 * problem (InvalidSpec) carrying `message`. Shared by VAs and annotated scalers that fail to read.
 */
export function excludedVariant(
  at: { namespace: string; name: string },
  modelId: string | undefined,
  message: string,
): VariantSnapshot {
  return {
    namespace: at.namespace,
    name: at.name,
    modelId: modelId || "(invalid)",
    accelerator: "unresolved",
    costPerReplica: 0,
    gpusPerReplica: 0,
    minReplicas: 0,
    maxReplicas: 0,
    currentReplicas: 0,
    readyReplicas: 0,
    pendingReplicas: 0,
    replicaIds: [],
    problems: [{
      condition: ConditionType.ConfigValid,
      reason: Reason.InvalidSpec,
      message,
      blocking: true,
    }],
  };
}

/** The scale target (a live one, not being deleted) and the problem when there is none. */
function resolveTarget(
  va: VariantAutoscaling,
  lookups: VariantLookups,
): { readonly workload: WorkloadInfo | undefined; readonly problems: VariantProblem[] } {
  const { namespace } = va.metadata;
  const ref = va.spec.scaleTargetRef;
  const found = lookups.workload(ref.kind, namespace, ref.name);
  if (found && !found.deleting) return { workload: found, problems: [] };
  return {
    workload: undefined,
    problems: [{
      condition: ConditionType.TargetResolved,
      reason: Reason.TargetNotFound,
      message: `${ref.kind} ${namespace}/${ref.name} not found`,
      blocking: true,
    }],
  };
}

/** Accelerator, GPUs per replica and cost, with the (non-blocking) accelerator problems. */
function resolveHardware(
  va: VariantAutoscaling,
  workload: WorkloadInfo | undefined,
  lookups: VariantLookups,
): { accelerator: string; gpusPerReplica: number; cost: number; problems: VariantProblem[] } {
  const spec = va.spec;
  const resolved = resolveAccelerator({
    spec,
    labels: va.metadata.labels,
    template: workload?.template,
    costs: lookups.costs,
  });
  const problems: VariantProblem[] = [];
  if (resolved.source === "unresolved" && workload) {
    problems.push({
      condition: ConditionType.ConfigValid,
      reason: Reason.AcceleratorUnresolved,
      message: "no spec.accelerator, GPU product node selector/affinity or " +
        `${ACCELERATOR_LABEL} label: accelerator_type=unresolved`,
      blocking: false,
    });
  }
  const gpusPerReplica = resolved.gpusPerReplica;
  const cost = effectiveVariantCost(spec, {
    accelerator: resolved.accelerator,
    gpusPerReplica,
    costs: lookups.costs,
  }).costPerReplica;
  const unknown = unknownAccelerator(va, resolved, cost, lookups);
  if (unknown) problems.push(unknown);
  return { accelerator: resolved.accelerator, gpusPerReplica, cost, problems };
}

/** The `UnknownAccelerator` problem (see the module doc), or undefined. */
function unknownAccelerator(
  va: VariantAutoscaling,
  resolved: { readonly accelerator: string; readonly source: AcceleratorSource },
  cost: number,
  lookups: VariantLookups,
): VariantProblem | undefined {
  const known = lookups.knownAccelerators;
  const hasUnitCost = lookups.costs !== undefined &&
    unitCostOf(lookups.costs, resolved.accelerator) !== undefined;
  if (
    resolved.source === "unresolved" || !known || hasUnitCost ||
    isKnownAccelerator(resolved.accelerator, known)
  ) return undefined;
  const costNote = va.spec.variantCost !== undefined
    ? `cost ${cost} per replica from spec.variantCost`
    : `no unit cost, so the default cost ${DEFAULT_VARIANT_COST} per replica`;
  return {
    condition: ConditionType.ConfigValid,
    reason: Reason.UnknownAccelerator,
    message: `accelerator '${resolved.accelerator}' (${SOURCE_WORDS[resolved.source]}) is ` +
      `not in the unit-cost ConfigMap nor in the GPU inventory (${
        describeKnownAccelerators(known)
      }): ${costNote}; the GPU limiter does not limit it`,
    blocking: false,
  };
}

/**
 * The target's pods and how many are ready. Readiness comes from the pod cache (the
 * Deployment's readyReplicas may be ahead of it). A replica that just became Ready has not
 * shown its effect on the metrics yet (scrape delay, max_over_time window): it counts as pending
 * until the warm-up has passed (named in `warmingReplicaIds`: once it reports load it no longer
 * holds saturation V1's scale-up, the cycle's warm.ts).
 */
function countReplicas(
  namespace: string,
  workload: WorkloadInfo | undefined,
  lookups: VariantLookups,
): {
  current: number;
  ready: number;
  replicaIds: string[];
  readyReplicaIds: string[];
  warmingReplicaIds: string[];
} {
  const current = workload?.specReplicas ?? 0;
  const pods = workload
    ? lookups.pods(namespace).filter((p) =>
      !p.deleting && matchesSelector(workload.selector, p.labels)
    )
    : [];
  const isWarm = (p: (typeof pods)[number]) =>
    p.readySinceMs === undefined || lookups.nowMs - p.readySinceMs >= lookups.warmupMs;
  const warmed = pods.filter((p) => p.ready && isWarm(p));
  return {
    current,
    ready: Math.min(warmed.length, current),
    replicaIds: pods.map((p) => p.name).sort(),
    readyReplicaIds: warmed.map((p) => p.name).sort(),
    warmingReplicaIds: pods.filter((p) => p.ready && !isWarm(p)).map((p) => p.name).sort(),
  };
}

/** What the sink needs about the scale target and the VA itself (echoed in the outcome). */
function actuationFields(
  va: VariantAutoscaling,
  workload: WorkloadInfo | undefined,
): Pick<VariantSnapshot, "scaleTarget" | "object"> {
  const ref = va.spec.scaleTargetRef;
  const meta = va.metadata;
  return {
    scaleTarget: {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      ...(workload?.uid ? { uid: workload.uid } : {}),
      ...(workload ? { specReplicas: workload.specReplicas } : {}),
    },
    object: {
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      ...(va.status ? { status: va.status } : {}),
    },
  };
}

/** Resolves one VA object (as read from the apiserver) into the cycle's snapshot. */
export function variantFromObject(raw: unknown, lookups: VariantLookups): VariantSnapshot {
  const parsed = parseVariantAutoscaling(raw);
  if (!parsed.ok) return invalid(raw, parsed.problems);
  return variantFromVa(parsed.va, lookups);
}

/**
 * Resolves a parsed VA — read from the apiserver, or synthesized from an annotated scaler
 * (scaler_variant.ts) — into the cycle's snapshot: target, hardware, cost, replicas, engine.
 */
export function variantFromVa(va: VariantAutoscaling, lookups: VariantLookups): VariantSnapshot {
  const { namespace, name } = va.metadata;
  const spec = va.spec;
  const target = resolveTarget(va, lookups);
  const hw = resolveHardware(va, target.workload, lookups);
  const replicas = countReplicas(namespace, target.workload, lookups);
  const engine = target.workload ? engineArgsOf(target.workload.commandLines) : undefined;
  const perf = spec.perfParams;
  return {
    namespace,
    name,
    modelId: spec.modelID,
    accelerator: hw.accelerator,
    costPerReplica: hw.cost,
    gpusPerReplica: hw.gpusPerReplica,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    currentReplicas: replicas.current,
    readyReplicas: replicas.ready,
    pendingReplicas: Math.max(0, replicas.current - replicas.ready),
    previousDesiredReplicas: va.status?.desiredOptimizedAlloc?.numReplicas,
    replicaIds: replicas.replicaIds,
    readyReplicaIds: replicas.readyReplicaIds,
    warmingReplicaIds: replicas.warmingReplicaIds,
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
    ...(engine
      ? {
        engine: { maxNumBatchedTokens: engine.maxNumBatchedTokens, maxNumSeqs: engine.maxNumSeqs },
        ...(engine.kvCapacityTokens !== undefined
          ? { kvCapacityTokens: engine.kvCapacityTokens }
          : {}),
      }
      : {}),
    generation: va.metadata.generation,
    ...(target.workload ? { servingEngine: target.workload.engine } : {}),
    ...actuationFields(va, target.workload),
    problems: [...target.problems, ...hw.problems],
  };
}
