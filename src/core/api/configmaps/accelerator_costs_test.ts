import assert from "node:assert/strict";
import { acceleratorForDevice, parseAcceleratorCosts, unitCostOf } from "./accelerator_costs.ts";

Deno.test("parseAcceleratorCosts() reads cost as number or numeric string", async (t) => {
  const r = parseAcceleratorCosts({
    A100: '{"device": "NVIDIA-A100-PCIE-80GB", "cost": "40.00"}',
    MI300X: "device: AMD-MI300X-192G\ncost: 65",
  });
  await t.step("both forms", () => {
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.accelerators, {
      A100: { device: "NVIDIA-A100-PCIE-80GB", cost: 40 },
      MI300X: { device: "AMD-MI300X-192G", cost: 65 },
    });
  });
  await t.step("lookups are case-insensitive", () => {
    assert.equal(unitCostOf(r.config, "a100")?.cost, 40);
    assert.equal(acceleratorForDevice(r.config, "amd-mi300x-192g"), "MI300X");
    assert.equal(unitCostOf(r.config, "H100"), undefined);
  });
  await t.step("a bad cost keeps the last good entry and names the field", () => {
    const next = parseAcceleratorCosts({
      A100: "device: NVIDIA-A100-PCIE-80GB\ncost: -1",
      MI300X: "device: AMD-MI300X-192G\ncost: 70",
    }, r.config);
    assert.equal(next.config.accelerators.A100?.cost, 40);
    assert.equal(next.config.accelerators.MI300X?.cost, 70);
    assert.equal(next.problems.length, 1);
    assert.deepEqual(
      {
        key: next.problems[0]!.key,
        field: next.problems[0]!.field,
        value: next.problems[0]!.value,
      },
      { key: "A100", field: "cost", value: -1 },
    );
  });
  await t.step("a device claimed twice is reported on the later key", () => {
    const dup = parseAcceleratorCosts({
      A100: "device: X\ncost: 1",
      B100: "device: x\ncost: 2",
    });
    assert.deepEqual(Object.keys(dup.config.accelerators), ["A100"]);
    assert.equal(dup.problems[0]!.key, "B100");
    assert.equal(dup.problems[0]!.fallback, "ignored");
  });
});
