/**
 * Kubernetes Events about VariantAutoscalings (core/v1 `Event`): scale decisions, metrics
 * becoming unavailable, invalid objects and configuration problems. A repeat of the same event
 * (object, reason, message) within ten minutes patches the existing Event's count instead of
 * creating a new one, as kubelet and controller-runtime recorders do. Failures are logged, never
 * thrown: events are best effort.
 *
 * @module
 */
import type { Kube } from "../kube/mod.ts";
import { type Logger, NULL_LOGGER } from "../../../runtime/log.ts";

/** The object an event is about. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string | undefined;
}

/** Records events. */
export interface EventRecorder {
  record(
    about: InvolvedObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): Promise<void>;
}

/** Options of {@linkcode createEventRecorder}. */
export interface EventRecorderOptions {
  /** `source.component` and `reportingController`. @default "wva-controller" */
  readonly component?: string;
  /** Identity of this replica (`reportingInstance`, `source.host`). */
  readonly instance: string;
  readonly nowMs: () => number;
  readonly logger?: Logger;
}

const DEDUP_WINDOW_MS = 10 * 60_000;

function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Creates a recorder writing through `kube`. */
export function createEventRecorder(
  kube: Pick<Kube, "transport">,
  options: EventRecorderOptions,
): EventRecorder {
  const component = options.component ?? "wva-controller";
  const log = options.logger ?? NULL_LOGGER;
  const recent = new Map<string, { name: string; count: number; firstMs: number }>();
  let seq = 0;
  return {
    async record(about, type, reason, message) {
      const now = options.nowMs();
      const key = `${about.namespace}/${about.name}/${type}/${reason}/${message}`;
      const ns = encodeURIComponent(about.namespace);
      const prev = recent.get(key);
      try {
        if (prev && now - prev.firstMs < DEDUP_WINDOW_MS) {
          prev.count++;
          await kube.transport.json(`/api/v1/namespaces/${ns}/events/${prev.name}`, {
            method: "PATCH",
            contentType: "application/merge-patch+json",
            body: { count: prev.count, lastTimestamp: kubeTime(now) },
          });
          return;
        }
        const name = `${about.name}.${now.toString(16)}${(seq++ % 4096).toString(16)}`;
        await kube.transport.json(`/api/v1/namespaces/${ns}/events`, {
          method: "POST",
          body: {
            apiVersion: "v1",
            kind: "Event",
            metadata: { name, namespace: about.namespace },
            involvedObject: {
              apiVersion: about.apiVersion,
              kind: about.kind,
              namespace: about.namespace,
              name: about.name,
              ...(about.uid ? { uid: about.uid } : {}),
            },
            type,
            reason,
            message: message.slice(0, 1024),
            count: 1,
            firstTimestamp: kubeTime(now),
            lastTimestamp: kubeTime(now),
            source: { component, host: options.instance },
            reportingComponent: component,
            reportingInstance: options.instance,
          },
        });
        recent.set(key, { name, count: 1, firstMs: now });
        if (recent.size > 10_000) {
          for (const [k, v] of recent) if (now - v.firstMs >= DEDUP_WINDOW_MS) recent.delete(k);
        }
      } catch (err) {
        log.warn("event-failed", {
          reason,
          object: `${about.namespace}/${about.name}`,
          error: err,
        });
      }
    },
  };
}
