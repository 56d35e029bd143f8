import assert from "node:assert/strict";
import { parseAcceleratorCosts } from "./configmaps/mod.ts";
import { effectiveReplicaBounds, effectiveVariantCost } from "./variant_settings.ts";

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

Deno.test("effectiveReplicaBounds() honours minReplicas 0 only with scale-to-zero", async (t) => {
  await t.step("min 0 with scale-to-zero", () => {
    assert.deepEqual(effectiveReplicaBounds({ minReplicas: 0, maxReplicas: 3 }, true), {
      minReplicas: 0,
      maxReplicas: 3,
    });
  });
  await t.step("min 0 without scale-to-zero becomes 1 with a reason", () => {
    const b = effectiveReplicaBounds({ modelID: "m", minReplicas: 0, maxReplicas: 3 }, false);
    assert.equal(b.minReplicas, 1);
    assert.equal(b.reason, "ScaleToZeroDisabled");
    assert.match(b.message ?? "", /disabled for model m: using 1/);
  });
  await t.step("min above 0 is untouched", () => {
    assert.deepEqual(effectiveReplicaBounds({ minReplicas: 2, maxReplicas: 3 }, false), {
      minReplicas: 2,
      maxReplicas: 3,
    });
  });
});
