/**
 * The `/scale` subresource of any scalable workload (Deployment, StatefulSet, ReplicaSet,
 * LeaderWorkerSet, or a CRD with a scale subresource): read the current and desired replicas,
 * and set the desired count. This is how the controller actuates directly, and the same
 * subresource the HPA uses.
 *
 * @module
 */
import type { KubeTransport } from "./transport.ts";

/** Which object to scale; `resource` (plural) may be given when `kind` is not a known one. */
export interface ScaleTarget {
  /** e.g. `apps/v1`, `leaderworkerset.x-k8s.io/v1`. */
  readonly apiVersion: string;
  /** e.g. `Deployment`. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Plural resource name; defaults to the known plural of `kind` or lower-case kind + "s". */
  readonly resource?: string | undefined;
}

/** The `autoscaling/v1` Scale object (the fields we use). */
export interface Scale {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly resourceVersion?: string;
  };
  /** Desired replicas. */
  readonly spec: { readonly replicas?: number };
  /** Observed replicas and the pod selector as a string. */
  readonly status: { readonly replicas: number; readonly selector?: string };
}

const PLURALS: Readonly<Record<string, string>> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  ReplicaSet: "replicasets",
  ReplicationController: "replicationcontrollers",
  LeaderWorkerSet: "leaderworkersets",
};

/** The URL path of a target's scale subresource. */
export function scalePath(target: ScaleTarget): string {
  const resource = target.resource ?? PLURALS[target.kind] ?? `${target.kind.toLowerCase()}s`;
  const prefix = target.apiVersion.includes("/")
    ? `/apis/${target.apiVersion}`
    : `/api/${target.apiVersion}`;
  const ns = encodeURIComponent(target.namespace);
  return `${prefix}/namespaces/${ns}/${resource}/${encodeURIComponent(target.name)}/scale`;
}

/** Reads the Scale of a target. Throws `KubeApiError` (404 when the target does not exist). */
export async function getScale(transport: KubeTransport, target: ScaleTarget): Promise<Scale> {
  return await transport.json<Scale>(scalePath(target));
}

/**
 * Sets the desired replicas through the scale subresource (a merge patch of `spec.replicas`),
 * and returns the updated Scale. Needs RBAC `patch` on `<resource>/scale`.
 */
export async function setReplicas(
  transport: KubeTransport,
  target: ScaleTarget,
  replicas: number,
): Promise<Scale> {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new RangeError(`replicas must be a non-negative integer, got ${replicas}`);
  }
  return await transport.json<Scale>(scalePath(target), {
    method: "PATCH",
    body: { spec: { replicas } },
    contentType: "application/merge-patch+json",
  });
}
