/**
 * Test helpers for the manifest tests: read a multi-document YAML file, and apply objects
 * server-side (`kubectl apply --server-side` semantics, strict field validation) through the
 * Deno kube transport.
 *
 * @module
 */
import { parseAllDocuments } from "yaml";
import type { KubeTransport } from "../../src/adapters/kubernetes/kube/mod.ts";

/** A Kubernetes object as read from a manifest. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

/** Repository-relative path → absolute path. */
export function repoPath(rel: string): string {
  return new URL(`../../${rel}`, import.meta.url).pathname;
}

/** Every non-empty document of a YAML file, in order. */
export async function readManifests(rel: string): Promise<Manifest[]> {
  const docs = parseAllDocuments(await Deno.readTextFile(repoPath(rel)));
  return docs.map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
}

/** Kind → plural and scope, for the kinds our manifests and tests use. */
const RESOURCES: Readonly<Record<string, { plural: string; namespaced: boolean }>> = {
  Namespace: { plural: "namespaces", namespaced: false },
  ServiceAccount: { plural: "serviceaccounts", namespaced: true },
  ConfigMap: { plural: "configmaps", namespaced: true },
  Service: { plural: "services", namespaced: true },
  Deployment: { plural: "deployments", namespaced: true },
  StatefulSet: { plural: "statefulsets", namespaced: true },
  ClusterRole: { plural: "clusterroles", namespaced: false },
  ClusterRoleBinding: { plural: "clusterrolebindings", namespaced: false },
  Role: { plural: "roles", namespaced: true },
  RoleBinding: { plural: "rolebindings", namespaced: true },
  CustomResourceDefinition: { plural: "customresourcedefinitions", namespaced: false },
  HorizontalPodAutoscaler: { plural: "horizontalpodautoscalers", namespaced: true },
  VariantAutoscaling: { plural: "variantautoscalings", namespaced: true },
  ScaledObject: { plural: "scaledobjects", namespaced: true },
};

/** The REST path of an object (collection path when `name` is false). */
export function objectPath(obj: Manifest, name = true): string {
  const r = RESOURCES[obj.kind];
  if (!r) throw new Error(`no REST mapping for kind ${obj.kind} in tests/manifests/apply.ts`);
  const base = obj.apiVersion.includes("/") ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
  return `${base}${ns}/${r.plural}${name ? `/${obj.metadata.name}` : ""}`;
}

/** Server-side apply of one object; returns the raw response (any status). */
export function applyResponse(transport: KubeTransport, obj: Manifest): Promise<Response> {
  return transport.fetch(objectPath(obj), {
    method: "PATCH",
    query: { fieldManager: "wva-manifests-test", force: true, fieldValidation: "Strict" },
    body: JSON.stringify(obj),
    contentType: "application/apply-patch+yaml",
  });
}

/** Server-side apply; throws with the apiserver's message on failure. */
export async function apply(transport: KubeTransport, obj: Manifest): Promise<unknown> {
  const res = await applyResponse(transport, obj);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`apply ${obj.kind} ${obj.metadata.name}: ${res.status}: ${message(text)}`);
  }
  return JSON.parse(text);
}

/** The `message` of a Kubernetes `Status` body, or the text. */
export function message(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text;
  }
}
