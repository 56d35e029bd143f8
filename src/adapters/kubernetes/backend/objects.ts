/**
 * Projections of the Kubernetes objects the backend caches: only the fields the controller
 * reads, so watching every Deployment, Pod and Node of a large cluster stays cheap. Pure; the
 * raw objects are the apiserver's JSON.
 *
 * @module
 */
import { gpusRequested, type PodTemplateLike } from "../../../core/api/accelerator.ts";
import type { ArgsContainerLike } from "../../../core/api/engine_args.ts";
import { detectEngine, type InferenceEngine } from "../../../core/api/engine.ts";
import { GPU_VENDORS, type NodeLike, vendorByKind } from "../../../core/api/gpu_vendors.ts";
import type { LabelSelector, LabelSelectorRequirement } from "./selector.ts";

/** GPU extended resource names of every vendor: the only resources the projections keep. */
const GPU_RESOURCES: ReadonlySet<string> = new Set(GPU_VENDORS.map((v) => v.resource));

type Json = Record<string, unknown>;

function obj(x: unknown): Json {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? x as Json : {};
}

function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

function strings(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(x))) if (typeof v === "string") out[k] = v;
  return out;
}

function int(x: unknown, fallback: number): number {
  return typeof x === "number" && Number.isFinite(x) ? x : fallback;
}

/** A Deployment or StatefulSet, as far as the controller cares. */
export interface WorkloadInfo {
  readonly kind: "Deployment" | "StatefulSet";
  readonly namespace: string;
  readonly name: string;
  /** `metadata.uid`; undefined when absent. */
  readonly uid: string | undefined;
  /** `spec.replicas` (Kubernetes defaults an unset value to 1). */
  readonly specReplicas: number;
  readonly statusReplicas: number;
  readonly readyReplicas: number;
  readonly selector: LabelSelector;
  /** `spec.template`, reduced to what the accelerator resolution reads. */
  readonly template: PodTemplateLike;
  /** The template's containers' command and args (the engine's capacity flags). */
  readonly commandLines: readonly ArgsContainerLike[];
  /** The serving engine of the template (`sglang` by image or launch command, else `vllm`). */
  readonly engine: InferenceEngine;
  readonly deleting: boolean;
}

/** A pod: enough to map it to its workload and count it. */
export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string;
  readonly ready: boolean;
  /** When the pod last became Ready (epoch ms); undefined when unknown or not ready. */
  readonly readySinceMs: number | undefined;
  readonly deleting: boolean;
}

function requirements(x: unknown): LabelSelectorRequirement[] {
  return arr(x).map((r) => {
    const o = obj(r);
    return {
      key: String(o.key ?? ""),
      operator: String(o.operator ?? ""),
      values: arr(o.values).map(String),
    };
  });
}

function gpuResources(x: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(obj(x))) {
    if (GPU_RESOURCES.has(k) && (typeof v === "string" || typeof v === "number")) out[k] = v;
  }
  return out;
}

function containers(x: unknown) {
  return arr(x).map((c) => {
    const res = obj(obj(c).resources);
    return {
      resources: { limits: gpuResources(res.limits), requests: gpuResources(res.requests) },
    };
  });
}

/**
 * Reduces a pod template to what the accelerator resolution (src/core/api/accelerator.ts) reads:
 * the node selector, node affinity, and the GPU resources of the (init) containers.
 */
export function projectTemplate(template: unknown): PodTemplateLike {
  const spec = obj(obj(template).spec);
  const nodeAffinity = obj(obj(spec.affinity).nodeAffinity);
  const terms = (x: unknown) => ({ matchExpressions: requirements(obj(x).matchExpressions) });
  return {
    spec: {
      nodeSelector: strings(spec.nodeSelector),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: arr(
              obj(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
            ).map(terms),
          },
          preferredDuringSchedulingIgnoredDuringExecution: arr(
            nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
          ).map((p) => ({ weight: int(obj(p).weight, 0), preference: terms(obj(p).preference) })),
        },
      },
      containers: containers(spec.containers),
      initContainers: containers(spec.initContainers),
    },
  };
}

/** Projects a Deployment or StatefulSet. */
export function projectWorkload(
  kind: "Deployment" | "StatefulSet",
  raw: unknown,
): WorkloadInfo | undefined {
  const o = obj(raw);
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  if (typeof meta.name !== "string") return undefined;
  const sel = obj(spec.selector);
  return {
    kind,
    namespace: String(meta.namespace ?? ""),
    name: meta.name,
    uid: typeof meta.uid === "string" ? meta.uid : undefined,
    specReplicas: int(spec.replicas, 1),
    statusReplicas: int(status.replicas, 0),
    readyReplicas: int(status.readyReplicas, 0),
    selector: {
      matchLabels: strings(sel.matchLabels),
      matchExpressions: requirements(sel.matchExpressions),
    },
    template: projectTemplate(spec.template),
    commandLines: arr(obj(obj(spec.template).spec).containers).map((c) => ({
      command: arr(obj(c).command).map(String),
      args: arr(obj(c).args).map(String),
    })),
    engine: detectEngine({
      spec: {
        containers: arr(obj(obj(spec.template).spec).containers).map((c) => ({
          image: typeof obj(c).image === "string" ? String(obj(c).image) : undefined,
          command: arr(obj(c).command).map(String),
          args: arr(obj(c).args).map(String),
        })),
      },
    }),
    deleting: meta.deletionTimestamp !== undefined,
  };
}

/** Projects a Pod. */
export function projectPod(raw: unknown): PodInfo | undefined {
  const o = obj(raw);
  const meta = obj(o.metadata);
  const status = obj(o.status);
  if (typeof meta.name !== "string") return undefined;
  const readyCond = arr(status.conditions).map(obj).find((c) => c.type === "Ready");
  const ready = readyCond?.status === "True";
  const since = ready ? Date.parse(String(readyCond?.lastTransitionTime ?? "")) : NaN;
  return {
    namespace: String(meta.namespace ?? ""),
    name: meta.name,
    labels: strings(meta.labels),
    phase: String(status.phase ?? "Unknown"),
    ready,
    readySinceMs: Number.isFinite(since) ? since : undefined,
    deleting: meta.deletionTimestamp !== undefined,
  };
}

/** Projects a Node to what the GPU inventory reads (labels, capacity, allocatable). */
export function projectNode(raw: unknown): NodeLike | undefined {
  const o = obj(raw);
  const meta = obj(o.metadata);
  const status = obj(o.status);
  if (typeof meta.name !== "string") return undefined;
  const keep = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).filter(([k]) => GPU_RESOURCES.has(k)));
  const ready = arr(status.conditions).map(obj).find((c) => c.type === "Ready");
  return {
    metadata: { name: meta.name, labels: strings(meta.labels) },
    ...(obj(o.spec).unschedulable === true ? { spec: { unschedulable: true } } : {}),
    status: {
      capacity: keep(strings(status.capacity)),
      allocatable: keep(strings(status.allocatable)),
      ...(ready ? { conditions: [{ type: "Ready", status: String(ready.status ?? "") }] } : {}),
    },
  };
}

/** A scheduled, non-terminal pod that requests GPUs: what it holds, and where. */
export interface GpuPodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  /** GPUs requested per vendor resource (e.g. `nvidia.com/gpu`), init-container rule applied. */
  readonly gpus: Readonly<Record<string, number>>;
}

/**
 * Projects a pod that holds GPUs: scheduled (`spec.nodeName`), not Succeeded or Failed, with a
 * GPU request (Kubernetes' effective request: the sum over containers, or the largest init
 * container's when larger — {@linkcode gpusRequested}). Any other pod is dropped.
 */
export function projectGpuPod(raw: unknown): GpuPodInfo | undefined {
  const o = obj(raw);
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const phase = String(obj(o.status).phase ?? "");
  const nodeName = spec.nodeName;
  if (typeof meta.name !== "string" || typeof nodeName !== "string" || nodeName === "") {
    return undefined;
  }
  if (phase === "Succeeded" || phase === "Failed") return undefined;
  const requested = gpusRequested(projectTemplate({ spec }));
  const gpus: Record<string, number> = {};
  for (const [kind, n] of requested) gpus[vendorByKind(kind).resource] = n;
  if (Object.keys(gpus).length === 0) return undefined;
  return { namespace: String(meta.namespace ?? ""), name: meta.name, nodeName, gpus };
}
