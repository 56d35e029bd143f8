import assert from "node:assert/strict";
import { parseAcceleratorCosts } from "../../../core/api/configmaps/mod.ts";
import { memoryKube } from "../kube/memory_kube.ts";
import { type KubeBackendOptions, startKubeBackend } from "./backend.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const VAS = "/apis/llmd.ai/v1alpha1/variantautoscalings";
const DEPLOYMENTS = "/apis/apps/v1/deployments";
const PODS = "/api/v1/pods";
const NODES = "/api/v1/nodes";
const CONFIGMAPS = "/api/v1/configmaps";
const A100 = "NVIDIA-A100-PCIE-80GB";

function va(name: string, namespace = "llm", spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
    spec: { scaleTargetRef: { kind: "Deployment", name }, modelID: "m", ...spec },
  };
}

function deployment(name: string, replicas: number, namespace = "llm") {
  return {
    metadata: { name, namespace, uid: `uid-deploy-${name}` },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        spec: {
          nodeSelector: { "nvidia.com/gpu.product": A100 },
          containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } } }],
        },
      },
    },
    status: { replicas, readyReplicas: replicas },
  };
}

function pod(app: string, i: number, readyAt: string, namespace = "llm") {
  return {
    metadata: { name: `${app}-${i}`, namespace, labels: { app } },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: readyAt }],
    },
  };
}

function node(name: string, gpus: string) {
  return {
    metadata: { name, labels: { "nvidia.com/gpu.product": A100 } },
    status: { capacity: { "nvidia.com/gpu": gpus }, allocatable: { "nvidia.com/gpu": gpus } },
  };
}

/** A fake cluster, a backend on it, and what the backend reported. */
async function setup(options: Partial<KubeBackendOptions> = {}) {
  const kube = memoryKube();
  kube.put(VAS, va("a"));
  kube.put(DEPLOYMENTS, deployment("a", 2));
  kube.put(PODS, pod("a", 0, "2026-01-01T00:00:00Z"));
  kube.put(PODS, pod("a", 1, "2026-01-01T00:09:50Z")); // ready 10 s ago: warming up
  kube.put(NODES, node("n0", "8"));
  const changes: string[] = [];
  const configMaps: [string, unknown][] = [];
  const ctrl = new AbortController();
  const backend = startKubeBackend(kube, {
    namespace: "wva-system",
    configMapNames: ["wva-saturation-scaling-config"],
    signal: ctrl.signal,
    warmupMs: 60_000,
    onChange: (what) => changes.push(what),
    onConfigMap: (name, data) => configMaps.push([name, data]),
    ...options,
  });
  await backend.synced;
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const stop = async () => {
    ctrl.abort();
    await backend.done;
  };
  return { kube, backend, changes, configMaps, settle, stop };
}

Deno.test("startKubeBackend() builds the snapshot from its watch caches", async (t) => {
  const env = await setup();
  try {
    await t.step("variants, replicas (warm-up), what the sink needs, the inventory", async () => {
      const s = await env.backend.snapshot(NOW);
      assert.equal(s.variants.length, 1);
      const v = s.variants[0]!;
      assert.deepEqual([v.namespace, v.name, v.modelId, v.accelerator], ["llm", "a", "m", "A100"]);
      assert.deepEqual([v.currentReplicas, v.readyReplicas, v.pendingReplicas], [2, 1, 1]);
      assert.deepEqual(v.replicaIds, ["a-0", "a-1"]);
      assert.deepEqual(v.scaleTarget, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "a",
        uid: "uid-deploy-a",
        specReplicas: 2,
      });
      assert.equal(v.object?.uid, "uid-a");
      assert.equal(
        v.object?.resourceVersion,
        env.kube.get(VAS, "llm", "a")!.metadata!.resourceVersion,
      );
      assert.deepEqual(s.inventory, { A100: 8 });
      assert.deepEqual(s.inventoryEntries?.map((e) => [e.accelerator, e.vendor, e.gpus]), [
        ["A100", "nvidia", 8],
      ]);
    });
    await t.step("the snapshot makes no API call", async () => {
      const before = env.kube.requests.length;
      await env.backend.snapshot(NOW);
      assert.equal(env.kube.requests.length, before);
    });
    await t.step("a deleted target becomes a blocking TargetNotFound problem", async () => {
      env.kube.remove(DEPLOYMENTS, "llm", "a");
      await env.settle();
      const v = (await env.backend.snapshot(NOW)).variants[0]!;
      assert.deepEqual(v.problems.map((p) => [p.reason, p.blocking]), [["TargetNotFound", true]]);
      assert.equal(v.scaleTarget?.specReplicas, undefined);
    });
    await t.step("the unit-cost ConfigMap prices the next snapshot", async () => {
      env.kube.put(DEPLOYMENTS, deployment("a", 2));
      await env.settle();
      const costs = parseAcceleratorCosts({ A100: `device: ${A100}\ncost: 40` }).config;
      env.backend.setAcceleratorCosts(costs);
      assert.equal((await env.backend.snapshot(NOW)).variants[0]!.costPerReplica, 40);
    });
  } finally {
    await env.stop();
  }
});

Deno.test("startKubeBackend() reports the changes that deserve a cycle", async (t) => {
  const env = await setup();
  const since = () => env.changes.splice(0);
  try {
    await env.backend.snapshot(NOW); // learns the targets
    since();
    const cases: [string, () => void, string[]][] = [
      ["a VA spec change (new generation)", () => {
        const a = va("a");
        env.kube.put(VAS, { ...a, metadata: { ...a.metadata, generation: 2 } });
      }, ["variantautoscaling"]],
      ["a status-only VA update (our own write)", () => {
        const a = va("a");
        env.kube.put(VAS, { ...a, metadata: { ...a.metadata, generation: 2 }, status: {} });
      }, []],
      ["the target's replicas", () => env.kube.put(DEPLOYMENTS, deployment("a", 3)), [
        "deployment",
      ]],
      ["a Deployment no VA scales", () => env.kube.put(DEPLOYMENTS, deployment("other", 1)), []],
      ["a node's GPUs", () => env.kube.put(NODES, node("n0", "4")), ["node"]],
      ["a new VA", () => env.kube.put(VAS, va("b")), ["variantautoscaling"]],
    ];
    for (const [name, change, want] of cases) {
      await t.step(name, async () => {
        change();
        await env.settle();
        assert.deepEqual(since(), want);
      });
    }
    await t.step("a watched ConfigMap of the controller's namespace", async () => {
      const cm = (name: string, namespace: string) => ({
        metadata: { name, namespace },
        data: { default: "kvCacheThreshold: 0.9" },
      });
      env.kube.put(CONFIGMAPS, cm("wva-saturation-scaling-config", "wva-system"));
      env.kube.put(CONFIGMAPS, cm("unrelated", "wva-system"));
      env.kube.put(CONFIGMAPS, cm("wva-saturation-scaling-config", "elsewhere"));
      await env.settle();
      assert.deepEqual(since(), ["configmap"]);
      assert.deepEqual(env.configMaps, [[
        "wva-saturation-scaling-config",
        { default: "kvCacheThreshold: 0.9" },
      ]]);
    });
  } finally {
    await env.stop();
  }
});

Deno.test("startKubeBackend() watches pods only where VAs live", async (t) => {
  const env = await setup();
  // The cluster-wide watch of GPU-holding pods (the limiter's usage) is always there.
  const podWatches = () =>
    env.kube.watching().filter((p) => p.endsWith("/pods") && p !== "/api/v1/pods");
  try {
    await t.step("one pod watch per namespace holding VAs", () => {
      assert.deepEqual(podWatches(), ["/api/v1/namespaces/llm/pods"]);
    });
    await t.step("a VA in a new namespace: its pods map on the next snapshot", async () => {
      env.kube.put(DEPLOYMENTS, deployment("c", 1, "other"));
      env.kube.put(PODS, pod("c", 0, "2026-01-01T00:00:00Z", "other"));
      env.kube.put(VAS, va("c", "other"));
      await env.settle();
      const c = (await env.backend.snapshot(NOW)).variants.find((v) => v.name === "c")!;
      assert.deepEqual([c.replicaIds, c.readyReplicas], [["c-0"], 1]);
      assert.deepEqual(podWatches(), [
        "/api/v1/namespaces/llm/pods",
        "/api/v1/namespaces/other/pods",
      ]);
    });
    await t.step("the last VA of a namespace gone: its pod watch stops", async () => {
      env.kube.remove(VAS, "other", "c");
      await env.settle();
      assert.deepEqual(podWatches(), ["/api/v1/namespaces/llm/pods"]);
    });
  } finally {
    await env.stop();
  }
  await t.step("stopped: every watch has ended", () => assert.deepEqual(env.kube.watching(), []));
});

function gpuPod(
  name: string,
  namespace: string,
  nodeName: string,
  gpus: string,
  phase = "Running",
) {
  return {
    metadata: { name, namespace, labels: { app: name } },
    spec: { nodeName, containers: [{ resources: { requests: { "nvidia.com/gpu": gpus } } }] },
    status: { phase },
  };
}

Deno.test("startKubeBackend() inventory: schedulable nodes, GPUs held by other workloads", async (t) => {
  const env = await setup();
  try {
    await t.step("a job wva does not manage holds 4 of 8 GPUs: unmanaged A100 4", async () => {
      env.kube.put(PODS, gpuPod("job-0", "batch", "n0", "4"));
      env.kube.put(PODS, gpuPod("done-0", "batch", "n0", "2", "Succeeded"));
      env.kube.put(PODS, {
        ...gpuPod("a-0", "llm", "n0", "1"),
        metadata: pod("a", 0, "").metadata,
      });
      await env.settle();
      const s = await env.backend.snapshot(NOW);
      assert.deepEqual(s.inventory, { A100: 8 });
      assert.deepEqual(s.unmanagedGpus, { A100: 4 }, "the variant's own pod is not counted");
    });
    await t.step("a cordoned node and a NotReady node do not count", async () => {
      env.kube.put(NODES, { ...node("n1", "8"), spec: { unschedulable: true } });
      const notReady = node("n2", "8");
      env.kube.put(NODES, {
        ...notReady,
        status: { ...notReady.status, conditions: [{ type: "Ready", status: "False" }] },
      });
      env.kube.put(PODS, gpuPod("job-1", "batch", "n1", "8"));
      await env.settle();
      const s = await env.backend.snapshot(NOW);
      assert.deepEqual(s.inventory, { A100: 8 });
      assert.deepEqual(s.unmanagedGpus, { A100: 4 }, "pods on a cordoned node are not counted");
    });
  } finally {
    await env.stop();
  }
});

Deno.test("startKubeBackend() options", async (t) => {
  await t.step("watchNamespace limits the VAs and targets to one namespace", async () => {
    const env = await setup({ watchNamespace: "llm" });
    try {
      env.kube.put(VAS, va("z", "elsewhere"));
      await env.settle();
      const s = await env.backend.snapshot(NOW);
      assert.deepEqual(s.variants.map((v) => v.name), ["a"]);
      assert.ok(
        env.kube.watching().includes("/apis/llmd.ai/v1alpha1/namespaces/llm/variantautoscalings"),
      );
    } finally {
      await env.stop();
    }
  });
  await t.step("before the caches synced, a snapshot fails", async () => {
    const kube = memoryKube();
    const ctrl = new AbortController();
    const backend = startKubeBackend(kube, { namespace: "wva-system", signal: ctrl.signal });
    assert.equal(backend.hasSynced(), false);
    await assert.rejects(backend.snapshot(NOW), /have not synced yet/);
    await backend.synced;
    assert.equal(backend.hasSynced(), true);
    ctrl.abort();
    await backend.done;
  });
});
