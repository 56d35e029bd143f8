/**
 * Annotation discovery in the backend (pure): an HPA or ScaledObject read with
 * `readAnnotatedScaler` (src/core/api/annotations.ts) becomes a {@linkcode VariantSnapshot} built
 * exactly as a VA's (variant.ts: the target's pod template names the accelerator and the engine,
 * the cost ConfigMap prices it, the scaler's bounds are min/max), with `definedBy` naming the
 * scaler (no status to write: the sink reports with Events and gauges) and no stored status. A
 * malformed one is an excluded variant with a blocking `InvalidSpec` problem whose message names
 * each bad annotation and value, so the sink sends a Warning Event on the scaler.
 *
 * {@linkcode discoverVariants} then serves each scale target once (`chooseDiscoverySources`: a
 * VA over a ScaledObject over an HPA, then the first name) and attaches the `DiscoverySource`
 * note to the object used.
 *
 * @module
 */
import {
  type AnnotatedVariant,
  type AnnotationProblem,
  formatAnnotationProblem,
  HPA_API_VERSION,
  HPA_KIND,
  SCALED_OBJECT_API_VERSION,
  type ScalerRef,
} from "../../../core/api/annotations.ts";
import {
  chooseDiscoverySources,
  DISCOVERY_CONDITION,
  type DiscoverySource,
} from "../../../core/api/discovery.ts";
import { API_VERSION, KIND } from "../../../core/api/v1alpha1.ts";
import { variantKey, type VariantSnapshot } from "../../../core/contract/ports.ts";
import { excludedVariant, variantFromVa, type VariantLookups } from "./variant.ts";

function definedBy(s: ScalerRef) {
  return {
    apiVersion: s.kind === HPA_KIND ? HPA_API_VERSION : SCALED_OBJECT_API_VERSION,
    kind: s.kind,
    name: s.name,
    ...(s.uid ? { uid: s.uid } : {}),
  };
}

/** The snapshot of a managed scaler: a VA's, defined by the scaler, without a stored object. */
export function variantFromScaler(a: AnnotatedVariant, lookups: VariantLookups): VariantSnapshot {
  const snap = variantFromVa({
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: a.name, namespace: a.namespace, labels: { ...a.labels } },
    spec: a.spec,
  }, lookups);
  const { object: _none, generation: _g, previousDesiredReplicas: _p, ...rest } = snap;
  return { ...rest, definedBy: definedBy(a.scaler) };
}

/** The excluded snapshot of a scaler whose annotations cannot be read (one line per problem). */
export function invalidScaler(
  scaler: ScalerRef,
  problems: readonly AnnotationProblem[],
  modelId: string | undefined,
): VariantSnapshot {
  return {
    ...excludedVariant(scaler, modelId, problems.map(formatAnnotationProblem).join("; ")),
    definedBy: definedBy(scaler),
  };
}

interface Candidate {
  readonly source: DiscoverySource;
  readonly namespace: string;
  readonly name: string;
  readonly scaleTargetRef: { readonly kind: string; readonly name: string };
  readonly snapshot: VariantSnapshot;
}

function candidateOf(v: VariantSnapshot): Candidate | undefined {
  const t = v.scaleTarget;
  if (!t) return undefined;
  const source = (v.definedBy?.kind ?? "VariantAutoscaling") as DiscoverySource;
  return {
    source,
    namespace: v.namespace,
    name: v.name,
    scaleTargetRef: { kind: t.kind, name: t.name },
    snapshot: v,
  };
}

/** What {@linkcode discoverVariants} returns. */
export interface Discovered {
  readonly variants: readonly VariantSnapshot[];
  /** Objects left out, one sentence each (a name taken by another variant), for the log. */
  readonly dropped: readonly string[];
}

/**
 * Both discovery modes side by side: VAs and managed scalers (valid ones compete per scale
 * target, see the module doc), then the malformed ones (excluded, for their Warning Event). A
 * scaler whose name is already a variant's in its namespace (a VA named like it for another
 * target) is dropped: the name is the `variant_name` label and must stay unique.
 */
export function discoverVariants(
  vas: readonly VariantSnapshot[],
  scalers: readonly VariantSnapshot[],
): Discovered {
  const valid = [...vas, ...scalers.filter((s) => !s.problems.some((p) => p.blocking))];
  const candidates = valid.flatMap((v) => candidateOf(v) ?? []);
  const chosen = chooseDiscoverySources(candidates);
  const notes = new Map<VariantSnapshot, string>();
  for (const n of chosen.notes) {
    const used = candidates.find((c) =>
      c.source === n.used.source && c.namespace === n.used.namespace && c.name === n.used.name
    );
    if (used) notes.set(used.snapshot, n.message);
  }
  const kept = new Set(chosen.variants.map((c) => c.snapshot));
  const out: VariantSnapshot[] = [];
  const dropped: string[] = [];
  const names = new Set<string>();
  const ordered = [...valid, ...scalers.filter((s) => !valid.includes(s))];
  for (const v of ordered) {
    if (candidateOf(v) && !kept.has(v)) continue;
    const key = variantKey(v);
    if (names.has(key)) {
      dropped.push(`${v.definedBy?.kind ?? KIND} ${key}: the variant name is taken`);
      continue;
    }
    names.add(key);
    const message = notes.get(v);
    out.push(
      message
        ? {
          ...v,
          notes: [{
            type: DISCOVERY_CONDITION,
            reason: v.definedBy?.kind ?? "VariantAutoscaling",
            message,
          }],
        }
        : v,
    );
  }
  return { variants: out, dropped };
}
