import assert from "node:assert/strict";
import { createRng } from "../util/rng.ts";
import { mean } from "../util/stats.ts";
import { parseLengthSpec, sampleLength } from "./lengths.ts";
import { InputError } from "../util/validate.ts";

Deno.test("parseLengthSpec() reads fixed, uniform and normal forms", async (t) => {
  const cases: Array<[string, unknown]> = [
    ["128", { kind: "fixed", tokens: 128 }],
    ["fixed:7", { kind: "fixed", tokens: 7 }],
    ["64..256", { kind: "uniform", min: 64, max: 256 }],
    ["uniform:1:3", { kind: "uniform", min: 1, max: 3 }],
    ["normal:100:10", { kind: "normal", mean: 100, sd: 10, min: 1, max: 140 }],
    ["normal:100:10:90:110", { kind: "normal", mean: 100, sd: 10, min: 90, max: 110 }],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => assert.deepEqual(parseLengthSpec(text, "--prompt-tokens"), want));
  }
});

Deno.test("parseLengthSpec() rejects bad text naming the flag", async (t) => {
  for (const text of ["0", "1.5", "abc", "9..3", "normal:1", "zipf:3", "1..2..3", "uniform:a:3"]) {
    await t.step(text, () => {
      assert.throws(
        () => parseLengthSpec(text, "--output-tokens"),
        (e: unknown) => e instanceof InputError && e.message.startsWith("--output-tokens:"),
      );
    });
  }
});

Deno.test("sampleLength() stays in range with the requested mean", async (t) => {
  const cases: Array<[string, number, number, number]> = [
    ["50", 50, 50, 50],
    ["10..20", 10, 20, 15],
    ["normal:100:20:60:140", 60, 140, 100],
  ];
  for (const [spec, lo, hi, wantMean] of cases) {
    await t.step(spec, () => {
      const rng = createRng(5);
      const dist = parseLengthSpec(spec, "x");
      const xs = Array.from({ length: 5000 }, () => sampleLength(dist, rng));
      assert.ok(xs.every((x) => Number.isInteger(x) && x >= lo && x <= hi));
      assert.ok(Math.abs(mean(xs) - wantMean) < 1, `mean ${mean(xs)}`);
    });
  }
});
