import assert from "node:assert/strict";
import { KubeApiError } from "../kube/errors.ts";
import { memoryKube } from "../kube/memory_kube.ts";
import type { KubeObject, WatchOptions } from "../kube/watch.ts";
import { NULL_LOGGER } from "../../../runtime/log.ts";
import { startKubeBackend } from "./backend.ts";
import { startScalerInformer } from "./scalers.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const VAS = "/apis/llmd.ai/v1alpha1/variantautoscalings";
const HPAS = "/apis/autoscaling/v2/horizontalpodautoscalers";
const SOS = "/apis/keda.sh/v1alpha1/scaledobjects";
const DEPLOYMENTS = "/apis/apps/v1/deployments";
const PODS = "/api/v1/pods";
const A100 = "NVIDIA-A100-PCIE-80GB";

function deployment(name: string, image = "vllm/vllm-openai:v0.10") {
  return {
    metadata: { name, namespace: "llm", uid: `uid-deploy-${name}` },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        spec: {
          nodeSelector: { "nvidia.com/gpu.product": A100 },
          containers: [{ image, resources: { limits: { "nvidia.com/gpu": "1" } } }],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

function pod(app: string, i: number) {
  return {
    metadata: { name: `${app}-${i}`, namespace: "llm", labels: { app } },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    },
  };
}

const MANAGED = { "llm-d.ai/managed": "true", "llm-d.ai/model-id": "meta/llama" };

function hpa(name: string, target: string, annotations: Record<string, string> = MANAGED) {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "llm", uid: `uid-${name}`, annotations },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
      minReplicas: 1,
      maxReplicas: 5,
    },
    status: { currentReplicas: 2 },
  };
}

function scaledObject(name: string, target: string, annotations: Record<string, string>) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name, namespace: "llm", uid: `uid-${name}`, annotations, labels: { team: "a" } },
    spec: { scaleTargetRef: { name: target }, minReplicaCount: 1, maxReplicaCount: 8 },
  };
}

async function setup(controllerInstance?: string) {
  const kube = memoryKube();
  for (const d of ["a", "b", "c"]) kube.put(DEPLOYMENTS, deployment(d));
  kube.put(DEPLOYMENTS, deployment("s", "lmsysorg/sglang:v0.5"));
  for (const app of ["a", "b", "s"]) for (const i of [0, 1]) kube.put(PODS, pod(app, i));
  kube.put(VAS, {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name: "a", namespace: "llm", uid: "uid-a", generation: 1 },
    spec: { scaleTargetRef: { kind: "Deployment", name: "a" }, modelID: "meta/llama" },
  });
  kube.put(HPAS, hpa("a-hpa", "a"));
  kube.put(SOS, scaledObject("b", "b", { ...MANAGED, "llm-d.ai/variant-cost": "25" }));
  kube.put(HPAS, hpa("keda-hpa-b", "b"));
  kube.put(HPAS, hpa("plain", "c", {}));
  kube.put(HPAS, hpa("bad", "c", { "llm-d.ai/managed": "true", "llm-d.ai/variant-cost": "abc" }));
  kube.put(SOS, scaledObject("s", "s", MANAGED));
  const changes: string[] = [];
  const ctrl = new AbortController();
  const backend = startKubeBackend(kube, {
    namespace: "wva-system",
    signal: ctrl.signal,
    warmupMs: 0,
    onChange: (what) => changes.push(what),
    ...(controllerInstance ? { controllerInstance } : {}),
  });
  await backend.synced;
  const stop = async () => {
    ctrl.abort();
    await backend.done;
  };
  return { kube, backend, changes, stop };
}

Deno.test("the backend discovers annotated HPAs and ScaledObjects beside VAs", async (t) => {
  const env = await setup();
  try {
    const s = await env.backend.snapshot(NOW);
    const by = (name: string) => s.variants.find((v) => v.name === name);
    await t.step("one variant per target: the VA over its HPA, the SO over KEDA's HPA", () => {
      assert.deepEqual(s.variants.map((v) => v.name).sort(), ["a", "b", "bad", "s"]);
      assert.deepEqual(by("a")!.notes?.map((n) => [n.type, n.reason]), [
        ["DiscoverySource", "VariantAutoscaling"],
      ]);
      assert.match(by("a")!.notes![0]!.message, /HorizontalPodAutoscaler llm\/a-hpa \(ignored\)/);
      assert.deepEqual(by("b")!.notes?.map((n) => n.reason), ["ScaledObject"]);
      assert.match(by("b")!.notes![0]!.message, /keda-hpa-b \(ignored\)/);
    });
    await t.step("a ScaledObject's variant: as a VA's, defined by the scaler", () => {
      const b = by("b")!;
      assert.deepEqual(
        [b.modelId, b.accelerator, b.costPerReplica, b.minReplicas, b.maxReplicas],
        ["meta/llama", "A100", 25, 1, 8],
      );
      assert.deepEqual(b.definedBy, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        name: "b",
        uid: "uid-b",
      });
      assert.deepEqual([b.currentReplicas, b.readyReplicas, b.replicaIds], [2, 2, ["b-0", "b-1"]]);
      assert.equal(b.object, undefined, "no VA, no status to write");
      assert.equal(b.servingEngine, "vllm");
    });
    await t.step("the engine comes from the target's image", () => {
      assert.equal(by("s")!.servingEngine, "sglang");
      assert.equal(by("a")!.servingEngine, "vllm");
    });
    await t.step("a malformed scaler is excluded, naming each bad annotation", () => {
      const bad = by("bad")!;
      assert.equal(bad.definedBy?.kind, "HorizontalPodAutoscaler");
      assert.deepEqual(bad.problems.map((p) => [p.reason, p.blocking]), [["InvalidSpec", true]]);
      assert.match(bad.problems[0]!.message, /llm-d\.ai\/model-id: required.*\(missing\)/);
      assert.match(bad.problems[0]!.message, /llm-d\.ai\/variant-cost: .*\(got "abc"\)/);
    });
    await t.step("removing llm-d.ai/managed stops management and triggers a cycle", async () => {
      env.changes.splice(0);
      env.kube.put(SOS, scaledObject("s", "s", { "llm-d.ai/model-id": "meta/llama" }));
      await new Promise((r) => setTimeout(r, 0));
      assert.ok(env.changes.includes("scaledobjects"));
      const after = await env.backend.snapshot(NOW);
      assert.equal(after.variants.find((v) => v.name === "s"), undefined);
    });
    await t.step("an HPA status update is not a change", async () => {
      env.changes.splice(0);
      const h = env.kube.get(HPAS, "llm", "a-hpa")!;
      env.kube.put(HPAS, { ...h, status: { currentReplicas: 3 } });
      await new Promise((r) => setTimeout(r, 0));
      assert.deepEqual(env.changes, []);
    });
  } finally {
    await env.stop();
  }
});

Deno.test("CONTROLLER_INSTANCE keeps only the scalers labelled for it", async () => {
  const env = await setup("blue");
  try {
    const names = (await env.backend.snapshot(NOW)).variants.map((v) => v.name).sort();
    assert.deepEqual(names, ["a"], "VAs are not filtered; unlabelled scalers are not ours");
  } finally {
    await env.stop();
  }
});

Deno.test("startScalerInformer(): a collection not served counts as synced and empty", async () => {
  const ctrl = new AbortController();
  let options: WatchOptions<KubeObject> | undefined;
  let release!: () => void;
  const ended = new Promise<void>((r) => (release = r));
  const kube = {
    watch<T extends KubeObject>(_path: string, o: WatchOptions<T>): Promise<void> {
      options = o as unknown as WatchOptions<KubeObject>;
      return ended;
    },
  };
  let changes = 0;
  const inf = startScalerInformer(kube, {
    path: "/apis/keda.sh/v1alpha1/scaledobjects",
    resource: "scaledobjects",
    signal: ctrl.signal,
    log: NULL_LOGGER,
    timeoutSeconds: 60,
    onChange: () => changes++,
  });
  assert.equal(inf.hasSynced(), false);
  options!.onError?.(new KubeApiError(404, "NotFound", "the server could not find it"), 1);
  await inf.synced;
  assert.deepEqual([inf.hasSynced(), inf.list()], [true, []]);
  // The CRD is installed: the next retry lists it.
  await options!.onEvent({
    type: "ADDED",
    object: scaledObject("b", "b", MANAGED) as unknown as KubeObject,
  });
  await options!.onSync?.({ resourceVersion: "1", items: 1, relist: false });
  assert.deepEqual(inf.list().map((o) => (o.metadata as { name: string }).name), ["b"]);
  assert.ok(changes >= 1);
  release();
  ctrl.abort();
});
