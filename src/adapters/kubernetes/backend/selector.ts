/**
 * Kubernetes label selectors (`matchLabels` + `matchExpressions`), matched in memory: which pods
 * belong to a Deployment or StatefulSet. Pure.
 *
 * @module
 */

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | undefined;
}

/** A `metav1.LabelSelector`. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | undefined;
}

/**
 * True when `labels` satisfy the selector. An empty selector matches nothing (as for a workload's
 * pod selector, where an empty one is invalid); an unknown operator matches nothing.
 */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const ml = Object.entries(selector?.matchLabels ?? {});
  const me = selector?.matchExpressions ?? [];
  if (ml.length === 0 && me.length === 0) return false;
  const l = labels ?? {};
  for (const [k, v] of ml) if (l[k] !== v) return false;
  for (const r of me) {
    const has = Object.hasOwn(l, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case "In":
        if (!has || !values.includes(l[r.key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[r.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
