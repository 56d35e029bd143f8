/**
 * Both discovery modes side by side: a variant comes from a VariantAutoscaling or from an
 * annotated HPA or ScaledObject (annotations.ts). When more than one of them points at the same
 * scale target (namespace, kind, name), the workload is served **once**, from one source:
 *
 * 1. a **VariantAutoscaling** wins over annotations: it is the more complete definition, and an
 *    operator migrating to annotations keeps the VA until the annotated scaler is checked, so
 *    the VA must stay in charge until it is deleted;
 * 2. then a **ScaledObject** over an HPA: KEDA generates an HPA (`keda-hpa-<name>`) for each
 *    ScaledObject, so the ScaledObject is the object the operator wrote (WVA also lets
 *    ScaledObjects overwrite HPAs for the same target);
 * 3. among objects of the same kind, the first name in sorted order (deterministic).
 *
 * Each shadowed object yields a {@linkcode DiscoveryNote} naming the source used and the ones
 * ignored, for the `DiscoverySource` condition (VA) or an event (scaler). Pure.
 *
 * @module
 */

/** Where a variant was defined. */
export type DiscoverySource = "VariantAutoscaling" | "ScaledObject" | "HorizontalPodAutoscaler";

/** Rank of a source: lower wins. */
const RANK: Readonly<Record<DiscoverySource, number>> = {
  VariantAutoscaling: 0,
  ScaledObject: 1,
  HorizontalPodAutoscaler: 2,
};

/** The fields the choice reads; callers pass their own richer records. */
export interface DiscoveryCandidate {
  readonly source: DiscoverySource;
  readonly namespace: string;
  /** The object's name (the variant name). */
  readonly name: string;
  readonly scaleTargetRef: { readonly kind: string; readonly name: string };
}

/** An object, as named in notes. */
export interface DiscoveryObject {
  readonly source: DiscoverySource;
  readonly namespace: string;
  readonly name: string;
}

/** One scale target defined more than once. */
export interface DiscoveryNote {
  readonly target: { readonly namespace: string; readonly kind: string; readonly name: string };
  readonly used: DiscoveryObject;
  readonly ignored: readonly DiscoveryObject[];
  /** One sentence for the condition, the event and the log. */
  readonly message: string;
}

/** Condition type that names the source used when a target is defined more than once. */
export const DISCOVERY_CONDITION = "DiscoverySource";

function targetKey(c: DiscoveryCandidate): string {
  return `${c.namespace}\u0000${c.scaleTargetRef.kind}\u0000${c.scaleTargetRef.name}`;
}

function compare(a: DiscoveryCandidate, b: DiscoveryCandidate): number {
  return RANK[a.source] - RANK[b.source] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function objectOf(c: DiscoveryCandidate): DiscoveryObject {
  return { source: c.source, namespace: c.namespace, name: c.name };
}

function describeNote(used: DiscoveryCandidate, ignored: readonly DiscoveryCandidate[]): string {
  const names = ignored.map((c) => `${c.source} ${c.namespace}/${c.name}`).join(", ");
  const target = `${used.scaleTargetRef.kind} ${used.namespace}/${used.scaleTargetRef.name}`;
  return `${target} is defined by ${used.source} ${used.namespace}/${used.name} (used, ` +
    `variant_name ${used.name}) and by ${names} (ignored)`;
}

/**
 * Keeps one candidate per scale target by the precedence above. The kept candidates come out
 * in input order; a note is produced for every target with more than one candidate.
 */
export function chooseDiscoverySources<T extends DiscoveryCandidate>(
  candidates: readonly T[],
): { readonly variants: readonly T[]; readonly notes: readonly DiscoveryNote[] } {
  const groups = new Map<string, T[]>();
  for (const c of candidates) {
    const list = groups.get(targetKey(c));
    if (list) list.push(c);
    else groups.set(targetKey(c), [c]);
  }
  const kept = new Set<T>();
  const notes: DiscoveryNote[] = [];
  for (const list of groups.values()) {
    const [used, ...ignored] = [...list].sort(compare);
    kept.add(used!);
    if (ignored.length === 0) continue;
    notes.push({
      target: {
        namespace: used!.namespace,
        kind: used!.scaleTargetRef.kind,
        name: used!.scaleTargetRef.name,
      },
      used: objectOf(used!),
      ignored: ignored.map(objectOf),
      message: describeNote(used!, ignored),
    });
  }
  return { variants: candidates.filter((c) => kept.has(c)), notes };
}

/** The `DiscoverySource` condition for the object a note used (reason = its source). */
export function discoveryCondition(note: DiscoveryNote): {
  readonly type: typeof DISCOVERY_CONDITION;
  readonly status: "True";
  readonly reason: DiscoverySource;
  readonly message: string;
} {
  return {
    type: DISCOVERY_CONDITION,
    status: "True",
    reason: note.used.source,
    message: note.message,
  };
}
