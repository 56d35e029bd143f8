/**
 * The full tier (controller-manager, scheduler, kwok fake nodes) with fake GPUs from the shared
 * vendor table: Deployments' pods are scheduled onto the GPU nodes and become Running, pods that
 * ask for more GPUs than any node has stay Pending, and scaling through `/scale` past the GPU
 * capacity leaves the extra pod Pending.
 */
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { applyGpuNodes } from "../../scripts/gpu_nodes.ts";
import { formatGpuSummary, gpuInventory, type NodeLike } from "../../src/core/api/gpu_vendors.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";

const NS = "gpu-test";

function deployment(name: string, replicas: number, resources: Record<string, string>) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{
            name: "sim",
            image: "sim:latest",
            resources: { requests: resources, limits: resources },
          }],
        },
      },
    },
  };
}

const phase = (p: V1Pod) => `${p.spec?.nodeName ?? "-"}:${p.status?.phase}`;

Deno.test(clusterTest("full tier: pods on fake GPU nodes"), async (t) => {
  const cluster = await startTestCluster({ full: true, nodes: 3 });
  const { kube } = cluster;
  const pods = async (app: string) =>
    (await kube.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  try {
    await t.step("three kwok nodes are Ready", async () => {
      const nodes = (await kube.core.listNode()).items;
      assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), [
        "wva-node-0",
        "wva-node-1",
        "wva-node-2",
      ]);
      for (const n of nodes) {
        assert.equal(n.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
      }
    });

    await t.step("applyGpuNodes() gives each node its vendor's GPUs (mix mode)", async () => {
      const rows = await applyGpuNodes(kube, { mode: "mix", gpusPerNode: 2 });
      assert.deepEqual(
        rows.map((r) => [r.node, r.resource, r.capacity, r.allocatable, r.product]),
        [
          ["wva-node-0", "nvidia.com/gpu", 2, 2, "NVIDIA-A100-PCIE-80GB"],
          ["wva-node-1", "amd.com/gpu", 2, 2, "AMD-MI300X-192G"],
          ["wva-node-2", "habana.ai/gaudi", 2, 2, "Intel-Gaudi-2-96GB"],
        ],
      );
      assert.match(
        formatGpuSummary(rows),
        /wva-node-1\s+amd\.com\/gpu\s+2\s+2\s+AMD-MI300X-192G\s+196608/,
      );
    });

    await t.step("a Deployment asking for nvidia.com/gpu runs on the NVIDIA node", async () => {
      await kube.core.createNamespace({ body: { metadata: { name: NS } } });
      // The controller-manager creates the namespace's default ServiceAccount, which pods need.
      await waitFor(
        "default ServiceAccount",
        async () =>
          (await kube.core.readNamespacedServiceAccount({ namespace: NS, name: "default" })) ??
            undefined,
      );
      await kube.apps.createNamespacedDeployment({
        namespace: NS,
        body: deployment("vllm-a100", 2, { "nvidia.com/gpu": "1", cpu: "1" }),
      });
      const running = await waitFor("2 Running pods", async () => {
        const p = await pods("vllm-a100");
        return p.length === 2 && p.every((x) => x.status?.phase === "Running") ? p : undefined;
      });
      assert.deepEqual(running.map(phase), ["wva-node-0:Running", "wva-node-0:Running"]);
      for (const p of running) {
        assert.equal(p.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
      }
    });

    await t.step(
      "scaling past the node's GPUs through /scale leaves the extra pod Pending",
      async () => {
        const target = {
          apiVersion: "apps/v1",
          kind: "Deployment",
          namespace: NS,
          name: "vllm-a100",
        };
        await kube.setReplicas(target, 3);
        const unschedulable = (x: V1Pod) =>
          x.status?.conditions?.some((c) =>
            c.type === "PodScheduled" && c.reason === "Unschedulable"
          );
        const all = await waitFor("3 pods, one Unschedulable", async () => {
          const p = await pods("vllm-a100");
          return p.length === 3 && p.some(unschedulable) ? p : undefined;
        });
        assert.deepEqual(all.map(phase).sort(), [
          "-:Pending",
          "wva-node-0:Running",
          "wva-node-0:Running",
        ]);
        const nodes = (await kube.core.listNode()).items as NodeLike[];
        assert.equal(gpuInventory(nodes).find((r) => r.node === "wva-node-0")?.allocatable, 2);
      },
    );

    await t.step(
      "a pod asking for more GPUs than any node has stays Pending (Unschedulable)",
      async () => {
        await kube.apps.createNamespacedDeployment({
          namespace: NS,
          body: deployment("too-big", 1, { "amd.com/gpu": "3" }),
        });
        const pod = await waitFor("PodScheduled=False", async () => {
          const p = (await pods("too-big"))[0];
          const cond = p?.status?.conditions?.find((c) => c.type === "PodScheduled");
          return cond?.status === "False" ? { p, cond } : undefined;
        });
        assert.equal(pod.cond.reason, "Unschedulable");
        assert.match(pod.cond.message ?? "", /Insufficient amd\.com\/gpu/);
        await new Promise((r) => setTimeout(r, 1500));
        assert.deepEqual((await pods("too-big")).map(phase), ["-:Pending"]);
      },
    );

    await t.step("scaling down through /scale removes pods", async () => {
      await kube.setReplicas({
        apiVersion: "apps/v1",
        kind: "Deployment",
        namespace: NS,
        name: "vllm-a100",
      }, 1);
      await waitFor(
        "1 pod left",
        async () => ((await pods("vllm-a100")).length === 1 ? true : undefined),
      );
    });
  } finally {
    await cluster.stop();
  }
});
