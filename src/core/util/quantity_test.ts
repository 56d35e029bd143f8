import assert from "node:assert/strict";
import { parseQuantity } from "./quantity.ts";

Deno.test("parseQuantity() reads Kubernetes quantities", async (t) => {
  const cases: Array<[string | number, number | undefined]> = [
    ["2", 2],
    ["1.5", 1.5],
    ["500m", 0.5],
    ["0.5", 0.5],
    [".5", 0.5],
    ["2Ki", 2048],
    ["1Mi", 1_048_576],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1.1k", 1100],
    ["3M", 3_000_000],
    ["1e3", 1000],
    ["5E-1", 0.5],
    ["100u", 0.0001],
    ["-1", -1],
    ["+2", 2],
    [8, 8],
    [0.25, 0.25],
    ["", undefined],
    [" 2", undefined],
    ["2 ", undefined],
    ["2GB", undefined],
    ["2ki", undefined],
    ["1.2.3", undefined],
    ["abc", undefined],
    ["Infinity", undefined],
    [Number.NaN, undefined],
  ];
  for (const [given, want] of cases) {
    await t.step(JSON.stringify(given), () => assert.equal(parseQuantity(given), want));
  }
});
