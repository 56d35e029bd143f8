import assert from "node:assert/strict";
import { parseAcceleratorCosts } from "../../../core/api/configmaps/mod.ts";
import { inventoryOf } from "./inventory.ts";
import { projectGpuPod, projectPod, projectWorkload } from "./objects.ts";
import { variantFromObject, type VariantLookups } from "./variant.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");

function deployment(replicas: number) {
  return projectWorkload("Deployment", {
    metadata: { name: "d", namespace: "ns", uid: "d-uid" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "d" } },
      template: {
        spec: {
          nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" },
          containers: [{ resources: { limits: { "nvidia.com/gpu": "2" } } }],
        },
      },
    },
    status: { replicas, readyReplicas: replicas },
  })!;
}

function pod(name: string, readyAt: string | undefined, extra: Record<string, unknown> = {}) {
  return projectPod({
    metadata: { name, namespace: "ns", labels: { app: "d" }, ...extra },
    status: {
      phase: "Running",
      conditions: readyAt ? [{ type: "Ready", status: "True", lastTransitionTime: readyAt }] : [],
    },
  })!;
}

function va(spec: Record<string, unknown>, status?: Record<string, unknown>) {
  return {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name: "v", namespace: "ns", generation: 3 },
    spec: { scaleTargetRef: { kind: "Deployment", name: "d" }, modelID: "m", ...spec },
    ...(status ? { status } : {}),
  };
}

function lookups(replicas: number, pods: ReturnType<typeof pod>[]): VariantLookups {
  return {
    nowMs: NOW,
    warmupMs: 60_000,
    workload: (kind, ns, name) =>
      kind === "Deployment" && ns === "ns" && name === "d" ? deployment(replicas) : undefined,
    pods: () => pods,
  };
}

Deno.test("variantFromObject() builds the snapshot from the VA, target and pods", async (t) => {
  await t.step("accelerator, GPUs, cost, bounds, replicas and warm-up", () => {
    const pods = [
      pod("d-0", "2026-01-01T00:00:00Z"),
      pod("d-1", "2026-01-01T00:09:30Z"), // ready 30 s ago: warming up
      pod("d-2", undefined), // not ready
      pod("d-3", "2026-01-01T00:00:00Z", { deletionTimestamp: "2026-01-01T00:09:59Z" }),
    ];
    const s = variantFromObject(
      va({ variantCost: "12.5", maxReplicas: 4 }, { desiredOptimizedAlloc: { numReplicas: 3 } }),
      lookups(3, pods),
    );
    assert.deepEqual(
      [s.accelerator, s.gpusPerReplica, s.costPerReplica, s.minReplicas, s.maxReplicas],
      ["A100", 2, 12.5, 1, 4],
    );
    assert.deepEqual([s.currentReplicas, s.readyReplicas, s.pendingReplicas], [3, 1, 2]);
    assert.deepEqual(s.replicaIds, ["d-0", "d-1", "d-2"]);
    assert.deepEqual(s.readyReplicaIds, ["d-0"]);
    assert.deepEqual(s.warmingReplicaIds, ["d-1"], "Ready, within the warm-up: named");
    assert.equal(s.previousDesiredReplicas, 3);
    assert.equal(s.generation, 3);
    assert.deepEqual(s.problems, []);
  });
  await t.step("what the sink needs: the scale target and the stored VA", () => {
    const raw = va({}, { desiredOptimizedAlloc: { numReplicas: 2 } });
    const s = variantFromObject(
      { ...raw, metadata: { ...raw.metadata, uid: "va-uid", resourceVersion: "17" } },
      lookups(2, []),
    );
    assert.deepEqual(s.scaleTarget, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "d",
      uid: "d-uid",
      specReplicas: 2,
    });
    assert.deepEqual(s.object, {
      uid: "va-uid",
      resourceVersion: "17",
      status: { desiredOptimizedAlloc: { numReplicas: 2 } },
    });
    const gone = variantFromObject(
      va({ scaleTargetRef: { kind: "Deployment", name: "gone" } }),
      lookups(1, []),
    );
    assert.deepEqual(gone.scaleTarget, { apiVersion: "apps/v1", kind: "Deployment", name: "gone" });
  });
  await t.step("cost from the unit-cost ConfigMap × GPUs, else 10", () => {
    const costs = parseAcceleratorCosts({ A100: "device: NVIDIA-A100-PCIE-80GB\ncost: 40" }).config;
    const withUnit = variantFromObject(va({}), { ...lookups(1, []), costs });
    assert.equal(withUnit.costPerReplica, 80);
    assert.equal(variantFromObject(va({}), lookups(1, [])).costPerReplica, 10);
  });
  await t.step("accelerator and GPUs follow the API's rules (src/core/api/accelerator.ts)", () => {
    const target = projectWorkload("Deployment", {
      metadata: { name: "d", namespace: "ns" },
      spec: {
        selector: { matchLabels: { app: "d" } },
        template: {
          spec: {
            nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-tesla-a100" },
            initContainers: [{ resources: { limits: { "nvidia.com/gpu": 4 } } }],
            containers: [{ resources: { limits: { "nvidia.com/gpu": "2", "amd.com/gpu": "1" } } }],
          },
        },
      },
    })!;
    const s = variantFromObject(va({}), { ...lookups(1, []), workload: () => target });
    assert.deepEqual([s.accelerator, s.gpusPerReplica], ["A100", 4]);
  });
  await t.step("the engine's capacity flags from the target's container args", () => {
    const withArgs = (args: string[]) =>
      projectWorkload("Deployment", {
        metadata: { name: "d", namespace: "ns" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "d" } },
          template: { spec: { containers: [{ name: "vllm", args }] } },
        },
      })!;
    const s = variantFromObject(va({}), {
      ...lookups(1, []),
      workload: () => withArgs(["--max-num-seqs=8", "--num-gpu-blocks-override", "1000"]),
    });
    assert.deepEqual(s.engine, { maxNumBatchedTokens: 8192, maxNumSeqs: 8 });
    assert.equal(s.kvCapacityTokens, 16000);
    const plain = variantFromObject(va({}), { ...lookups(1, []), workload: () => withArgs([]) });
    assert.deepEqual(plain.engine, { maxNumBatchedTokens: 8192, maxNumSeqs: 256 }, "defaults");
    assert.equal(plain.kvCapacityTokens, undefined);
  });
  await t.step("a missing target is a blocking TargetResolved problem", () => {
    const r = variantFromObject(
      va({ scaleTargetRef: { kind: "Deployment", name: "gone" } }),
      lookups(1, []),
    );
    assert.deepEqual(r.problems.map((p) => [p.condition, p.reason, p.blocking]), [
      ["TargetResolved", "TargetNotFound", true],
    ]);
  });
  await t.step(
    "an invalid spec is a blocking ConfigValid/InvalidSpec problem naming the field",
    () => {
      const r = variantFromObject(va({ maxReplicas: 0 }), lookups(1, []));
      const p = r.problems[0]!;
      assert.deepEqual([p.condition, p.reason, p.blocking], ["ConfigValid", "InvalidSpec", true]);
      assert.match(p.message, /maxReplicas/);
      assert.equal(r.name, "v");
      assert.equal(r.scaleTarget, undefined, "no parsed VA: nothing to act on");
      assert.equal(r.object, undefined);
    },
  );
});

Deno.test("variantFromObject() reports an unknown accelerator without blocking", async (t) => {
  const known = {
    priced: [{ name: "MI300X", device: "AMD-MI300X-192G" }],
    inventory: [{ accelerator: "A100", products: ["NVIDIA-A100-PCIE-80GB"] }],
  };
  const withKnown = { ...lookups(1, []), knownAccelerators: known };
  const problems = (r: ReturnType<typeof variantFromObject>) =>
    r.problems.map((p) => [p.condition, p.reason, p.blocking]);
  await t.step("spec.accelerator Z999: ConfigValid/UnknownAccelerator naming what is known", () => {
    const r = variantFromObject(va({ accelerator: "Z999" }), withKnown);
    assert.deepEqual(problems(r), [["ConfigValid", "UnknownAccelerator", false]]);
    const m = r.problems[0]!.message;
    assert.match(m, /accelerator 'Z999' \(spec\.accelerator\)/);
    assert.match(m, /unit-cost ConfigMap: MI300X; GPU inventory: A100 \(NVIDIA-A100-PCIE-80GB\)/);
    assert.match(m, /default cost 10 per replica/);
    assert.match(m, /the GPU limiter does not limit it/);
    assert.equal(r.accelerator, "Z999");
    assert.equal(r.costPerReplica, 10);
    assert.equal(r.currentReplicas, 1, "still served: replicas are read");
  });
  await t.step("with spec.variantCost the message says the cost still comes from there", () => {
    const r = variantFromObject(va({ accelerator: "Z999", variantCost: "7" }), withKnown);
    assert.equal(r.costPerReplica, 7);
    assert.match(r.problems[0]!.message, /cost 7 per replica from spec\.variantCost/);
  });
  await t.step("resolved from the target's nodeSelector to a product no node has", () => {
    const r = variantFromObject(va({}), {
      ...withKnown,
      knownAccelerators: { priced: [], inventory: [{ accelerator: "H100", products: [] }] },
    });
    assert.deepEqual(problems(r), [["ConfigValid", "UnknownAccelerator", false]]);
    assert.match(r.problems[0]!.message, /'A100' \(the target's nodeSelector\)/);
  });
  await t.step("known ones: inventory name, ConfigMap key or device, or a unit cost", () => {
    for (
      const [spec, extra] of [
        [{ accelerator: "A100" }, {}],
        [{ accelerator: "mi300x" }, {}],
        [{ accelerator: "AMD-MI300X-192G" }, {}],
        [{ accelerator: "L4" }, {
          costs: parseAcceleratorCosts({ L4: "device: X\ncost: 30" }).config,
        }],
        [{}, {}], // the template's A100
      ] as const
    ) {
      const r = variantFromObject(va(spec), { ...withKnown, ...extra });
      assert.deepEqual(r.problems, [], JSON.stringify(spec));
    }
  });
  await t.step("nothing known, or no lookup: no check", () => {
    const none = { ...lookups(1, []), knownAccelerators: { priced: [], inventory: [] } };
    assert.deepEqual(variantFromObject(va({ accelerator: "Z999" }), none).problems, []);
    assert.deepEqual(
      variantFromObject(va({ accelerator: "Z999" }), lookups(1, [])).problems,
      [],
    );
  });
  await t.step("unresolved stays AcceleratorUnresolved, not UnknownAccelerator", () => {
    const bare = projectWorkload("Deployment", {
      metadata: { name: "d", namespace: "ns" },
      spec: { replicas: 1, selector: { matchLabels: { app: "d" } }, template: { spec: {} } },
    })!;
    const r = variantFromObject(va({}), { ...withKnown, workload: () => bare });
    assert.deepEqual(problems(r), [["ConfigValid", "AcceleratorUnresolved", false]]);
  });
  await t.step("a missing target still blocks; the unknown accelerator is reported too", () => {
    const r = variantFromObject(
      va({ accelerator: "Z999", scaleTargetRef: { kind: "Deployment", name: "gone" } }),
      withKnown,
    );
    assert.deepEqual(problems(r), [
      ["TargetResolved", "TargetNotFound", true],
      ["ConfigValid", "UnknownAccelerator", false],
    ]);
  });
});

Deno.test("inventoryOf() sums allocatable GPUs per accelerator", () => {
  const node = (name: string, product: string, gpus: string) => ({
    metadata: { name, labels: { "nvidia.com/gpu.product": product } },
    status: { capacity: { "nvidia.com/gpu": gpus }, allocatable: { "nvidia.com/gpu": gpus } },
  });
  const r = inventoryOf([
    node("a", "NVIDIA-A100-PCIE-80GB", "8"),
    node("b", "NVIDIA-A100-SXM4-80GB", "4"),
    node("c", "NVIDIA-H100-SXM5-80GB", "8"),
    node("d", "nvidia-l4", "2"),
    { metadata: { name: "cpu" }, status: {} },
  ]);
  assert.deepEqual(r.inventory, { A100: 12, H100: 8, L4: 2 }, "named as variants are");
  assert.equal(r.entries[0]!.product, "NVIDIA-A100-SXM4-80GB", "the last node seen");
  assert.deepEqual(r.entries.map((e) => e.products), [
    ["NVIDIA-A100-PCIE-80GB", "NVIDIA-A100-SXM4-80GB"],
    ["NVIDIA-H100-SXM5-80GB"],
    ["nvidia-l4"],
  ]);
});

Deno.test("projectGpuPod() keeps scheduled, non-terminal pods that request GPUs", async (t) => {
  const raw = (spec: Record<string, unknown>, phase = "Running") => ({
    metadata: { name: "p", namespace: "ns" },
    spec: { nodeName: "n0", ...spec },
    status: { phase },
  });
  const gpu = (n: string) => ({ resources: { requests: { "nvidia.com/gpu": n } } });
  const cases = [
    {
      name: "two containers add up",
      pod: raw({ containers: [gpu("2"), gpu("1")] }),
      want: { "nvidia.com/gpu": 3 },
    },
    {
      name: "a larger init container wins",
      pod: raw({ containers: [gpu("1")], initContainers: [gpu("4")] }),
      want: { "nvidia.com/gpu": 4 },
    },
    { name: "no GPU", pod: raw({ containers: [{}] }), want: undefined },
    { name: "not scheduled", pod: raw({ nodeName: "", containers: [gpu("1")] }), want: undefined },
    { name: "Succeeded", pod: raw({ containers: [gpu("1")] }, "Succeeded"), want: undefined },
    { name: "Failed", pod: raw({ containers: [gpu("1")] }, "Failed"), want: undefined },
    {
      name: "Pending but scheduled",
      pod: raw({ containers: [gpu("1")] }, "Pending"),
      want: { "nvidia.com/gpu": 1 },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.deepEqual(projectGpuPod(c.pod)?.gpus, c.want));
  }
});
