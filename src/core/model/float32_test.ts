import assert from "node:assert/strict";
import { f32, formatFloat32, toDecimal32 } from "./float32.ts";

const golden = JSON.parse(
  await Deno.readTextFile(new URL("../../../tests/golden/go_float32_format.json", import.meta.url)),
) as { cases: [number, string][] };

Deno.test("formatFloat32() prints every float32 of the Go golden file exactly as Go's %v", () => {
  const view = new DataView(new ArrayBuffer(4));
  const wrong: string[] = [];
  for (const [bits, want] of golden.cases) {
    view.setUint32(0, bits);
    const got = formatFloat32(view.getFloat32(0));
    if (got !== want) wrong.push(`${bits}: want ${want}, got ${got}`);
  }
  assert.ok(golden.cases.length > 900);
  assert.deepEqual(wrong, []);
});

Deno.test("formatFloat32() layout", async (t) => {
  const cases: [number, string][] = [
    [21.49347, "21.49347"],
    [0.71789724, "0.71789724"],
    [-40, "-40"],
    [0, "0"],
    [1e-5, "1e-05"],
    [123456789, "1.2345679e+08"],
    [999999, "999999"],
    [1e6, "1e+06"],
    [0.0001, "0.0001"],
    [Infinity, "+Inf"],
    [NaN, "NaN"],
  ];
  for (const [x, want] of cases) {
    await t.step(`${x} → ${want}`, () => assert.equal(formatFloat32(x), want));
  }
});

Deno.test("f32() rounds to float32 and toDecimal32() gives the short decimal", () => {
  assert.notEqual(f32(0.1), 0.1);
  assert.equal(f32(f32(0.1)), f32(0.1));
  assert.equal(toDecimal32(f32(21.49347)), 21.49347);
  assert.equal(JSON.stringify(toDecimal32(f32(0.1) * 3)), "0.3");
});
