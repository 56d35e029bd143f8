/**
 * What the cluster demo watches in its namespace: the Deployments (`spec.replicas`, ready
 * replicas), the HPAs KEDA makes (`status.desiredReplicas`, by their scale target) and the pods
 * (ready, loading, draining, waiting for a GPU), per variant. Every change of an HPA's desired
 * count, a Deployment's replicas or its ready count is recorded as a hop event with its time.
 *
 * @module
 */
import { startInformer } from "../../../adapters/kubernetes/backend/informer.ts";
import type { Kube } from "../../../adapters/kubernetes/kube/mod.ts";
import type { Hop, HopEvent } from "./hops.ts";

/** A variant's pods, by state. */
export interface PodCounts {
  readonly ready: number;
  readonly loading: number;
  readonly draining: number;
  readonly unschedulable: number;
}

/** A variant's chain now. */
export interface VariantChainState extends PodCounts {
  /** The HPA's desired count (undefined: no HPA yet). */
  readonly hpaDesired: number | undefined;
  /** The Deployment's `spec.replicas`. */
  readonly replicas: number | undefined;
}

interface RawMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly deletionTimestamp?: string;
}
interface RawDeployment {
  readonly metadata?: RawMeta;
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly readyReplicas?: number };
}
interface RawHpa {
  readonly metadata?: RawMeta;
  readonly spec?: { readonly scaleTargetRef?: { readonly name?: string } };
  readonly status?: { readonly desiredReplicas?: number };
}
interface RawPod {
  readonly metadata?: RawMeta;
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

type PodState = keyof PodCounts;

/** A pod's state for the view (pure). */
export function podState(pod: RawPod): PodState {
  if (pod.metadata?.deletionTimestamp) return "draining";
  const cond = (type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;
  if (cond("Ready") === "True") return "ready";
  if (pod.status?.phase === "Pending" && cond("PodScheduled") === "False") return "unschedulable";
  return "loading";
}

/** The running watchers. */
export interface ClusterWatch {
  readonly synced: Promise<void>;
  /** Every hop event so far (hpa, deployment, ready), in order. */
  readonly events: readonly HopEvent[];
  chain(variant: string): VariantChainState;
  stop(): Promise<void>;
}

/** Watches the namespace; `variantOf` maps a pod to its variant (its `llm-d.ai/variant` label). */
export function watchCluster(
  kube: Pick<Kube, "watch">,
  namespace: string,
  nowMs: () => number = Date.now,
): ClusterWatch {
  const ctrl = new AbortController();
  const events: HopEvent[] = [];
  const last = new Map<string, number>();
  const record = (variant: string, hop: Hop, value: number | undefined) => {
    if (value === undefined) return;
    const key = `${variant}/${hop}`;
    if (last.get(key) === value) return;
    last.set(key, value);
    events.push({ atMs: nowMs(), variant, hop, value });
  };
  const deployments = startInformer<RawDeployment, { replicas: number | undefined; ready: number }>(
    kube,
    {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      project: (d) => ({ replicas: d.spec?.replicas, ready: d.status?.readyReplicas ?? 0 }),
      onChange: (key, _b, after) => {
        const name = key.slice(key.indexOf("/") + 1);
        record(name, "deployment", after?.replicas);
        record(name, "ready", after?.ready);
      },
      signal: ctrl.signal,
    },
  );
  const hpas = startInformer<RawHpa, { target: string; desired: number | undefined }>(kube, {
    path: `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers`,
    project: (h) => ({
      target: h.spec?.scaleTargetRef?.name ?? "",
      desired: h.status?.desiredReplicas,
    }),
    onChange: (_k, _b, after) => after && record(after.target, "hpa", after.desired),
    signal: ctrl.signal,
  });
  const pods = startInformer<RawPod, { variant: string; state: PodState }>(kube, {
    path: `/api/v1/namespaces/${namespace}/pods`,
    project: (p) => {
      const variant = p.metadata?.labels?.["llm-d.ai/variant"];
      return variant ? { variant, state: podState(p) } : undefined;
    },
    signal: ctrl.signal,
  });
  return {
    synced: Promise.all([deployments.synced, hpas.synced, pods.synced]).then(() => {}),
    events,
    chain(variant) {
      const counts = { ready: 0, loading: 0, draining: 0, unschedulable: 0 };
      for (const p of pods.list()) if (p.variant === variant) counts[p.state]++;
      const hpa = hpas.list().find((h) => h.target === variant);
      return {
        ...counts,
        hpaDesired: hpa?.desired,
        replicas: deployments.get(`${namespace}/${variant}`)?.replicas,
      };
    },
    async stop() {
      ctrl.abort();
      await Promise.all([deployments.done, hpas.done, pods.done]);
    },
  };
}
