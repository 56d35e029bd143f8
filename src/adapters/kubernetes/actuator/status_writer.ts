/**
 * Writes a VariantAutoscaling's status through the `/status` subresource with optimistic
 * concurrency: a PUT carrying the `resourceVersion` the status was computed from (the apiserver
 * keeps the stored spec and metadata and replaces only the status).
 * On 409 Conflict the object is read again and the status rebuilt from the fresh copy (so
 * condition transition times stay right), up to `attempts` times. A VA deleted meanwhile (404)
 * is not an error.
 *
 * @module
 */
import { isConflict, isNotFound, type Kube } from "../kube/mod.ts";
import {
  API_VERSION,
  KIND,
  PLURAL,
  type VariantAutoscalingStatus,
  VariantAutoscalingStatusSchema,
} from "../../../core/api/v1alpha1.ts";

/** What is written: built from the status currently stored (undefined = nothing to write). */
export type BuildStatus = (
  current: VariantAutoscalingStatus | undefined,
) => VariantAutoscalingStatus | undefined;

/** Options of {@linkcode writeStatus}. */
export interface WriteStatusOptions {
  /** The object as cached (its resourceVersion and status), to skip the first read. */
  readonly cached?: {
    readonly resourceVersion?: string | undefined;
    readonly status?: VariantAutoscalingStatus | undefined;
  } | undefined;
  /** @default 3 */
  readonly attempts?: number;
}

/** Result: `written`, `unchanged` (build returned undefined), or `gone` (404). */
export type WriteStatusResult = "written" | "unchanged" | "gone";

function vaPath(namespace: string, name: string): string {
  return `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}/${
    encodeURIComponent(name)
  }`;
}

/** Writes the status with conflict retry. Throws the last error for anything else. */
export async function writeStatus(
  kube: Pick<Kube, "transport">,
  ref: { readonly namespace: string; readonly name: string },
  build: BuildStatus,
  options: WriteStatusOptions = {},
): Promise<WriteStatusResult> {
  const path = vaPath(ref.namespace, ref.name);
  let base = options.cached;
  const attempts = options.attempts ?? 3;
  for (let i = 1;; i++) {
    if (!base) {
      try {
        const fresh = await kube.transport.json<
          { metadata?: { resourceVersion?: string }; status?: unknown }
        >(path);
        const parsed = VariantAutoscalingStatusSchema.safeParse(fresh.status ?? {});
        base = {
          resourceVersion: fresh.metadata?.resourceVersion,
          status: parsed.success ? parsed.data : undefined,
        };
      } catch (err) {
        if (isNotFound(err)) return "gone";
        throw err;
      }
    }
    const status = build(base.status);
    if (!status) return "unchanged";
    try {
      await kube.transport.json(`${path}/status`, {
        method: "PUT",
        body: {
          apiVersion: API_VERSION,
          kind: KIND,
          metadata: {
            name: ref.name,
            namespace: ref.namespace,
            ...(base.resourceVersion ? { resourceVersion: base.resourceVersion } : {}),
          },
          status,
        },
      });
      return "written";
    } catch (err) {
      if (isNotFound(err)) return "gone";
      if (!isConflict(err) || i >= attempts) throw err;
      base = undefined;
    }
  }
}
