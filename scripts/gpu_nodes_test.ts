import assert from "node:assert/strict";
import { planGpuNodes } from "../src/core/api/gpu_vendors.ts";
import { labelPatch, statusPatch } from "./gpu_nodes.ts";

const node = {
  metadata: {
    name: "n0",
    labels: {
      "amd.com/gpu.count": "2",
      "amd.com/gpu.product-name": "AMD-MI250-128G",
      "gpu-config": "2MI250",
      team: "a",
    },
  },
  status: {
    capacity: { cpu: "8", "amd.com/gpu": "2" },
    allocatable: { cpu: "8", "amd.com/gpu": "2" },
  },
};

Deno.test("statusPatch() adds the resource (escaped) and removes other vendors' GPUs", () => {
  const [plan] = planGpuNodes(["n0"], { mode: "nvidia", gpusPerNode: 4 });
  assert.deepEqual(statusPatch(node, plan!), [
    { op: "remove", path: "/status/capacity/amd.com~1gpu" },
    { op: "add", path: "/status/capacity/nvidia.com~1gpu", value: "4" },
    { op: "remove", path: "/status/allocatable/amd.com~1gpu" },
    { op: "add", path: "/status/allocatable/nvidia.com~1gpu", value: "4" },
  ]);
  const bare = statusPatch({ metadata: { name: "n1" } }, plan!);
  assert.deepEqual(bare[0], { op: "add", path: "/status/capacity", value: {} });
});

Deno.test("labelPatch() sets the plan's labels and clears other vendors' GPU labels only", () => {
  const [plan] = planGpuNodes(["n0"], { mode: "nvidia", gpusPerNode: 4 });
  assert.deepEqual(labelPatch(node, plan!), {
    "amd.com/gpu.count": null,
    "amd.com/gpu.product-name": null,
    "gpu-config": null,
    "nvidia.com/gpu.count": "4",
    "nvidia.com/gpu.memory": "81920",
    "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
  });
});
