/**
 * The cluster-reader + sink contract (cluster_contract.ts) against every backend: the in-memory
 * one, the local replica pool (real emulator servers on loopback), and Kubernetes (the watch
 * backend and the Kubernetes sink with direct scaling, on a real kube-apiserver with
 * controller-manager, scheduler and kwok nodes with fake GPUs).
 */
import { createKubeSink } from "../../src/adapters/kubernetes/actuator/kube_sink.ts";
import { startKubeBackend } from "../../src/adapters/kubernetes/backend/backend.ts";
import type { Kube } from "../../src/adapters/kubernetes/kube/mod.ts";
import { createLocalPool } from "../../src/adapters/local/pool.ts";
import { memoryBackend, variantSnapshot } from "../../src/adapters/memory/memory_ports.ts";
import { API_VERSION, KIND, PLURAL } from "../../src/core/api/v1alpha1.ts";
import { applyGpuNodes } from "../../scripts/gpu_nodes.ts";
import { applyCrd, PRODUCTS } from "../controller/helpers/env.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { clusterContract, type ClusterFixture, type VariantFixture } from "./cluster_contract.ts";

Deno.test("ClusterReader + DecisionSink contract: memory", async (t) => {
  await clusterContract(t, (fixture) => {
    const backend = memoryBackend({
      variants: fixture.variants.map((f) =>
        variantSnapshot({ ...f, currentReplicas: f.replicas, problems: [] })
      ),
      inventory: fixture.inventory,
    });
    return Promise.resolve({ cluster: backend, sink: backend, close: () => Promise.resolve() });
  });
});

Deno.test({
  name: "ClusterReader + DecisionSink contract: local pool",
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  await clusterContract(t, (fixture) => {
    const pool = createLocalPool({
      variants: fixture.variants.map((f) => ({
        ...f,
        initialReplicas: f.replicas,
        emulator: { maxNumSeqs: 4, preset: "H100" },
      })),
      inventory: fixture.inventory,
      loadingDelayMs: 0,
      probeIntervalMs: 50,
      drainTimeoutMs: 0,
    });
    pool.start();
    return Promise.resolve({ cluster: pool, sink: pool, close: () => pool.close() });
  });
});

const PRODUCT_OF: Readonly<Record<string, string>> = {
  A100: PRODUCTS.A100,
  H100: PRODUCTS.H100,
};

/** A Deployment (pods on the accelerator's nodes) and its VariantAutoscaling. */
async function createVariant(kube: Kube, f: VariantFixture): Promise<void> {
  const labels = { app: f.name };
  const gpus = String(f.gpusPerReplica);
  await kube.apps.createNamespacedDeployment({
    namespace: f.namespace,
    body: {
      metadata: { name: f.name },
      spec: {
        replicas: f.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { "nvidia.com/gpu.product": PRODUCT_OF[f.accelerator]! },
            containers: [{
              name: "vllm",
              image: "vllm:emulated",
              resources: {
                requests: { "nvidia.com/gpu": gpus },
                limits: { "nvidia.com/gpu": gpus },
              },
            }],
          },
        },
      },
    },
  });
  await kube.transport.json(`/apis/${API_VERSION}/namespaces/${f.namespace}/${PLURAL}`, {
    method: "POST",
    body: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name: f.name, namespace: f.namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: f.name },
        modelID: f.modelId,
        variantCost: String(f.costPerReplica),
        minReplicas: f.minReplicas,
        maxReplicas: f.maxReplicas,
      },
    },
  });
}

async function kubernetesWorld(fixture: ClusterFixture) {
  const cluster = await startTestCluster({ full: true, nodes: 3 });
  const { kube } = cluster;
  const ctrl = new AbortController();
  try {
    await applyGpuNodes(kube, { mode: "nvidia-mix", gpusPerNode: 8 });
    await applyCrd(kube);
    for (const ns of new Set(fixture.variants.map((f) => f.namespace))) {
      await kube.core.createNamespace({ body: { metadata: { name: ns } } });
      await waitFor(
        `default ServiceAccount of ${ns}`,
        async () =>
          (await kube.core.readNamespacedServiceAccount({ namespace: ns, name: "default" })) ??
            undefined,
      );
    }
    for (const f of fixture.variants) await createVariant(kube, f);
    const backend = startKubeBackend(kube, {
      namespace: "wva-system",
      signal: ctrl.signal,
      warmupMs: 0,
    });
    await backend.synced;
    const sink = createKubeSink(kube, { directScale: true, nowMs: () => Date.now() });
    return {
      cluster: backend,
      sink,
      close: async () => {
        ctrl.abort();
        await backend.done;
        await cluster.stop();
      },
    };
  } catch (err) {
    ctrl.abort();
    await cluster.stop();
    throw err;
  }
}

Deno.test({
  ...clusterTest("ClusterReader + DecisionSink contract: Kubernetes"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  await clusterContract(t, kubernetesWorld);
});
