/**
 * The watch caches of annotation discovery: `autoscaling/v2` HorizontalPodAutoscalers and
 * `keda.sh/v1alpha1` ScaledObjects. Objects are kept without `status` and `managedFields` (the
 * HPA controller rewrites status every sync; that is not a change wva acts on), and only a
 * change of what `readAnnotatedScaler` reads (labels, annotations, spec, deletion) notifies.
 *
 * A collection the apiserver does not serve (the ScaledObject CRD is not installed: 404) or that
 * RBAC forbids (403) counts as synced and empty, so the controller runs without KEDA; the watch
 * loop keeps retrying (every 30 s at most), so a CRD installed later is picked up by itself. The
 * state change is logged once each way, not every retry.
 *
 * @module
 */
import { statusCodeOf } from "../kube/errors.ts";
import type { Kube } from "../kube/mod.ts";
import type { Logger } from "../../../runtime/log.ts";
import { type Informer, startInformer } from "./informer.ts";

/** A scaler as cached: the apiserver's JSON without status and managed fields. */
export type ScalerObject = Record<string, unknown> & {
  readonly metadata?: Record<string, unknown>;
};

/** A scaler cache that may stand for a collection the cluster does not have. */
export interface ScalerInformer {
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** The cached scalers; empty while the collection is absent or forbidden. */
  list(): ScalerObject[];
  readonly done: Promise<void>;
}

/** Options of {@linkcode startScalerInformer}. */
export interface ScalerInformerOptions {
  /** e.g. `/apis/keda.sh/v1alpha1/scaledobjects` (or a namespaced collection). */
  readonly path: string;
  /** For the log lines. */
  readonly resource: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly timeoutSeconds: number;
  /** A change wva acts on (what readAnnotatedScaler reads). */
  readonly onChange: () => void;
}

function project(raw: ScalerObject): ScalerObject {
  const { status: _s, ...rest } = raw;
  const { managedFields: _m, ...metadata } = (raw.metadata ?? {}) as Record<string, unknown>;
  return { ...rest, metadata };
}

/** What readAnnotatedScaler reads of a cached scaler (a change of anything else is ignored). */
function signature(o: ScalerObject | undefined): string {
  if (!o) return "-";
  const m = (o.metadata ?? {}) as Record<string, unknown>;
  return JSON.stringify([m.labels, m.annotations, m.deletionTimestamp, m.uid, o.spec]);
}

/** Starts the watch of one scaler collection (see the module doc). */
export function startScalerInformer(
  kube: Pick<Kube, "watch">,
  o: ScalerInformerOptions,
): ScalerInformer {
  let absent = false;
  let markAbsent!: () => void;
  const absentOnce = new Promise<void>((resolve) => (markAbsent = resolve));
  const informer: Informer<ScalerObject> = startInformer<ScalerObject, ScalerObject>(kube, {
    path: o.path,
    signal: o.signal,
    timeoutSeconds: o.timeoutSeconds,
    backoff: { maxMs: 30_000 },
    project,
    onChange(_key, before, after) {
      if (signature(before) !== signature(after)) o.onChange();
    },
    onSynced() {
      if (!absent) return;
      absent = false;
      o.log.info("scalers-available", { resource: o.resource });
      o.onChange();
    },
    onError(err, attempt) {
      const code = statusCodeOf(err);
      if (code === 404 || code === 403) {
        if (!absent) {
          o.log.info("scalers-unavailable", {
            resource: o.resource,
            why: code === 404 ? "not served (CRD not installed?)" : "forbidden by RBAC",
            retryEverySec: 30,
          });
          if (informer.size > 0) o.onChange();
        }
        absent = true;
        markAbsent();
        return;
      }
      o.log.warn("watch-error", { resource: o.resource, attempt, error: (err as Error).message });
    },
  });
  return {
    synced: Promise.race([informer.synced, absentOnce]),
    hasSynced: () => informer.hasSynced() || absent,
    list: () => (absent ? [] : informer.list()),
    done: informer.done,
  };
}
