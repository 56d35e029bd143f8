/**
 * The Kubernetes backend of the control cycle: watch caches of VariantAutoscalings, their
 * targets (Deployments, StatefulSets), the pods of the namespaces that hold VAs, the Nodes (GPU
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
import type { GpuInventoryEntry } from "../../../core/contract/gpus.ts";
import { inventoryOf } from "./inventory.ts";
import {
  type PodInfo,
  projectNode,
  projectPod,
  projectWorkload,
  type WorkloadInfo,
} from "./objects.ts";
import { type ResolvedVariant, variantFromObject } from "./variant.ts";

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
  /** The variant resolved by the last snapshot (`namespace/name`), for the actuator. */
  resolved(key: string): ResolvedVariant | undefined;
  /** Inventory entries of the last snapshot (vendor, product, GPUs per accelerator). */
  inventoryEntries(): readonly GpuInventoryEntry[];
  /**
   * The current unit-cost ConfigMap (it changes at run time): it names products, prices
   * accelerators and, with the inventory, decides which accelerators are unknown.
   */
  setAcceleratorCosts(costs: AcceleratorCostsConfig): void;
  /** Resolves after `signal` aborted and every watch ended. */
  readonly done: Promise<void>;
}

type Raw = { metadata?: Record<string, unknown> } & Record<string, unknown>;

function slim(raw: Raw): Raw {
  const { managedFields: _m, ...metadata } = raw.metadata ?? {};
  return { ...raw, metadata };
}

/** Starts every watch; await `synced` before the first cycle. */
export function startKubeBackend(kube: Kube, options: KubeBackendOptions): KubeBackend {
  const log = options.logger ?? NULL_LOGGER;
  const { signal } = options;
  const notify = (what: string) => options.onChange?.(what);
  const onError = (what: string) => (err: unknown, attempt: number) =>
    log.warn("watch-error", { resource: what, attempt, error: (err as Error).message });
  const timeoutSeconds = options.watchTimeoutSeconds ?? 300;
  const common = { signal, timeoutSeconds };
  let costs: AcceleratorCostsConfig = EMPTY_ACCELERATOR_COSTS;
  const targets = new Set<string>();
  const ns = options.watchNamespace;
  const vaPath = ns
    ? `/apis/${API_VERSION}/namespaces/${encodeURIComponent(ns)}/${PLURAL}`
    : `/apis/${API_VERSION}/${PLURAL}`;
  const podInformers = new Map<string, { ctrl: AbortController; informer: Informer<PodInfo> }>();
  const vas = startInformer<Raw, Raw>(kube, {
    ...common,
    path: vaPath,
    project: slim,
    onError: onError("variantautoscalings"),
    onChange(_key, before, after) {
      syncPodWatches();
      const gen = (o: Raw | undefined) => o?.metadata?.generation;
      if (!before || !after || gen(before) !== gen(after)) notify("variantautoscaling");
    },
  });
  function workloadInformer(kind: "Deployment" | "StatefulSet", plural: string) {
    const path = ns
      ? `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/${plural}`
      : `/apis/apps/v1/${plural}`;
    return startInformer<Raw, WorkloadInfo>(kube, {
      ...common,
      path,
      project: (raw) => projectWorkload(kind, raw),
      onError: onError(plural),
      onChange(key, before, after) {
        if (!targets.has(`${kind}/${key}`)) return;
        const sig = (w: WorkloadInfo | undefined) =>
          w ? `${w.specReplicas}/${w.statusReplicas}/${w.readyReplicas}/${w.deleting}` : "-";
        if (sig(before) !== sig(after)) notify(kind.toLowerCase());
      },
    });
  }
  const deployments = workloadInformer("Deployment", "deployments");
  const statefulsets = workloadInformer("StatefulSet", "statefulsets");
  const nodes = startInformer<Raw, NodeLike>(kube, {
    ...common,
    path: "/api/v1/nodes",
    project: projectNode,
    onError: onError("nodes"),
    onChange(_key, before, after) {
      if (JSON.stringify(before) !== JSON.stringify(after)) notify("node");
    },
  });
  const names = new Set(options.configMapNames ?? []);
  const configMaps = startInformer<Raw, Record<string, string>>(kube, {
    ...common,
    path: `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/configmaps`,
    project: (raw) =>
      names.has(String(raw.metadata?.name))
        ? (raw.data ?? {}) as Record<string, string>
        : undefined,
    onError: onError("configmaps"),
    onChange(key, before, after) {
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      options.onConfigMap?.(key.slice(key.indexOf("/") + 1), after);
      notify("configmap");
    },
  });
  function syncPodWatches(): void {
    const wanted = new Set(vas.list().map((v) => String(v.metadata?.namespace ?? "")));
    for (const [name, w] of podInformers) {
      if (wanted.has(name)) continue;
      w.ctrl.abort();
      podInformers.delete(name);
    }
    for (const name of wanted) {
      if (podInformers.has(name) || signal.aborted) continue;
      const ctrl = new AbortController();
      const informer = startInformer<Raw, PodInfo>(kube, {
        timeoutSeconds,
        signal: AbortSignal.any([signal, ctrl.signal]),
        path: `/api/v1/namespaces/${encodeURIComponent(name)}/pods`,
        project: projectPod,
        onError: onError("pods"),
      });
      podInformers.set(name, { ctrl, informer });
    }
  }
  const informers = [vas, deployments, statefulsets, nodes, configMaps];
  const synced = Promise.all(informers.map((i) => i.synced)).then(() => {});
  let lastResolved = new Map<string, ResolvedVariant>();
  let lastEntries: readonly GpuInventoryEntry[] = [];
  function workload(kind: string, namespace: string, name: string): WorkloadInfo | undefined {
    const key = `${namespace}/${name}`;
    if (kind === "Deployment") return deployments.get(key);
    if (kind === "StatefulSet") return statefulsets.get(key);
    return undefined;
  }
  async function snapshot(nowMs: number): Promise<ClusterSnapshot> {
    if (!informers.every((i) => i.hasSynced())) throw new Error("watch caches have not synced yet");
    syncPodWatches();
    // Pod caches of newly tracked namespaces are waited for, so replicas map on the first cycle.
    await Promise.all([...podInformers.values()].map((w) => w.informer.synced));
    const inv = inventoryOf(nodes.list(), { costs });
    const priced = Object.entries(costs.accelerators).map(([name, e]) => ({
      name,
      device: e.device,
    }));
    const knownAccelerators = { priced, inventory: inv.entries };
    const resolved = new Map<string, ResolvedVariant>();
    targets.clear();
    for (const raw of vas.list()) {
      const r = variantFromObject(raw, {
        nowMs,
        warmupMs: options.warmupMs ?? 90_000,
        workload,
        pods: (namespace) => podInformers.get(namespace)?.informer.list() ?? [],
        costs,
        knownAccelerators,
      });
      resolved.set(`${r.snapshot.namespace}/${r.snapshot.name}`, r);
      const ref = r.va?.spec.scaleTargetRef;
      if (ref) targets.add(`${ref.kind}/${r.snapshot.namespace}/${ref.name}`);
    }
    lastResolved = resolved;
    lastEntries = inv.entries;
    return {
      variants: [...resolved.values()].map((r) => r.snapshot),
      inventory: inv.inventory,
    };
  }
  // Target keys are known before the first snapshot too, so early target changes notify.
  vas.synced.then(() => {
    for (const raw of vas.list()) {
      const spec = (raw.spec ?? {}) as { scaleTargetRef?: { kind?: string; name?: string } };
      const ref = spec.scaleTargetRef;
      if (ref?.kind && ref.name) targets.add(`${ref.kind}/${raw.metadata?.namespace}/${ref.name}`);
    }
  });
  const done = Promise.all(informers.map((i) => i.done)).then(async () => {
    await Promise.all([...podInformers.values()].map((w) => w.informer.done));
  });
  return {
    snapshot,
    synced,
    hasSynced: () => informers.every((i) => i.hasSynced()),
    resolved: (key) => lastResolved.get(key),
    inventoryEntries: () => lastEntries,
    setAcceleratorCosts(config) {
      costs = config;
    },
    done,
  };
}
