/**
 * The pod runner's writes to the apiserver, through the raw transport: patches of a pod (its
 * metadata, or its `status` subresource) and the final delete of a pod whose process is gone.
 *
 * @module
 */
import type { V1Pod } from "@kubernetes/client-node";
import { isConflict, isNotFound, type KubeTransport } from "../kube/mod.ts";

/** The pod a write is about. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

function podPath(ref: PodRef): string {
  return `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${
    encodeURIComponent(ref.name)
  }`;
}

/**
 * Patches the pod (`sub` = `""`, a JSON merge patch of its metadata) or its status (`sub` =
 * `"/status"`, a strategic merge patch: conditions merge by type); returns the updated pod.
 */
export async function patchPod(
  transport: KubeTransport,
  ref: PodRef,
  sub: "" | "/status",
  body: Record<string, unknown>,
): Promise<V1Pod> {
  return await transport.json<V1Pod>(podPath(ref) + sub, {
    method: "PATCH",
    body,
    contentType: sub === "/status"
      ? "application/strategic-merge-patch+json"
      : "application/merge-patch+json",
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Deletes the pod now (grace 0), as a kubelet does once a terminating pod's containers have
 * stopped; only this pod (uid precondition), and a pod already gone is fine.
 */
export async function deletePod(transport: KubeTransport, ref: PodRef): Promise<void> {
  try {
    await transport.json(podPath(ref), {
      method: "DELETE",
      body: { gracePeriodSeconds: 0, preconditions: { uid: ref.uid } },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return;
    throw err;
  }
}
