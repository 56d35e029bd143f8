import assert from "node:assert/strict";
import { acceleratorForDevice, unitCostOf } from "../../core/api/configmaps/mod.ts";
import { createConfigStore } from "./config_store.ts";

const opts = {
  analyzer: "saturation-v1" as const,
  limiter: false,
  scaleToZero: false,
  staleAfterMs: 5000,
};
const model = { modelId: "m", namespace: "ns" };

Deno.test("createConfigStore() turns ConfigMaps into cycle settings", async (t) => {
  const store = createConfigStore(opts);
  await t.step("defaults without ConfigMaps", () => {
    const s = store.settings();
    assert.equal(s.saturationFor(model).kvCacheThreshold, 0.8);
    assert.equal(s.limiter, false);
    assert.equal(s.scaleToZeroFor!(model).enabled, false);
    assert.equal(s.serviceClassFor!({ ...model, serviceClass: "gold" }).unknownClass, true);
  });
  await t.step("a change applies; an invalid entry keeps the last good value", () => {
    assert.deepEqual(
      store.update("wva-saturation-scaling-config", {
        default: "kvCacheThreshold: 0.9\nenableLimiter: true",
      }),
      [],
    );
    assert.equal(store.settings().saturationFor(model).kvCacheThreshold, 0.9);
    assert.equal(store.settings().limiter, true);
    const problems = store.update("wva-saturation-scaling-config", {
      default: "kvCacheThreshold: 7",
    });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.field, "kvCacheThreshold");
    assert.equal(store.settings().saturationFor(model).kvCacheThreshold, 0.9);
  });
  await t.step("unit costs feed the accelerator lookups", () => {
    store.update("wva-accelerator-unit-costs", {
      A100: '{"device": "NVIDIA-A100-PCIE-80GB", "cost": "40.00"}',
    });
    const c = store.acceleratorCosts();
    assert.equal(acceleratorForDevice(c, "NVIDIA-A100-PCIE-80GB"), "A100");
    assert.equal(unitCostOf(c, "a100")?.cost, 40);
    assert.deepEqual(c.accelerators, { A100: { device: "NVIDIA-A100-PCIE-80GB", cost: 40 } });
  });
  await t.step("scale-to-zero follows the ConfigMap, then the global switch", () => {
    store.update("wva-model-scale-to-zero-config", {
      default: "enabled: true\nretentionPeriod: 5m",
    });
    assert.deepEqual(store.settings().scaleToZeroFor!(model), {
      enabled: true,
      retentionMs: 300_000,
    });
  });
});
