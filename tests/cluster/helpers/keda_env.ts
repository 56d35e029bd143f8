/**
 * The environment of the actuation-path tests: the cluster demo's stack (src/modes/demo/cluster/
 * stack.ts — the local control plane with KEDA and fake GPUs, Prometheus, the pod runner, the
 * gateway over the Kubernetes endpoint source, `wva controller` as a process without
 * `--direct-scale`) at a test pace, and helpers: a model (Service + Deployment + VA +
 * ScaledObject, shaped like the samples), closed-loop load through the gateway, a recorder of
 * Deployment replicas, Prometheus range queries.
 *
 * @module
 */
import { EMULATOR_FLAGS } from "../../../src/modes/emulator/flags.ts";
import { type ClusterStack, startClusterStack } from "../../../src/modes/demo/cluster/stack.ts";
import type { Obj } from "../../../src/modes/demo/cluster/manifests.ts";
import { readSamples } from "../../../src/modes/demo/cluster/apply.ts";
import { desiredReplicasQuery } from "../../../src/core/api/scaler_manifests.ts";
import { createLogger } from "../../../src/runtime/log.ts";
import { waitFor } from "../../helpers/testcluster.ts";
import { envSkipGate } from "../../helpers/tools.ts";
import { fastHpaBehavior } from "../../helpers/keda_behavior.ts";

export const NS = "llm";
const LOG = Deno.env.get("WVA_TEST_LOG") === "1";

/** The running environment. */
export interface KedaEnv {
  readonly stack: ClusterStack;
  /** Every JSON line of the controller (across restarts). */
  readonly controllerLines: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Options of {@linkcode startKedaEnv}. */
export interface KedaEnvOptions {
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** Extra controller flags. */
  readonly controllerArgs?: readonly string[];
  /** Edits of the shipped ConfigMaps. */
  readonly configMaps?: (shipped: readonly Obj[]) => Obj[];
}

/** Starts the stack at the tests' pace: HPA sync 2 s, controller cycle 2 s, scrape 1 s. */
export async function startKedaEnv(options: KedaEnvOptions): Promise<KedaEnv> {
  envSkipGate("cluster", "WVA_SKIP_CLUSTER").check();
  const dir = await Deno.makeTempDir({ prefix: "wva-keda-env-" });
  const controllerLines: Record<string, unknown>[] = [];
  const stack = await startClusterStack({
    dir,
    nodes: options.nodes,
    gpuType: "nvidia-mix",
    gpusPerNode: options.gpusPerNode,
    hpaSyncPeriod: "2s",
    namespace: NS,
    emulatorFlags: EMULATOR_FLAGS,
    controllerArgs: [
      "--interval=2s",
      "--debounce=200ms",
      "--metrics-window=6s",
      "--stale-after=8s",
      "--warmup=4s",
      "--status-refresh=5s",
      ...(options.controllerArgs ?? []),
    ],
    ...(options.configMaps ? { configMaps: options.configMaps } : {}),
    build: false,
    ...(LOG ? { onProgress: (l: string) => console.error(l) } : {}),
    onControllerLog: (r) => {
      controllerLines.push({ ...r });
      if (LOG && r.msg === "cycle-model") console.error(JSON.stringify(r.variants));
    },
    logger: createLogger({ level: LOG ? "info" : "error" }),
  });
  await stack.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }]);
  await waitFor(
    "default ServiceAccount",
    async () =>
      (await stack.kube.core.readNamespacedServiceAccount({ namespace: NS, name: "default" })) ??
        undefined,
  );
  return {
    stack,
    controllerLines,
    stop: async () => {
      await stack.stop();
      if (Deno.env.get("WVA_KEEP_CLUSTER") !== "1") {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Fake GPU products of `nvidia-mix` nodes 0, 1, 2. */
export const NODE_GPU = {
  H100: {
    label: "nvidia.com/gpu.product",
    product: "NVIDIA-H100-SXM5-80GB",
    resource: "nvidia.com/gpu",
  },
  A100: {
    label: "nvidia.com/gpu.product",
    product: "NVIDIA-A100-PCIE-80GB",
    resource: "nvidia.com/gpu",
  },
  MI300X: {
    label: "amd.com/gpu.product-name",
    product: "AMD-MI300X-192G",
    resource: "amd.com/gpu",
  },
} as const;

/** One model of a test: one variant, one Service, a VA and a ScaledObject like the samples'. */
export interface ModelSpec {
  /** Variant name (Deployment, VA, ScaledObject). */
  readonly name: string;
  readonly model: string;
  readonly accelerator: keyof typeof NODE_GPU;
  readonly replicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly gpusPerReplica?: number;
  readonly analyzer?: "saturation-v1" | "saturation-v2";
  /** KEDA's minReplicaCount. @default minReplicas */
  readonly kedaMin?: number;
  /** Deep-merged over the ScaledObject's spec (as the sample, at the tests' pace). */
  readonly scaledObject?: Obj;
  /** Emulator loading time. @default "1s" */
  readonly startupDelay?: string;
}

/** Small engines so a few concurrent requests saturate a replica (KV: 64 blocks of 16 tokens). */
function podArgs(model: string, startupDelay: string): string[] {
  return [
    "emulator",
    "--host=0.0.0.0",
    "--port=8000",
    `--model=${model}`,
    "--preset=H100",
    "--max-num-seqs=8",
    "--num-gpu-blocks-override=64",
    "--max-model-len=1024",
    `--startup-delay=${startupDelay}`,
    "--drain-timeout=5s",
    "--output-mode=exact",
  ];
}

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && a[k] && typeof a[k] === "object"
      ? merge(a[k], v)
      : v;
  }
  return out;
}

/** The objects of a model, from the samples. */
export async function modelObjects(env: KedaEnv, m: ModelSpec): Promise<Obj[]> {
  const s = await readSamples();
  const gpu = NODE_GPU[m.accelerator];
  const gpus = String(m.gpusPerReplica ?? 1);
  const labels = { app: m.name, "llm-d.ai/variant": m.name };
  const d = structuredClone(s.deployment);
  d.metadata = { name: m.name, namespace: NS, labels };
  d.spec.replicas = m.replicas;
  d.spec.selector = { matchLabels: labels };
  d.spec.template.metadata.labels = labels;
  d.spec.template.spec.nodeSelector = { [gpu.label]: gpu.product };
  d.spec.template.spec.terminationGracePeriodSeconds = 10;
  const c = d.spec.template.spec.containers[0];
  c.args = podArgs(m.model, m.startupDelay ?? "1s");
  c.readinessProbe = { ...c.readinessProbe, periodSeconds: 1 };
  c.resources = { requests: { [gpu.resource]: gpus }, limits: { [gpu.resource]: gpus } };
  const svc = structuredClone(s.service);
  svc.metadata = { name: m.name, namespace: NS, annotations: { "llm-d.ai/model-id": m.model } };
  svc.spec.selector = labels;
  const va = structuredClone(s.variantAutoscaling);
  va.metadata = { name: m.name, namespace: NS };
  va.spec = {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: m.name },
    modelID: m.model,
    accelerator: m.accelerator,
    gpusPerReplica: m.gpusPerReplica ?? 1,
    variantCost: "10",
    minReplicas: m.minReplicas,
    maxReplicas: m.maxReplicas,
    ...(m.analyzer ? { analyzer: m.analyzer } : {}),
  };
  const so = structuredClone(s.scaledObject);
  so.metadata = { name: m.name, namespace: NS };
  so.spec = merge({
    ...so.spec,
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: m.name },
    minReplicaCount: m.kedaMin ?? m.minReplicas,
    maxReplicaCount: m.maxReplicas,
    pollingInterval: 2,
    cooldownPeriod: 5,
    advanced: fastHpaBehavior(5),
    triggers: [{
      ...so.spec.triggers[0],
      metadata: {
        ...so.spec.triggers[0].metadata,
        serverAddress: env.stack.prometheus.url,
        query: desiredReplicasQuery(m.name, NS),
      },
    }],
  }, m.scaledObject ?? {});
  return [svc, d, va, so];
}

/** Applies a model's objects. */
export async function createModel(env: KedaEnv, m: ModelSpec): Promise<void> {
  await env.stack.apply(await modelObjects(env, m));
}

/** `spec.replicas` and ready replicas of a Deployment. */
export async function deployment(
  env: KedaEnv,
  name: string,
): Promise<{ spec: number; ready: number }> {
  const d = await env.stack.kube.apps.readNamespacedDeployment({ namespace: NS, name });
  return { spec: d.spec?.replicas ?? 0, ready: d.status?.readyReplicas ?? 0 };
}

/** Waits until a Deployment satisfies `check`. */
export function untilDeployment(
  env: KedaEnv,
  name: string,
  what: string,
  check: (d: { spec: number; ready: number }) => boolean,
  timeoutMs = 60_000,
): Promise<{ spec: number; ready: number }> {
  return waitFor(`${name}: ${what}`, async () => {
    const d = await deployment(env, name);
    return check(d) ? d : undefined;
  }, { timeoutMs, intervalMs: 250 });
}

/** Polls Deployments every 250 ms and keeps every observed `spec.replicas` with its time. */
export function recordReplicas(env: KedaEnv, names: readonly string[]) {
  const series = new Map<string, { atMs: number; spec: number; ready: number }[]>(
    names.map((n) => [n, []]),
  );
  let on = true;
  const done = (async () => {
    while (on) {
      for (const n of names) {
        const d = await deployment(env, n).catch(() => undefined);
        const s = series.get(n)!;
        if (d && (s.at(-1)?.spec !== d.spec || s.at(-1)?.ready !== d.ready)) {
          s.push({ atMs: Date.now(), ...d });
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    series,
    /** Smallest `spec.replicas` seen in [fromMs, toMs] (the value in force at fromMs included). */
    minBetween(name: string, fromMs: number, toMs: number): number {
      const s = series.get(name)!;
      const before = s.filter((x) => x.atMs <= fromMs).at(-1);
      const inside = s.filter((x) => x.atMs > fromMs && x.atMs <= toMs);
      return Math.min(...[before, ...inside].filter((x) => !!x).map((x) => x!.spec));
    },
    stop: async () => {
      on = false;
      await done;
    },
  };
}

/** Closed-loop clients through the gateway; `set(n)` changes how many run. */
export function gatewayLoad(env: KedaEnv, model: string) {
  const counts = { ok: 0, failed: 0 };
  const workers: AbortController[] = [];
  const body = JSON.stringify({ model, prompt: "hello ".repeat(60), max_tokens: 64 });
  const worker = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      try {
        const res = await fetch(`${env.stack.gateway.url}/v1/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal,
        });
        await res.text();
        if (res.ok) counts.ok++;
        else counts.failed++;
      } catch {
        if (!signal.aborted) {
          counts.failed++;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  };
  const running: Promise<void>[] = [];
  return {
    counts,
    set(n: number) {
      while (workers.length < n) {
        const c = new AbortController();
        workers.push(c);
        running.push(worker(c.signal));
      }
      while (workers.length > n) workers.pop()!.abort();
    },
    async stop() {
      for (const c of workers.splice(0)) c.abort();
      await Promise.allSettled(running);
    },
  };
}

/** A range query: each series' values over [startMs, endMs] at `stepSec`. */
export async function promRange(
  env: KedaEnv,
  expr: string,
  startMs: number,
  endMs: number,
  stepSec = 1,
): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
  const q = new URLSearchParams({
    query: expr,
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step: `${stepSec}s`,
  });
  const res = await fetch(`${env.stack.prometheus.url}/api/v1/query_range?${q}`);
  const body = await res.json();
  if (body.status !== "success") throw new Error(`query_range failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Collapses repeats: [1,1,2,2,3,2] → [1,2,3,2]. */
export function distinctRuns(values: readonly number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

/** True when the values only rise, then only fall (no up-down-up alternation). */
export function isUnimodal(values: readonly number[]): boolean {
  const runs = distinctRuns(values);
  let i = 1;
  while (i < runs.length && runs[i]! > runs[i - 1]!) i++;
  while (i < runs.length && runs[i]! < runs[i - 1]!) i++;
  return i >= runs.length;
}

/** The controller's `cycle-model` lines of a model. */
export function cycleLines(env: KedaEnv, model: string): Record<string, unknown>[] {
  return env.controllerLines.filter((l) => l.msg === "cycle-model" && l.model === model);
}
