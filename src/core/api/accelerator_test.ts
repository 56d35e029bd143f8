import assert from "node:assert/strict";
import {
  acceleratorNameForProduct,
  gpusRequested,
  type PodTemplateLike,
  resolveAccelerator,
  type ResolveAcceleratorInput,
} from "./accelerator.ts";
import { parseAcceleratorCosts } from "./configmaps/mod.ts";

const COSTS = parseAcceleratorCosts({
  A100: "device: NVIDIA-A100-PCIE-80GB\ncost: 40",
  G2: "device: Intel-Gaudi-2-96GB\ncost: 23",
}).config;

Deno.test("acceleratorNameForProduct() maps product labels to accelerator names", async (t) => {
  const cases: [string, string][] = [
    ["NVIDIA-A100-PCIE-80GB", "A100"],
    ["NVIDIA-H100-SXM5-80GB", "H100"],
    ["nvidia-tesla-a100", "A100"],
    ["AMD-MI300X-192G", "MI300X"],
    ["Intel-Gaudi-2-96GB", "G2"],
    ["Max_1100", "MAX1100"],
    ["Pro-B60-Graphics", "B60"],
    ["Tesla-T4", "T4"],
    ["nvidia-l4", "L4"],
    ["AMD_Instinct_MI300X_OAM", "MI300X"],
    ["NVIDIA-RTX-A6000", "A6000"],
    ["NVIDIA-GeForce-RTX-4090", "RTX4090"],
    ["NVIDIA", "NVIDIA"],
  ];
  for (const [product, want] of cases) {
    await t.step(`${product} → ${want}`, () => {
      assert.equal(acceleratorNameForProduct(product, COSTS), want);
    });
  }
  await t.step("without the ConfigMap Gaudi gets its own short name", () => {
    assert.equal(acceleratorNameForProduct("Intel-Gaudi-2-96GB"), "GAUDI2");
  });
});

function template(spec: NonNullable<PodTemplateLike["spec"]>): PodTemplateLike {
  return { spec };
}
const gpu = (n: number | string, resource = "nvidia.com/gpu") => ({
  resources: { limits: { [resource]: n } },
});
const affinity = (key: string, values: string[]) => ({
  matchExpressions: [{ key, operator: "In", values }],
});

Deno.test("resolveAccelerator() follows spec → nodeSelector → affinity → label", async (t) => {
  const cases: {
    name: string;
    input: ResolveAcceleratorInput;
    want: Record<string, unknown>;
  }[] = [
    {
      name: "spec wins over everything",
      input: {
        spec: { accelerator: "H100", gpusPerReplica: 2 },
        labels: { "inference.optimization/acceleratorName": "L40S" },
        template: template({ nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" } }),
        costs: COSTS,
      },
      want: { accelerator: "H100", source: "spec", gpusPerReplica: 2, gpuSource: "spec" },
    },
    {
      name: "nodeSelector product label, GPUs from limits",
      input: {
        spec: {},
        template: template({
          nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" },
          containers: [gpu(2), {}],
        }),
        costs: COSTS,
      },
      want: {
        accelerator: "A100",
        source: "nodeSelector",
        product: "NVIDIA-A100-PCIE-80GB",
        vendor: "nvidia",
        gpusPerReplica: 2,
        gpuSource: "resources",
      },
    },
    {
      name: "GKE alias label",
      input: {
        spec: {},
        template: template({
          nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-tesla-a100" },
        }),
      },
      want: { accelerator: "A100", source: "nodeSelector", vendor: "nvidia", gpuSource: "default" },
    },
    {
      name: "nodeSelector labels in vendor-table order, not the object's key order",
      input: {
        spec: {},
        template: template({
          nodeSelector: {
            "amd.com/gpu.product-name": "AMD-MI300X-192G",
            "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
          },
        }),
      },
      want: { accelerator: "A100", source: "nodeSelector", vendor: "nvidia" },
    },
    {
      name: "only the matched vendor's GPUs count, init containers included",
      input: {
        spec: {},
        template: template({
          nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-H100-SXM5-80GB" },
          containers: [gpu(1), gpu(1, "amd.com/gpu")],
          initContainers: [gpu(2)],
        }),
      },
      want: { accelerator: "H100", vendor: "nvidia", gpusPerReplica: 2, gpuSource: "resources" },
    },
    {
      name: "a product label two Intel kinds share counts the kind the template requests",
      input: {
        spec: {},
        template: template({
          nodeSelector: { "gpu.intel.com/product": "Max_1100" },
          containers: [gpu(2, "gpu.intel.com/i915")],
        }),
      },
      want: { accelerator: "MAX1100", vendor: "intel-i915", gpusPerReplica: 2 },
    },
    {
      name: "required affinity, first In value",
      input: {
        spec: {},
        template: template({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  affinity("kubernetes.io/arch", ["amd64"]),
                  affinity("amd.com/gpu.product-name", ["AMD-MI300X-192G", "AMD-MI250-128G"]),
                ],
              },
            },
          },
          containers: [{ resources: { requests: { "amd.com/gpu": "4" } } }],
        }),
      },
      want: { accelerator: "MI300X", source: "requiredAffinity", vendor: "amd", gpusPerReplica: 4 },
    },
    {
      name: "preferred affinity, highest weight first",
      input: {
        spec: {},
        template: template({
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 10,
                  preference: affinity("habana.ai/product.name", ["Intel-Gaudi-2-96GB"]),
                },
                {
                  weight: 50,
                  preference: affinity("nvidia.com/gpu.product", ["NVIDIA-H100-SXM5-80GB"]),
                },
              ],
            },
          },
        }),
        costs: COSTS,
      },
      want: { accelerator: "H100", source: "preferredAffinity" },
    },
    {
      name: "VA label when the template says nothing",
      input: {
        spec: {},
        labels: { "inference.optimization/acceleratorName": "L40S" },
        template: template({}),
      },
      want: { accelerator: "L40S", source: "label", gpusPerReplica: 1, gpuSource: "default" },
    },
    {
      name: "unresolved, but GPU requests still count",
      input: {
        spec: {},
        template: template({
          containers: [gpu(1, "gpu.intel.com/xe"), gpu(1, "gpu.intel.com/xe")],
        }),
      },
      want: {
        accelerator: "unresolved",
        source: "unresolved",
        vendor: "intel-xe",
        gpusPerReplica: 2,
      },
    },
    {
      name: "no template at all",
      input: { spec: {} },
      want: { accelerator: "unresolved", source: "unresolved", gpusPerReplica: 1 },
    },
    {
      name: "NotIn and non-product keys are ignored",
      input: {
        spec: {},
        template: template({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{
                  matchExpressions: [{
                    key: "nvidia.com/gpu.product",
                    operator: "NotIn",
                    values: ["X"],
                  }],
                }],
              },
            },
          },
        }),
      },
      want: { accelerator: "unresolved", source: "unresolved" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = resolveAccelerator(c.input) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, k);
    });
  }
});

Deno.test("gpusRequested() sums containers and takes the larger init container", () => {
  const got = gpusRequested(template({
    containers: [gpu(1), gpu("2"), gpu("0.5")],
    initContainers: [gpu(4, "amd.com/gpu")],
  }));
  assert.deepEqual([...got.entries()], [["nvidia", 3], ["amd", 4]]);
});
