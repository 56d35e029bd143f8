import assert from "node:assert/strict";
import {
  describeKnownAccelerators,
  isKnownAccelerator,
  type KnownAccelerators,
} from "./known_accelerators.ts";

const KNOWN: KnownAccelerators = {
  priced: [{ name: "MI300X", device: "AMD-MI300X-192G" }],
  inventory: [
    { accelerator: "A100", products: ["NVIDIA-A100-PCIE-80GB", "NVIDIA-A100-SXM4-80GB"] },
    { accelerator: "H100", products: ["NVIDIA-H100-SXM5-80GB"] },
  ],
};

Deno.test("isKnownAccelerator() matches each source the way its consumer looks it up", async (t) => {
  const cases: [string, string, boolean][] = [
    ["a unit-cost ConfigMap key", "MI300X", true],
    ["a ConfigMap key in another case (the cost lookup ignores case)", "mi300x", true],
    ["a ConfigMap device", "amd-mi300x-192g", true],
    ["an inventory accelerator name", "A100", true],
    ["an inventory name in another case (the limiter would not budget it)", "a100", false],
    ["any product behind an inventory name, ignoring case", "nvidia-a100-sxm4-80gb", true],
    ["a name nobody knows", "Z999", false],
    ["a product of no node", "NVIDIA-L4", false],
  ];
  for (const [name, accelerator, want] of cases) {
    await t.step(name, () => assert.equal(isKnownAccelerator(accelerator, KNOWN), want));
  }
  await t.step("nothing known: nothing is checked", () => {
    assert.equal(isKnownAccelerator("Z999", { priced: [], inventory: [] }), true);
  });
  await t.step("only the ConfigMap known", () => {
    const known = { priced: KNOWN.priced, inventory: [] };
    assert.equal(isKnownAccelerator("MI300X", known), true);
    assert.equal(isKnownAccelerator("A100", known), false);
  });
});

Deno.test("describeKnownAccelerators() lists both sources, sorted and bounded", async (t) => {
  await t.step("names with their products", () => {
    assert.equal(
      describeKnownAccelerators(KNOWN),
      "unit-cost ConfigMap: MI300X; GPU inventory: A100 (NVIDIA-A100-PCIE-80GB, " +
        "NVIDIA-A100-SXM4-80GB), H100 (NVIDIA-H100-SXM5-80GB)",
    );
  });
  await t.step("an empty source says none; a long one is cut", () => {
    const priced = ["D", "C", "B", "A"].map((name) => ({ name, device: `dev-${name}` }));
    assert.equal(
      describeKnownAccelerators({ priced, inventory: [] }, 2),
      "unit-cost ConfigMap: A, B and 2 more; GPU inventory: none",
    );
  });
});
