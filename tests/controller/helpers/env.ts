/**
 * The end-to-end environment of the controller tests: a real control plane (full tier: pods run
 * on kwok nodes with fake GPUs), the generated CRD applied, the pod runner running each pod as a
 * `wva emulator` process (Ready once it answers), a real Prometheus scraping them through the
 * runner's targets file, and small helpers to create Deployments and VAs and to read gauges and
 * statuses.
 *
 * @module
 */
import { parse } from "yaml";
import { applyGpuNodes } from "../../../scripts/gpu_nodes.ts";
import { API_VERSION, PLURAL } from "../../../src/core/api/v1alpha1.ts";
import type { Kube } from "../../../src/adapters/kubernetes/kube/mod.ts";
import { type PrometheusHandle, startPrometheus } from "../../helpers/prometheus.ts";
import {
  startTestCluster,
  type TestCluster,
  type TestClusterOptions,
  waitFor,
} from "../../helpers/testcluster.ts";
import { startPodRunner } from "../../../src/adapters/kubernetes/pod_runner/mod.ts";
import { EMULATOR_FLAGS } from "../../../src/modes/emulator/flags.ts";
import { createLogger } from "../../../src/runtime/log.ts";
import { type EmulatedPods, emulatedPods, MODEL_LABEL, testEmulatorArgs } from "./emulated_pods.ts";

/** Products the nodes get (`nvidia-mix`: node-0 H100, node-1 A100, node-2 MI300X). */
export const PRODUCTS = {
  H100: "NVIDIA-H100-SXM5-80GB",
  A100: "NVIDIA-A100-PCIE-80GB",
} as const;

/** A running environment. */
export interface Env {
  readonly cluster: TestCluster;
  readonly kube: Kube;
  readonly prom: PrometheusHandle;
  readonly pods: EmulatedPods;
  readonly namespace: string;
  stop(): Promise<void>;
}

/** Applies manifests/crd.yaml and waits until it is Established. */
export async function applyCrd(kube: Kube): Promise<void> {
  const text = await Deno.readTextFile(new URL("../../../manifests/crd.yaml", import.meta.url));
  const crd = parse(text);
  // Raw request: client-node's typed serializer drops `x-kubernetes-*` schema fields.
  await kube.transport.json("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    method: "POST",
    body: crd,
  });
  await waitFor("CRD established", async () => {
    const c = await kube.apiextensions.readCustomResourceDefinition({ name: crd.metadata.name });
    return c.status?.conditions?.some((x) => x.type === "Established" && x.status === "True")
      ? true
      : undefined;
  });
}

/**
 * Starts everything; `namespace` is created and has its default ServiceAccount. `cluster` adds
 * options of the test cluster (e.g. `{keda: true, hpaSyncPeriod: "2s"}`).
 */
export async function startEnv(
  namespace = "llm",
  cluster_: Pick<TestClusterOptions, "keda" | "hpaSyncPeriod"> = {},
): Promise<Env> {
  const cluster = await startTestCluster({ podRunner: true, nodes: 3, ...cluster_ });
  const { kube } = cluster;
  let prom: PrometheusHandle | undefined;
  let pods: EmulatedPods | undefined;
  try {
    await applyGpuNodes(kube, { mode: "nvidia-mix", gpusPerNode: 8 });
    await applyCrd(kube);
    await kube.core.createNamespace({ body: { metadata: { name: namespace } } });
    await waitFor(
      "default ServiceAccount",
      async () =>
        (await kube.core.readNamespacedServiceAccount({ namespace, name: "default" })) ?? undefined,
    );
    prom = await startPrometheus({ fileTargets: [], scrapeIntervalSec: 1 });
    const log = Deno.env.get("WVA_TEST_LOG") === "1" ? "info" : "error";
    pods = emulatedPods(startPodRunner(kube, {
      emulatorFlags: EMULATOR_FLAGS,
      namespace,
      targetsFile: prom.targetsFile,
      probePeriodMs: 250,
      logger: createLogger({ level: log, base: { component: "pod-runner" } }),
    }));
  } catch (err) {
    await pods?.stop();
    await prom?.stop();
    await cluster.stop();
    throw err;
  }
  const p = prom;
  const f = pods;
  return {
    cluster,
    kube,
    prom: p,
    pods: f,
    namespace,
    async stop() {
      await f.stop();
      await p.stop();
      await cluster.stop();
    },
  };
}

/** Options of {@linkcode createVariant}. */
export interface VariantSpec {
  readonly name: string;
  readonly modelId: string;
  readonly product: string;
  readonly replicas: number;
  readonly cost: number;
  readonly minReplicas?: number;
  readonly maxReplicas: number;
}

/** Creates a Deployment (pods on the product's node, 1 GPU each) and its VA. */
export async function createVariant(env: Env, v: VariantSpec): Promise<void> {
  await createDeployment(env, v);
  await createVa(env, {
    name: v.name,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: v.name },
      modelID: v.modelId,
      variantCost: v.cost,
      minReplicas: v.minReplicas ?? 1,
      maxReplicas: v.maxReplicas,
    },
  });
}

/** Creates the Deployment of a variant: pods on the product's node, 1 GPU each. */
export async function createDeployment(
  env: Env,
  v: Pick<VariantSpec, "name" | "modelId" | "product" | "replicas">,
): Promise<void> {
  const labels = { app: v.name, [MODEL_LABEL]: v.modelId };
  await env.kube.apps.createNamespacedDeployment({
    namespace: env.namespace,
    body: {
      metadata: { name: v.name },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: { app: v.name } },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { "nvidia.com/gpu.product": v.product },
            terminationGracePeriodSeconds: 5,
            containers: [{
              name: "vllm",
              image: "vllm:emulated",
              args: testEmulatorArgs(v.modelId),
              resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
            }],
          },
        },
      },
    },
  });
}

/** Creates a VariantAutoscaling object. */
export async function createVa(
  env: Env,
  va: { readonly name: string; readonly spec: Record<string, unknown> },
): Promise<void> {
  await env.kube.custom.createNamespacedCustomObject({
    group: "llmd.ai",
    version: "v1alpha1",
    namespace: env.namespace,
    plural: PLURAL,
    body: {
      apiVersion: API_VERSION,
      kind: "VariantAutoscaling",
      metadata: { name: va.name },
      spec: va.spec,
    },
  });
}

/** A VA's status (raw JSON). */
// deno-lint-ignore no-explicit-any
export async function vaStatus(env: Env, name: string): Promise<any> {
  const va = await env.kube.transport.json<{ status?: unknown }>(
    `/apis/${API_VERSION}/namespaces/${env.namespace}/${PLURAL}/${name}`,
  );
  return va.status ?? {};
}

/** The condition of a type in a status. */
export function conditionOf(
  status: { conditions?: { type: string; status: string; reason: string }[] },
  type: string,
): { type: string; status: string; reason: string } | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** `spec.replicas` of a Deployment. */
export async function deploymentReplicas(env: Env, name: string): Promise<number> {
  const d = await env.kube.apps.readNamespacedDeployment({ namespace: env.namespace, name });
  return d.spec?.replicas ?? 1;
}

/** Reads one gauge sample from a `/metrics` text. */
export async function gauge(
  metricsUrl: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return undefined;
}
