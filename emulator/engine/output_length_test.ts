import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { type OutputLengthDistribution, sampleOutputTokens } from "./output_length.ts";

const DIST: OutputLengthDistribution = {
  kind: "normal",
  meanTokens: 100,
  sdTokens: 20,
  minTokens: 1,
  maxTokens: 1000,
};

Deno.test("sampleOutputTokens() draws from each distribution within its bounds", async (t) => {
  const cases: Array<{ kind: OutputLengthDistribution["kind"]; mean: number; tol: number }> = [
    { kind: "fixed", mean: 100, tol: 0 },
    { kind: "normal", mean: 100, tol: 2 },
    { kind: "exponential", mean: 100, tol: 5 },
    { kind: "uniform", mean: 500.5, tol: 10 },
  ];
  for (const c of cases) {
    await t.step(c.kind, () => {
      const rng = createRng(3);
      const xs = Array.from(
        { length: 5000 },
        () => sampleOutputTokens({ ...DIST, kind: c.kind }, rng, 10_000),
      );
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(Math.abs(mean - c.mean) <= c.tol, `mean ${mean} vs ${c.mean}`);
      assert.ok(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 1000));
    });
  }
});

Deno.test("sampleOutputTokens() never exceeds the cap (context left or max_tokens)", () => {
  const rng = createRng(1);
  for (let i = 0; i < 1000; i++) assert.ok(sampleOutputTokens(DIST, rng, 50) <= 50);
  assert.equal(sampleOutputTokens({ ...DIST, kind: "fixed" }, rng, 0), 1, "at least one token");
});
