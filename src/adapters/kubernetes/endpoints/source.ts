/**
 * The gateway's {@linkcode EndpointSource} on Kubernetes: three watch caches (Services with the
 * `llm-d.ai/model-id` annotation, their EndpointSlices, and the pods' endpoint annotation and
 * variant label) folded into one snapshot by {@linkcode endpointView} after every change, so
 * `ready()` is a map lookup. Subscribers hear of a change once the snapshot actually changed.
 * A watch error keeps the last snapshot (stale routing beats none); the watch loop re-lists.
 *
 * @module
 */
import type { Endpoint, EndpointSource } from "../../../core/contract/endpoints.ts";
import { type Logger, NULL_LOGGER } from "../../../runtime/log.ts";
import { type Informer, startInformer } from "../backend/informer.ts";
import type { Kube } from "../kube/mod.ts";
import {
  type EndpointView,
  endpointView,
  type PodInfo,
  projectPod,
  projectService,
  projectSlice,
  type RawPod,
  type RawService,
  type RawSlice,
  SERVICE_NAME_LABEL,
  type ServiceInfo,
  type SliceInfo,
} from "./view.ts";

/** Options of {@linkcode startKubeEndpoints}. */
export interface KubeEndpointsOptions {
  /** Only Services, slices and pods of this namespace. @default all namespaces */
  readonly namespace?: string | undefined;
  /** The slice port to send to, by name. @default "http" (else the slice's first port) */
  readonly portName?: string;
  /** Watch failures are logged here (warn). @default dropped */
  readonly logger?: Logger;
}

/** A running source. */
export interface KubeEndpoints extends EndpointSource {
  /** Resolves once all three caches listed once. */
  readonly synced: Promise<void>;
  /** Stops the watches; no notification follows. */
  stop(): Promise<void>;
}

/** How many removed endpoint ids `leaving()` still answers true for. */
const REMEMBER_REMOVED = 512;

const EMPTY_VIEW: EndpointView = {
  models: [],
  ready: new Map(),
  leaving: new Set(),
  present: new Set(),
};

function collection(namespace: string | undefined, group: string, plural: string): string {
  return `${group}${namespace ? `/namespaces/${namespace}` : ""}/${plural}`;
}

/** A change key of a view: everything the gateway reads of it. */
function signature(v: EndpointView): string {
  return JSON.stringify([v.models, [...v.ready], [...v.leaving]]);
}

/**
 * Starts watching; the snapshot fills in the background (await `synced`). Needs rights to
 * list/watch services, endpointslices (discovery.k8s.io) and pods.
 *
 * @example
 * ```ts ignore
 * const endpoints = startKubeEndpoints(kube, { namespace: "llm" });
 * await endpoints.synced;
 * const gateway = startGateway({ endpoints });
 * ```
 */
export function startKubeEndpoints(
  kube: Pick<Kube, "watch">,
  options: KubeEndpointsOptions = {},
): KubeEndpoints {
  const ctrl = new AbortController();
  const log = options.logger ?? NULL_LOGGER;
  const listeners = new Set<() => void>();
  const removed = new Set<string>();
  let view = EMPTY_VIEW;
  let sig = signature(view);
  let scheduled = false;
  const onError = (what: string) => (err: unknown, attempt: number) =>
    log.warn("endpoints-watch-failed", { what, attempt, error: (err as Error).message });
  const schedule = () => {
    if (scheduled || ctrl.signal.aborted) return;
    scheduled = true;
    queueMicrotask(recompute);
  };
  const ns = options.namespace;
  const services: Informer<ServiceInfo> = startInformer<RawService, ServiceInfo>(kube, {
    path: collection(ns, "/api/v1", "services"),
    project: projectService,
    onChange: schedule,
    onError: onError("services"),
    signal: ctrl.signal,
  });
  const slices: Informer<SliceInfo> = startInformer<RawSlice, SliceInfo>(kube, {
    path: collection(ns, "/apis/discovery.k8s.io/v1", "endpointslices"),
    labelSelector: SERVICE_NAME_LABEL,
    project: (raw) => projectSlice(raw, options.portName),
    onChange: schedule,
    onError: onError("endpointslices"),
    signal: ctrl.signal,
  });
  const pods: Informer<PodInfo> = startInformer<RawPod, PodInfo>(kube, {
    path: collection(ns, "/api/v1", "pods"),
    project: projectPod,
    onChange: schedule,
    onError: onError("pods"),
    signal: ctrl.signal,
  });

  function recompute(): void {
    scheduled = false;
    if (ctrl.signal.aborted) return;
    const podMap = new Map(pods.list().map((p) => [`${p.namespace}/${p.name}`, p]));
    const next = endpointView(services.list(), slices.list(), podMap);
    const nextSig = signature(next);
    if (nextSig === sig) return;
    rememberRemoved(view, next, removed);
    view = next;
    sig = nextSig;
    for (const l of [...listeners]) l();
  }

  return {
    synced: Promise.all([services.synced, slices.synced, pods.synced]).then(() => recompute()),
    models: () => view.models,
    ready: (model) => view.ready.get(model) ?? [],
    leaving: (id) => view.leaving.has(id) || removed.has(id),
    subscribe(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    async stop() {
      ctrl.abort();
      listeners.clear();
      await Promise.all([services.done, slices.done, pods.done]);
    },
  };
}

/** Ids that were ready and are in no slice now: removed (they count as leaving), bounded. */
function rememberRemoved(before: EndpointView, after: EndpointView, removed: Set<string>): void {
  for (const es of before.ready.values()) {
    for (const e of es as readonly Endpoint[]) {
      if (!after.present.has(e.id)) removed.add(e.id);
    }
  }
  for (const id of after.present) removed.delete(id);
  while (removed.size > REMEMBER_REMOVED) removed.delete(removed.values().next().value!);
}
