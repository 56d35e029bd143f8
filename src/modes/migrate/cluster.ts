/**
 * Reads what `wva migrate` converts from a cluster, read-only: VariantAutoscalings (for `--to
 * hpa|scaledobject`), or HPAs and ScaledObjects (for `--to va`). List items come without
 * `apiVersion` and `kind` from the apiserver; they are filled in so the documents look like
 * the ones read from files.
 *
 * @module
 */
import { isNotFound, type Kube } from "../../adapters/kubernetes/kube/mod.ts";
import type { MigrateTarget, SourcedDocument } from "../../core/api/migrate.ts";
import {
  HPA_API_VERSION,
  HPA_KIND,
  SCALED_OBJECT_API_VERSION,
  SCALED_OBJECT_KIND,
} from "../../core/api/annotations.ts";
import { API_VERSION, KIND, PLURAL } from "../../core/api/v1alpha1.ts";

interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  /** Absent CRD: a note instead of an error. */
  readonly optional: boolean;
}

const VAS: Resource = { apiVersion: API_VERSION, kind: KIND, plural: PLURAL, optional: false };
const HPAS: Resource = {
  apiVersion: HPA_API_VERSION,
  kind: HPA_KIND,
  plural: "horizontalpodautoscalers",
  optional: false,
};
const SCALED_OBJECTS: Resource = {
  apiVersion: SCALED_OBJECT_API_VERSION,
  kind: SCALED_OBJECT_KIND,
  plural: "scaledobjects",
  optional: true,
};

function listPath(r: Resource, namespace: string | undefined): string {
  const ns = namespace === undefined ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
  return `/apis/${r.apiVersion}${ns}/${r.plural}`;
}

async function list(
  kube: Kube,
  r: Resource,
  namespace: string | undefined,
  notes: string[],
): Promise<SourcedDocument[]> {
  let body: { items?: unknown[] };
  try {
    body = await kube.transport.json<{ items?: unknown[] }>(listPath(r, namespace));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const what = `${r.plural}.${r.apiVersion.split("/")[0]}`;
    if (!r.optional) throw new Error(`the ${r.kind} API (${what}) is not served by this cluster`);
    notes.push(`cluster: no ${r.kind}s: the ${what} CRD is not installed`);
    return [];
  }
  return (body.items ?? []).map((item) => ({
    source: "cluster",
    doc: { apiVersion: r.apiVersion, kind: r.kind, ...(item as object) },
  }));
}

/** The documents to migrate `to`, from every namespace or one. */
export async function clusterDocuments(
  kube: Kube,
  to: MigrateTarget,
  namespace: string | undefined,
): Promise<{ readonly docs: readonly SourcedDocument[]; readonly notes: readonly string[] }> {
  const notes: string[] = [];
  const resources = to === "va" ? [HPAS, SCALED_OBJECTS] : [VAS];
  const lists = await Promise.all(resources.map((r) => list(kube, r, namespace, notes)));
  return { docs: lists.flat(), notes };
}
