import assert from "node:assert/strict";
import { bisect } from "./bisection.ts";
import { solveStateDependent } from "./birth_death.ts";
import { f32, formatFloat32 } from "./float32.ts";
import { batchSize, type Gen1Input, gen1ServiceRates, sizeGen1, SLO_MARGIN } from "./gen1.ts";

const seed: Gen1Input = {
  alphaMs: 20.58,
  betaMs: 0.41,
  perfMaxBatchSize: 4,
  atTokens: 0,
  serverMaxBatchSize: 4,
  avgTokens: 178,
  arrivalRateRpm: 40,
  itlMs: 24,
  ttwMs: 500,
  tps: 0,
  minReplicas: 1,
};

Deno.test("sizeGen1() on the 40 rpm seed: λ* is wait-limited, ITL is above the range", () => {
  const s = sizeGen1(seed);
  assert.ok(s.feasible && s.search);
  assert.equal(s.search.lambdaItlPerMs, s.search.lambdaMaxPerMs);
  assert.equal(formatFloat32(s.search.lambdaWaitPerMs), "0.00042185746");
  assert.equal(s.search.servTimeLimitMs, 4272);
  assert.equal(formatFloat32(s.search.waitTimeLimitMs), "166.9041");
  assert.equal(formatFloat32(SLO_MARGIN), "2.9957323");
  assert.equal(s.numReplicas, 2);
});

Deno.test("the legacy tolerance test of queue-analysis v0.1.0 (never stops early) gives the same λ_W", () => {
  const rates = gen1ServiceRates(20.58, 0.41, 4, 178);
  const wait = (x: number) => solveStateDependent(x, rates, 40)?.avgWaitTimeMs;
  const range: [number, number] = [
    f32(rates[0]! * f32(0.001)),
    f32(rates[3]! * f32(1 - f32(0.001))),
  ];
  const target = f32(500 / SLO_MARGIN);
  const fixed = bisect(range, target, wait);
  const legacy = bisect(range, target, wait, { legacyTolerance: true });
  assert.ok(fixed.ok && legacy.ok);
  assert.equal(legacy.x, fixed.x);
});

Deno.test("sizeGen1() edge cases", async (t) => {
  await t.step("one replica would wait 1044 ms > 166.9 ms: 40 rpm needs 2", () => {
    const s = sizeGen1({ ...seed, minReplicas: 1 });
    assert.ok(s.feasible && s.numReplicas === 2);
    const one = solveStateDependent(f32(40 / 60000), gen1ServiceRates(20.58, 0.41, 4, 178), 40)!;
    assert.ok(Math.abs(one.avgWaitTimeMs - 1044) < 1);
  });
  await t.step("minReplicas raises the count", () => {
    const s = sizeGen1({ ...seed, minReplicas: 5 });
    assert.ok(s.feasible && s.numReplicas === 5);
  });
  await t.step("zero rate takes the zero-load branch", () => {
    const s = sizeGen1({ ...seed, arrivalRateRpm: 0 });
    assert.ok(s.feasible && s.zeroLoad && s.numReplicas === 1);
  });
  await t.step("an ITL target below α + β is infeasible", () => {
    const s = sizeGen1({ ...seed, itlMs: 10 });
    assert.equal(s.feasible, false);
  });
  await t.step("negative load is infeasible", () => {
    assert.equal(sizeGen1({ ...seed, arrivalRateRpm: -1 }).feasible, false);
  });
  await t.step("a TPS target sizes for tokens/s with 10 % headroom", () => {
    const s = sizeGen1({ ...seed, tps: 500, ttwMs: 0, itlMs: 0 });
    assert.ok(s.feasible && s.search);
    assert.equal(s.search.lambdaTpsPerMs, f32(s.search.lambdaMaxPerMs * f32(0.9)));
    // 500 tokens/s = 500/178 req/s; per replica 0.9 × 1.0103 req/ms ... → ⌈2.809/0.9093⌉ = 4
    assert.equal(s.numReplicas, 4);
  });
  await t.step("without targets λ* is the top of the range", () => {
    const s = sizeGen1({ ...seed, itlMs: 0, ttwMs: 0 });
    assert.ok(s.feasible && s.search);
    assert.equal(s.maxArrvRatePerReplicaPerMs, s.search.lambdaMaxPerMs);
  });
});

Deno.test("batchSize() uses the server's, else the profile scaled to the request length", async (t) => {
  const cases: [number, number, number, number, number][] = [
    [4, 256, 0, 178, 4],
    [0, 256, 128, 64, 512],
    [0, 16, 100, 2000, 1],
    [0, 16, 0, 200, 16],
  ];
  for (const [server, prof, at, k, want] of cases) {
    await t.step(`server ${server}, profile ${prof}@${at}, K ${k} → ${want}`, () => {
      assert.equal(batchSize(server, prof, at, k), want);
    });
  }
});
