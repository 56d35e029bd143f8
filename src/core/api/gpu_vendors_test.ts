import assert from "node:assert/strict";
import {
  formatGpuSummary,
  GPU_MODES,
  GPU_VENDORS,
  gpuCount,
  gpuInventory,
  type NodeLike,
  planGpuNodes,
  VENDOR_KINDS,
  vendorByKind,
  vendorByResource,
} from "./gpu_vendors.ts";

Deno.test("GPU_VENDORS has the exact WVA resource and label names", async (t) => {
  const cases: Array<[string, string, string, string, string]> = [
    [
      "nvidia.com/gpu",
      "nvidia",
      "nvidia.com/gpu.count",
      "nvidia.com/gpu.memory",
      "nvidia.com/gpu.product",
    ],
    ["amd.com/gpu", "amd", "amd.com/gpu.count", "amd.com/gpu.memory", "amd.com/gpu.product-name"],
    [
      "habana.ai/gaudi",
      "intel-gaudi",
      "habana.ai/device.count",
      "habana.ai/device.memory",
      "habana.ai/product.name",
    ],
    [
      "gpu.intel.com/i915",
      "intel-i915",
      "gpu.intel.com/device.count",
      "gpu.intel.com/memory",
      "gpu.intel.com/product",
    ],
    [
      "gpu.intel.com/xe",
      "intel-xe",
      "gpu.intel.com/device.count",
      "gpu.intel.com/memory",
      "gpu.intel.com/product",
    ],
  ];
  for (const [resource, kind, count, memory, product] of cases) {
    await t.step(`vendorByResource("${resource}") is ${kind}`, () => {
      const v = vendorByResource(resource);
      assert.ok(v);
      assert.deepEqual([v.kind, v.countLabel, v.memoryLabel, v.productLabels[0]], [
        kind,
        count,
        memory,
        product,
      ]);
      assert.equal(vendorByKind(v.kind), v);
    });
  }
  await t.step("non-GPU resources are not vendors", () => {
    assert.equal(vendorByResource("cpu"), undefined);
    assert.equal(vendorByResource("intel.com/gpu"), undefined);
  });
  assert.equal(GPU_VENDORS.length, VENDOR_KINDS.length);
});

Deno.test("planGpuNodes() assigns models per mode over sorted node names", async (t) => {
  const nodes = ["n-3", "n-1", "n-0", "n-2", "n-5", "n-4"];
  const table: Array<
    [string, Parameters<typeof planGpuNodes>[1], Array<[string, string, number]>]
  > = [
    ["mix cycles the five vendor kinds", { mode: "mix", gpusPerNode: 2 }, [
      ["n-0", "NVIDIA-A100-PCIE-80GB", 81920],
      ["n-1", "AMD-MI300X-192G", 196608],
      ["n-2", "Intel-Gaudi-2-96GB", 98304],
      ["n-3", "Max_1100", 49152],
      ["n-4", "Pro-B60-Graphics", 24576],
      ["n-5", "NVIDIA-A100-PCIE-80GB", 81920],
    ]],
    ["nvidia-mix cycles H100, A100, MI300X", { mode: "nvidia-mix", gpusPerNode: 4 }, [
      ["n-0", "NVIDIA-H100-SXM5-80GB", 81920],
      ["n-1", "NVIDIA-A100-PCIE-80GB", 81920],
      ["n-2", "AMD-MI300X-192G", 196608],
      ["n-3", "NVIDIA-H100-SXM5-80GB", 81920],
      ["n-4", "NVIDIA-A100-PCIE-80GB", 81920],
      ["n-5", "AMD-MI300X-192G", 196608],
    ]],
    ["single vendor takes the overrides", {
      mode: "amd",
      gpusPerNode: 8,
      product: "AMD-X",
      memoryMb: 1000,
    }, [
      ["n-0", "AMD-X", 1000],
      ["n-1", "AMD-X", 1000],
      ["n-2", "AMD-X", 1000],
      ["n-3", "AMD-X", 1000],
      ["n-4", "AMD-X", 1000],
      ["n-5", "AMD-X", 1000],
    ]],
  ];
  for (const [name, options, expected] of table) {
    await t.step(name, () => {
      const plan = planGpuNodes(nodes, options);
      assert.deepEqual(plan.map((p) => [p.node, p.product, p.memoryMb]), expected);
      for (const p of plan) {
        assert.equal(p.labels[p.vendor.countLabel], String(options.gpusPerNode));
        assert.equal(p.labels[p.vendor.productLabels[0]], p.product);
        assert.equal(p.labels[p.vendor.memoryLabel], String(p.memoryMb));
      }
    });
  }
  await t.step("*-mix modes add the gpu-config label", () => {
    const plan = planGpuNodes(["a", "b"], { mode: "amd-mix", gpusPerNode: 4 });
    assert.deepEqual(plan.map((p) => p.labels["gpu-config"]), ["4MI300X", "4MI250"]);
    assert.equal(
      planGpuNodes(["a"], { mode: "mix", gpusPerNode: 4 })[0]?.labels["gpu-config"],
      undefined,
    );
  });
  await t.step("a negative or fractional count is refused", () => {
    assert.throws(() => planGpuNodes(["a"], { mode: "nvidia", gpusPerNode: -1 }), RangeError);
    assert.throws(() => planGpuNodes(["a"], { mode: "nvidia", gpusPerNode: 1.5 }), RangeError);
  });
  assert.equal(GPU_MODES.length, 8);
});

Deno.test("gpuInventory() reads GPU resources and labels from nodes", () => {
  const nodes: NodeLike[] = [
    {
      metadata: {
        name: "a",
        labels: {
          "cloud.google.com/gke-accelerator": "nvidia-l4",
          "nvidia.com/gpu.memory": "23034",
        },
      },
      status: {
        capacity: { cpu: "8", "nvidia.com/gpu": "4" },
        allocatable: { "nvidia.com/gpu": "3" },
      },
    },
    {
      metadata: {
        name: "b",
        labels: { "amd.com/gpu.product-name": "AMD-MI300X-192G", "amd.com/gpu.memory": "x" },
      },
      status: { capacity: { "amd.com/gpu": "8", "gpu.intel.com/xe": "1" } },
    },
    { metadata: { name: "c" }, status: { capacity: { cpu: "8" } } },
  ];
  assert.deepEqual(gpuInventory(nodes), [
    {
      node: "a",
      kind: "nvidia",
      resource: "nvidia.com/gpu",
      capacity: 4,
      allocatable: 3,
      product: "nvidia-l4",
      memoryMb: 23034,
    },
    {
      node: "b",
      kind: "amd",
      resource: "amd.com/gpu",
      capacity: 8,
      allocatable: 0,
      product: "AMD-MI300X-192G",
      memoryMb: undefined,
    },
    {
      node: "b",
      kind: "intel-xe",
      resource: "gpu.intel.com/xe",
      capacity: 1,
      allocatable: 0,
      product: undefined,
      memoryMb: undefined,
    },
  ]);
});

Deno.test("formatGpuSummary() prints the 6-column table with '-' for missing labels", () => {
  const text = formatGpuSummary([
    {
      node: "wva-node-0",
      kind: "nvidia",
      resource: "nvidia.com/gpu",
      capacity: 2,
      allocatable: 2,
      product: "NVIDIA-A100-PCIE-80GB",
      memoryMb: 81920,
    },
    {
      node: "wva-node-1",
      kind: "amd",
      resource: "amd.com/gpu",
      capacity: 2,
      allocatable: 1,
      product: undefined,
      memoryMb: undefined,
    },
  ]);
  const lines = text.split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? "", /^-{125}$/);
  assert.equal(
    lines[1],
    "Node".padEnd(40) + " " + "Resource".padEnd(20) + " " + "Capacity".padEnd(10) + " " +
      "Allocatable".padEnd(10) + " " + "GPU Product".padEnd(30) + " Memory (MB)",
  );
  assert.equal(lines[2]?.slice(41, 61).trim(), "nvidia.com/gpu");
  assert.ok(lines[2]?.endsWith("81920"));
  assert.deepEqual(lines[3]?.split(/\s+/), ["wva-node-1", "amd.com/gpu", "2", "1", "-", "-"]);
});

Deno.test("gpuCount() counts whole quantities only", async (t) => {
  const cases: Array<[string | number | undefined, number]> = [
    ["2", 2],
    [4, 4],
    ["0", 0],
    ["1k", 1000],
    ["1.5", 0],
    ["500m", 0],
    [0.5, 0],
    ["-1", 0],
    ["two", 0],
    ["", 0],
    [undefined, 0],
  ];
  for (const [given, want] of cases) {
    await t.step(JSON.stringify(given) ?? "undefined", () => assert.equal(gpuCount(given), want));
  }
});
