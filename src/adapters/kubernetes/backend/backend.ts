/**
 * The Kubernetes backend of the control cycle: watch caches of VariantAutoscalings, their
 * targets (Deployments, StatefulSets), the pods of the namespaces that hold VAs, the Nodes (GPU
 * inventory), the pods of every namespace that hold GPUs (what other workloads use of the
 * inventory) and the controller's ConfigMaps; a `ClusterReader` that builds the snapshot from
 * the caches without any API call; and change notifications that the loop debounces into cycles.
 *
 * Every watch is the connection layer's loop (re-list on 410 Gone, reconnect with backoff after
 * an apiserver restart). Status-only updates of VAs (our own writes) do not count as changes.
 *
 * @module
 */
import {
  type AcceleratorCostsConfig,
  EMPTY_ACCELERATOR_COSTS,
} from "../../../core/api/configmaps/mod.ts";
import { API_VERSION, PLURAL } from "../../../core/api/v1alpha1.ts";
import { type Logger, NULL_LOGGER } from "../../../runtime/log.ts";
import type { ClusterReader, ClusterSnapshot } from "../../../core/contract/ports.ts";
import type { NodeLike } from "../../../core/api/gpu_vendors.ts";
import type { Kube } from "../kube/mod.ts";
import { type Informer, startInformer } from "./informer.ts";
import { inventoryOf, unmanagedGpus } from "./inventory.ts";
import {
  type GpuPodInfo,
  type PodInfo,
  projectGpuPod,
  projectNode,
  projectPod,
  projectWorkload,
  type WorkloadInfo,
} from "./objects.ts";
import { variantFromObject } from "./variant.ts";

/** Options of {@linkcode startKubeBackend}. */
export interface KubeBackendOptions {
  /** The controller's namespace (its ConfigMaps live there). */
  readonly namespace: string;
  /** Only VAs of this namespace; default all namespaces. */
  readonly watchNamespace?: string | undefined;
  /** ConfigMap names to report through `onConfigMap`. */
  readonly configMapNames?: readonly string[];
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  /** A change that deserves a cycle (VA spec, target replicas, node GPUs, ConfigMap). */
  readonly onChange?: (what: string) => void;
  /** A watched ConfigMap was added, changed (its data) or deleted (undefined). */
  readonly onConfigMap?: (name: string, data: Readonly<Record<string, string>> | undefined) => void;
  /** Server-side watch timeout (s). @default 300 */
  readonly watchTimeoutSeconds?: number;
  /** A pod Ready for less than this (ms) still counts as pending. @default 90000 */
  readonly warmupMs?: number;
}

/** A running backend. */
export interface KubeBackend extends ClusterReader {
  /** Resolves when every cache has listed once. */
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /**
   * The current unit-cost ConfigMap (it changes at run time): it names products, prices
   * accelerators and, with the inventory, decides which accelerators are unknown.
   */
  setAcceleratorCosts(costs: AcceleratorCostsConfig): void;
  /** Resolves after `signal` aborted and every watch ended. */
  readonly done: Promise<void>;
}

/** The part of the Kubernetes client the backend uses: watches only. */
export type KubeWatchApi = Pick<Kube, "watch">;

type Raw = { metadata?: Record<string, unknown> } & Record<string, unknown>;

/** The caches the backend keeps. */
interface Caches {
  readonly vas: Informer<Raw>;
  readonly deployments: Informer<WorkloadInfo>;
  readonly statefulsets: Informer<WorkloadInfo>;
  readonly nodes: Informer<NodeLike>;
  /** Scheduled, non-terminal pods that request GPUs, in every namespace (the limiter's usage). */
  readonly gpuPods: Informer<GpuPodInfo>;
  readonly configMaps: Informer<Record<string, string>>;
}

/** The backend's state: options, the current cost ConfigMap, the targets and the pod watches. */
interface BackendState {
  readonly kube: KubeWatchApi;
  readonly options: KubeBackendOptions;
  readonly log: Logger;
  costs: AcceleratorCostsConfig;
  /** `Kind/namespace/name` of every scale target (their changes trigger a cycle). */
  readonly targets: Set<string>;
  /** One pod watch per namespace that holds VAs. */
  readonly podWatches: Map<string, { ctrl: AbortController; informer: Informer<PodInfo> }>;
}

function slim(raw: Raw): Raw {
  const { managedFields: _m, ...metadata } = raw.metadata ?? {};
  return { ...raw, metadata };
}

function notify(state: BackendState, what: string): void {
  state.options.onChange?.(what);
}

function watchOptions(state: BackendState, resource: string) {
  return {
    signal: state.options.signal,
    timeoutSeconds: state.options.watchTimeoutSeconds ?? 300,
    onError: (err: unknown, attempt: number) =>
      state.log.warn("watch-error", { resource, attempt, error: (err as Error).message }),
  };
}

function collectionPath(state: BackendState, group: string, plural: string): string {
  const ns = state.options.watchNamespace;
  return ns ? `${group}/namespaces/${encodeURIComponent(ns)}/${plural}` : `${group}/${plural}`;
}

function startVaInformer(state: BackendState, onSync: () => void): Informer<Raw> {
  return startInformer<Raw, Raw>(state.kube, {
    ...watchOptions(state, "variantautoscalings"),
    path: collectionPath(state, `/apis/${API_VERSION}`, PLURAL),
    project: slim,
    onChange(_key, before, after) {
      onSync();
      const gen = (o: Raw | undefined) => o?.metadata?.generation;
      if (!before || !after || gen(before) !== gen(after)) notify(state, "variantautoscaling");
    },
  });
}

function startWorkloadInformer(
  state: BackendState,
  kind: "Deployment" | "StatefulSet",
  plural: string,
): Informer<WorkloadInfo> {
  return startInformer<Raw, WorkloadInfo>(state.kube, {
    ...watchOptions(state, plural),
    path: collectionPath(state, "/apis/apps/v1", plural),
    project: (raw) => projectWorkload(kind, raw),
    onChange(key, before, after) {
      if (!state.targets.has(`${kind}/${key}`)) return;
      const sig = (w: WorkloadInfo | undefined) =>
        w ? `${w.specReplicas}/${w.statusReplicas}/${w.readyReplicas}/${w.deleting}` : "-";
      if (sig(before) !== sig(after)) notify(state, kind.toLowerCase());
    },
  });
}

function startNodeInformer(state: BackendState): Informer<NodeLike> {
  return startInformer<Raw, NodeLike>(state.kube, {
    ...watchOptions(state, "nodes"),
    path: "/api/v1/nodes",
    project: projectNode,
    onChange(_key, before, after) {
      if (JSON.stringify(before) !== JSON.stringify(after)) notify(state, "node");
    },
  });
}

/**
 * Pods holding GPUs, in every namespace (the watch namespace when one is set): only scheduled,
 * non-terminal pods with a GPU request are kept, so the cache stays small on large clusters.
 */
function startGpuPodInformer(state: BackendState): Informer<GpuPodInfo> {
  const ns = state.options.watchNamespace;
  return startInformer<Raw, GpuPodInfo>(state.kube, {
    ...watchOptions(state, "gpu-pods"),
    path: ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/pods` : "/api/v1/pods",
    fieldSelector: "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed",
    project: projectGpuPod,
  });
}

function startConfigMapInformer(state: BackendState): Informer<Record<string, string>> {
  const names = new Set(state.options.configMapNames ?? []);
  return startInformer<Raw, Record<string, string>>(state.kube, {
    ...watchOptions(state, "configmaps"),
    path: `/api/v1/namespaces/${encodeURIComponent(state.options.namespace)}/configmaps`,
    project: (raw) =>
      names.has(String(raw.metadata?.name))
        ? (raw.data ?? {}) as Record<string, string>
        : undefined,
    onChange(key, before, after) {
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      state.options.onConfigMap?.(key.slice(key.indexOf("/") + 1), after);
      notify(state, "configmap");
    },
  });
}

/** Starts a pod watch for every namespace that holds VAs and stops the others. */
function syncPodWatches(state: BackendState, vas: Informer<Raw>): void {
  const wanted = new Set(vas.list().map((v) => String(v.metadata?.namespace ?? "")));
  for (const [name, w] of state.podWatches) {
    if (wanted.has(name)) continue;
    w.ctrl.abort();
    state.podWatches.delete(name);
  }
  const { signal } = state.options;
  for (const name of wanted) {
    if (state.podWatches.has(name) || signal.aborted) continue;
    const ctrl = new AbortController();
    const informer = startInformer<Raw, PodInfo>(state.kube, {
      ...watchOptions(state, "pods"),
      signal: AbortSignal.any([signal, ctrl.signal]),
      path: `/api/v1/namespaces/${encodeURIComponent(name)}/pods`,
      project: projectPod,
    });
    state.podWatches.set(name, { ctrl, informer });
  }
}

function everyInformer(c: Caches): Informer<unknown>[] {
  return [c.vas, c.deployments, c.statefulsets, c.nodes, c.gpuPods, c.configMaps];
}

/** Adds the scale targets of raw VAs (before the first snapshot, which then keeps them). */
function addTargets(state: BackendState, vas: readonly Raw[]): void {
  for (const raw of vas) {
    const spec = (raw.spec ?? {}) as { scaleTargetRef?: { kind?: string; name?: string } };
    const ref = spec.scaleTargetRef;
    if (ref?.kind && ref.name) {
      state.targets.add(`${ref.kind}/${raw.metadata?.namespace}/${ref.name}`);
    }
  }
}

/** The cluster snapshot, from the caches alone (no API call). */
async function buildSnapshot(
  state: BackendState,
  caches: Caches,
  nowMs: number,
): Promise<ClusterSnapshot> {
  if (!everyInformer(caches).every((i) => i.hasSynced())) {
    throw new Error("watch caches have not synced yet");
  }
  syncPodWatches(state, caches.vas);
  // Pod caches of newly tracked namespaces are waited for, so replicas map on the first cycle.
  await Promise.all([...state.podWatches.values()].map((w) => w.informer.synced));
  const { costs } = state;
  const inv = inventoryOf(caches.nodes.list(), { costs });
  const priced = Object.entries(costs.accelerators).map(([name, e]) => ({
    name,
    device: e.device,
  }));
  const workload = (kind: string, namespace: string, name: string) =>
    kind === "Deployment"
      ? caches.deployments.get(`${namespace}/${name}`)
      : kind === "StatefulSet"
      ? caches.statefulsets.get(`${namespace}/${name}`)
      : undefined;
  const variants = caches.vas.list().map((raw) =>
    variantFromObject(raw, {
      nowMs,
      warmupMs: state.options.warmupMs ?? 90_000,
      workload,
      pods: (namespace) => state.podWatches.get(namespace)?.informer.list() ?? [],
      costs,
      knownAccelerators: { priced, inventory: inv.entries },
    })
  );
  state.targets.clear();
  for (const v of variants) {
    if (v.scaleTarget) {
      state.targets.add(`${v.scaleTarget.kind}/${v.namespace}/${v.scaleTarget.name}`);
    }
  }
  const managed = new Set(
    variants.flatMap((v) => v.replicaIds.map((id) => `${v.namespace}/${id}`)),
  );
  return {
    variants,
    inventory: inv.inventory,
    inventoryEntries: inv.entries,
    unmanagedGpus: unmanagedGpus(caches.gpuPods.list(), managed, inv.nodeAccelerators),
  };
}

/** Starts every watch; await `synced` before the first cycle. */
export function startKubeBackend(kube: KubeWatchApi, options: KubeBackendOptions): KubeBackend {
  const state: BackendState = {
    kube,
    options,
    log: options.logger ?? NULL_LOGGER,
    costs: EMPTY_ACCELERATOR_COSTS,
    targets: new Set(),
    podWatches: new Map(),
  };
  // The VA cache follows the namespaces it sees with pod watches (once it exists).
  let vaCache: Informer<Raw> | undefined;
  const vas = vaCache = startVaInformer(state, () => vaCache && syncPodWatches(state, vaCache));
  const caches: Caches = {
    vas,
    deployments: startWorkloadInformer(state, "Deployment", "deployments"),
    statefulsets: startWorkloadInformer(state, "StatefulSet", "statefulsets"),
    nodes: startNodeInformer(state),
    gpuPods: startGpuPodInformer(state),
    configMaps: startConfigMapInformer(state),
  };
  const informers = everyInformer(caches);
  // Target keys are known before the first snapshot too, so early target changes notify.
  vas.synced.then(() => addTargets(state, vas.list()));
  const done = Promise.all(informers.map((i) => i.done)).then(async () => {
    await Promise.all([...state.podWatches.values()].map((w) => w.informer.done));
  });
  return {
    snapshot: (nowMs) => buildSnapshot(state, caches, nowMs),
    synced: Promise.all(informers.map((i) => i.synced)).then(() => {}),
    hasSynced: () => informers.every((i) => i.hasSynced()),
    setAcceleratorCosts(config) {
      state.costs = config;
    },
    done,
  };
}
