/**
 * The Kubernetes backend of the control cycle: watch caches of VariantAutoscalings, of
 * HorizontalPodAutoscalers and KEDA ScaledObjects (annotation discovery: those annotated
 * `llm-d.ai/managed: "true"` are variants too, scaler_variant.ts), their targets (Deployments,
 * StatefulSets), the pods of the namespaces that hold variants, the Nodes (GPU
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
import { variantFromObject, type VariantLookups } from "./variant.ts";
import { type ScalerInformer, startScalerInformer } from "./scalers.ts";
import { discoverVariants, invalidScaler, variantFromScaler } from "./scaler_variant.ts";
import { ANNOTATIONS, readAnnotatedScaler } from "../../../core/api/annotations.ts";
import type { VariantSnapshot } from "../../../core/contract/ports.ts";

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
  /**
   * Only scalers labelled `wva.llmd.ai/controller-instance=<this>` are discovered (WVA's
   * `CONTROLLER_INSTANCE`); unset: every annotated scaler. VAs are not filtered.
   */
  readonly controllerInstance?: string | undefined;
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
  /** Annotation discovery: HPAs and ScaledObjects (empty when not served or forbidden). */
  readonly hpas: ScalerInformer;
  readonly scaledObjects: ScalerInformer;
}

/** The backend's state: options, the current cost ConfigMap, the targets and the pod watches. */
interface BackendState {
  readonly kube: KubeWatchApi;
  readonly options: KubeBackendOptions;
  readonly log: Logger;
  costs: AcceleratorCostsConfig;
  /** `Kind/namespace/name` of every scale target (their changes trigger a cycle). */
  readonly targets: Set<string>;
  /** One pod watch per namespace that holds variants. */
  readonly podWatches: Map<string, { ctrl: AbortController; informer: Informer<PodInfo> }>;
  /** The scalers left out at the last snapshot (logged when it changes). */
  dropped: string;
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

/** The namespaces that hold variants: every VA's and every managed scaler's. */
function variantNamespaces(c: Pick<Caches, "vas" | "hpas" | "scaledObjects">): Set<string> {
  const ns = (o: { metadata?: Record<string, unknown> }) => String(o.metadata?.namespace ?? "");
  const managed = (o: { metadata?: Record<string, unknown> }) =>
    ((o.metadata?.annotations ?? {}) as Record<string, unknown>)[ANNOTATIONS.managed] === "true";
  return new Set([
    ...c.vas.list().map(ns),
    ...[...c.hpas.list(), ...c.scaledObjects.list()].filter(managed).map(ns),
  ]);
}

/** Starts a pod watch for every namespace in `wanted` and stops the others. */
function syncPodWatches(state: BackendState, wanted: ReadonlySet<string>): void {
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

function everyInformer(c: Caches): Pick<Informer<unknown>, "synced" | "hasSynced" | "done">[] {
  return [
    c.vas,
    c.deployments,
    c.statefulsets,
    c.nodes,
    c.gpuPods,
    c.configMaps,
    c.hpas,
    c.scaledObjects,
  ];
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

/** The annotated scalers of the caches as variants: managed ones, and malformed ones (excluded). */
function scalerVariants(
  state: BackendState,
  caches: Caches,
  lookups: VariantLookups,
): VariantSnapshot[] {
  const instance = { controllerInstance: state.options.controllerInstance };
  return [...caches.hpas.list(), ...caches.scaledObjects.list()].flatMap((raw) => {
    const r = readAnnotatedScaler(raw, instance);
    if (r.status === "managed") return [variantFromScaler(r.variant, lookups)];
    if (r.status === "unmanaged") return [];
    const annotations = (raw.metadata?.annotations ?? {}) as Record<string, string>;
    return [invalidScaler(r.scaler, r.problems, annotations[ANNOTATIONS.modelId])];
  });
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
  syncPodWatches(state, variantNamespaces(caches));
  // Pod caches of newly tracked namespaces are waited for, so replicas map on the first cycle.
  await Promise.all([...state.podWatches.values()].map((w) => w.informer.synced));
  const { costs } = state;
  const inv = inventoryOf(caches.nodes.list(), { costs });
  const priced = Object.entries(costs.accelerators).map(([name, e]) => ({
    name,
    device: e.device,
  }));
  const lookups: VariantLookups = {
    nowMs,
    warmupMs: state.options.warmupMs ?? 90_000,
    workload: (kind, namespace, name) =>
      kind === "Deployment"
        ? caches.deployments.get(`${namespace}/${name}`)
        : kind === "StatefulSet"
        ? caches.statefulsets.get(`${namespace}/${name}`)
        : undefined,
    pods: (namespace) => state.podWatches.get(namespace)?.informer.list() ?? [],
    costs,
    knownAccelerators: { priced, inventory: inv.entries },
  };
  const vas = caches.vas.list().map((raw) => variantFromObject(raw, lookups));
  const found = discoverVariants(vas, scalerVariants(state, caches, lookups));
  const dropped = found.dropped.join("; ");
  if (dropped !== state.dropped && dropped !== "") {
    state.log.warn("scalers-dropped", { dropped: found.dropped });
  }
  state.dropped = dropped;
  const variants = found.variants;
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
    dropped: "",
  };
  // The pod watches follow the namespaces of the variants (once the caches exist).
  let all: Caches | undefined;
  const follow = () => all && syncPodWatches(state, variantNamespaces(all));
  const vas = startVaInformer(state, follow);
  const scalers = (resource: string, group: string) =>
    startScalerInformer(kube, {
      path: collectionPath(state, group, resource),
      resource,
      signal: options.signal,
      log: state.log,
      timeoutSeconds: options.watchTimeoutSeconds ?? 300,
      onChange: () => {
        follow();
        notify(state, resource);
      },
    });
  const caches: Caches = all = {
    vas,
    deployments: startWorkloadInformer(state, "Deployment", "deployments"),
    statefulsets: startWorkloadInformer(state, "StatefulSet", "statefulsets"),
    nodes: startNodeInformer(state),
    gpuPods: startGpuPodInformer(state),
    configMaps: startConfigMapInformer(state),
    hpas: scalers("horizontalpodautoscalers", "/apis/autoscaling/v2"),
    scaledObjects: scalers("scaledobjects", "/apis/keda.sh/v1alpha1"),
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
