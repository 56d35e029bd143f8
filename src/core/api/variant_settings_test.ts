import assert from "node:assert/strict";
import { parseAcceleratorCosts } from "./configmaps/mod.ts";
import { effectiveVariantCost } from "./variant_settings.ts";

const COSTS =
  parseAcceleratorCosts({ A100: '{"device": "NVIDIA-A100-PCIE-80GB", "cost": "40.00"}' })
    .config;

Deno.test("effectiveVariantCost() prefers the spec, then the unit cost × GPUs, then 10", async (t) => {
  const cases = [
    {
      name: "spec",
      spec: { variantCost: 5 },
      acc: "A100",
      gpus: 2,
      want: { costPerReplica: 5, source: "spec" },
    },
    {
      name: "spec 0 is a cost",
      spec: { variantCost: 0 },
      acc: "A100",
      gpus: 1,
      want: { costPerReplica: 0, source: "spec" },
    },
    {
      name: "unit cost",
      spec: {},
      acc: "a100",
      gpus: 2,
      want: { costPerReplica: 80, source: "unit-cost" },
    },
    {
      name: "default",
      spec: {},
      acc: "H100",
      gpus: 1,
      want: { costPerReplica: 10, source: "default" },
    },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(
        effectiveVariantCost(c.spec, { accelerator: c.acc, gpusPerReplica: c.gpus, costs: COSTS }),
        c.want,
      );
    });
  }
});
