import assert from "node:assert/strict";
import { solveStateDependent } from "./birth_death.ts";
import { f32 } from "./float32.ts";
import { gen1ServiceRates } from "./gen1.ts";
import { solveMM1K } from "./mm1k.ts";

const close = (a: number, b: number, rel: number) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b} (rel ${rel})`);

Deno.test("solveMM1K() validity follows model.md §13.1 (K = 10)", async (t) => {
  const cases: [number, number, boolean][] = [
    [1, 2, true],
    [0, 2, true],
    [9.9, 1, true],
    [-1, 2, false],
    [1, 0, false],
    [1, -1, false],
    [11, 1, false],
  ];
  for (const [lambda, mu, valid] of cases) {
    await t.step(`(λ ${lambda}, μ ${mu}) ${valid ? "valid" : "invalid"}`, () => {
      assert.equal(solveMM1K(lambda, mu, 10) !== undefined, valid);
    });
  }
});

Deno.test("solveMM1K() probabilities sum to 1 and X ≤ λ (K = 3, μ = 2), Little's law holds", async (t) => {
  for (const lambda of [0.5, 1.5, 1.9, 2.0]) {
    await t.step(`λ = ${lambda}`, () => {
      const s = solveMM1K(lambda, 2, 3)!;
      close(s.probabilities.reduce((a, b) => a + b, 0), 1, 1e-6);
      assert.ok(s.throughput <= lambda);
    });
  }
  const s = solveMM1K(1.5, 2, 10)!;
  assert.ok(Math.abs(s.avgNumInSystem - s.throughput * s.avgRespTime) <= 1e-4);
});

Deno.test("solveStateDependent() with five equal rates equals M/M/1/K (K = 5, λ = 1.5, μ = 3) within 1e-3", () => {
  const mm = solveMM1K(1.5, 3, 5)!;
  const sd = solveStateDependent(1.5, [3, 3, 3, 3, 3], 5)!;
  assert.ok(Math.abs(sd.avgNumInSystem - mm.avgNumInSystem) <= 1e-3);
  assert.ok(Math.abs(sd.throughputPerMs - mm.throughput) <= 1e-3);
});

Deno.test("solveStateDependent() reproduces the intermediate values of model.md §12", async (t) => {
  const rates = gen1ServiceRates(20.58, 0.41, 4, 178);
  await t.step("service rates r[n] = n/(178(α+βn))", () => {
    [2.6765e-4, 5.2504e-4, 7.7276e-4, 1.01134e-3].forEach((r, i) => close(rates[i]!, r, 1e-4));
  });
  await t.step("per replica at 20 rpm (λ = 3.3333e-4/ms, K = 40)", () => {
    const s = solveStateDependent(f32(f32(f32(40 / 60) / 1000) / 2), rates, 40)!;
    close(s.p0, 0.282103, 1e-5);
    close(s.avgNumInSystem, 1.298535, 1e-5);
    close(s.avgNumInService, 1.275279, 1e-5);
    close(s.avgRespTimeMs, 3895.6, 1e-5);
    close(s.avgServTimeMs, 3825.84, 1e-5);
    assert.equal(f32(s.avgWaitTimeMs), f32(69.7666));
    assert.ok(s.pK < 1e-18);
  });
  await t.step("at the wait-limited rate λ_W = 4.2185746e-4/ms", () => {
    const s = solveStateDependent(4.2185746e-4, rates, 40)!;
    close(s.p0, 0.1989, 1e-3);
    close(s.avgNumInSystem, 1.6935, 1e-4);
    close(s.avgNumInService, 1.6231, 1e-4);
    close(s.avgWaitTimeMs, 166.904, 1e-5);
  });
});

Deno.test("solveStateDependent() rejects invalid input and keeps L_s = 0 when N > K", () => {
  assert.equal(solveStateDependent(-1, [1], 4), undefined);
  assert.equal(solveStateDependent(1, [], 4), undefined);
  assert.equal(solveStateDependent(1, [1, 0], 4), undefined);
  const s = solveStateDependent(0.5, [1, 2, 3, 4, 5], 3)!;
  assert.equal(s.avgNumInService, 0);
  assert.ok(s.avgNumInSystem > 0);
});
