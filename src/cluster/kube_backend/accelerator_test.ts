import assert from "node:assert/strict";
import { gpusOfTemplate, normalizeProduct, resolveAccelerator } from "./accelerator.ts";

Deno.test("normalizeProduct() shortens product labels", async (t) => {
  const cases: Array<[string, string]> = [
    ["NVIDIA-A100-PCIE-80GB", "A100"],
    ["NVIDIA-H100-SXM5-80GB", "H100"],
    ["AMD-MI300X-192G", "MI300X"],
    ["Intel-Gaudi-2-96GB", "Gaudi2"],
    ["Tesla-T4", "T4"],
    ["Max_1100", "Max1100"],
    ["Pro-B60-Graphics", "B60"],
  ];
  for (const [input, want] of cases) {
    await t.step(input, () => assert.equal(normalizeProduct(input), want));
  }
});

Deno.test("resolveAccelerator() follows spec, nodeSelector, affinity, label", async (t) => {
  const affinity = {
    requiredTerms: [[{
      key: "amd.com/gpu.product-name",
      operator: "In",
      values: ["AMD-MI300X-192G"],
    }]],
  };
  const cases: Array<[string, Parameters<typeof resolveAccelerator>[0], string, string]> = [
    [
      "spec wins",
      {
        specAccelerator: "L40S",
        template: { nodeSelector: { "nvidia.com/gpu.product": "X-A100" } },
      },
      "L40S",
      "spec",
    ],
    [
      "node selector",
      { template: { nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" } } },
      "A100",
      "nodeSelector",
    ],
    [
      "GKE alias",
      { template: { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" } } },
      "l4",
      "nodeSelector",
    ],
    ["required affinity", { template: affinity }, "MI300X", "affinity"],
    ["VA label", { labelAccelerator: "G2" }, "G2", "label"],
    ["nothing", {}, "unresolved", "unresolved"],
    [
      "ConfigMap device mapping",
      {
        template: { nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" } },
        nameOfProduct: (p) => (p === "NVIDIA-A100-PCIE-80GB" ? "A100-80" : undefined),
      },
      "A100-80",
      "nodeSelector",
    ],
  ];
  for (const [name, input, acc, source] of cases) {
    await t.step(
      name,
      () => assert.deepEqual(resolveAccelerator(input), { accelerator: acc, source }),
    );
  }
});

Deno.test("gpusOfTemplate() sums GPU resources only", () => {
  assert.equal(gpusOfTemplate({ gpuRequests: { "nvidia.com/gpu": 2, "amd.com/gpu": 1 } }), 3);
  assert.equal(gpusOfTemplate({ gpuRequests: {} }), undefined);
  assert.equal(gpusOfTemplate(undefined), undefined);
});
