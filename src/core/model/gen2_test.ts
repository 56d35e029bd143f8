import assert from "node:assert/strict";
import {
  analyzeGen2,
  createGen2Queue,
  decodeTimeMs,
  effectiveConcurrency,
  type Gen2Params,
  prefillTimeMs,
  sizeGen2Targets,
} from "./gen2_queue.ts";
import { type Gen2Input, sizeGen2 } from "./gen2.ts";

const near = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("prefillTimeMs() and decodeTimeMs() match model.md §13.1 (±1e-6)", async (t) => {
  const p: Gen2Params = { alphaMs: 1, betaMs: 0.01, gammaMs: 10, deltaMs: 0.001 };
  const prefill: [number, number, number][] = [[0, 4, 0], [1000, 1, 11], [2000, 8, 26], [
    500,
    2.5,
    11.25,
  ]];
  for (const [i, n, want] of prefill) {
    await t.step(`P(i=${i}, n=${n}) = ${want}`, () => near(prefillTimeMs(p, i, n), want, 1e-5));
  }
  for (const [n, want] of [[1, 1.01], [4, 1.04], [8, 1.08], [2.5, 1.025]] as const) {
    await t.step(`D(${n}) = ${want}`, () => near(decodeTimeMs(p, n), want));
  }
});

const params: Gen2Params = { alphaMs: 1, betaMs: 0.01, gammaMs: 10, deltaMs: 0.001 };
const config = { maxBatchSize: 8, maxQueueSize: 16, params };

Deno.test("createGen2Queue() validates the request size and configuration (§13.1)", async (t) => {
  for (const [i, o] of [[0, 10], [0, 1], [100, 1], [200, 20]]) {
    await t.step(
      `(i ${i}, o ${o}) valid`,
      () => assert.ok(createGen2Queue(config, { inputTokens: i!, outputTokens: o! }).ok),
    );
  }
  for (const [i, o] of [[0, 0], [-1, -1], [50, 0]]) {
    await t.step(
      `(i ${i}, o ${o}) error`,
      () => assert.equal(createGen2Queue(config, { inputTokens: i!, outputTokens: o! }).ok, false),
    );
  }
  for (const [n, q] of [[0, 16], [-1, 16], [8, -1]]) {
    await t.step(`N ${n}, Q ${q} error`, () => {
      assert.equal(
        createGen2Queue({ ...config, maxBatchSize: n!, maxQueueSize: q! }, {
          inputTokens: 1,
          outputTokens: 2,
        }).ok,
        false,
      );
    });
  }
});

Deno.test("analyzeGen2() accepts rates inside the range only; metrics are sane (§13.1)", async (t) => {
  const q = createGen2Queue(config, { inputTokens: 100, outputTokens: 10 });
  assert.ok(q.ok);
  const { minRatePerSec: lo, maxRatePerSec: hi } = q.value;
  for (const r of [0, -1, 1.1 * hi]) {
    await t.step(`rate ${r} → error`, () => assert.equal(analyzeGen2(q.value, r).ok, false));
  }
  for (const r of [0.5 * lo, (lo + hi) / 2, 0.9 * hi]) {
    await t.step(`rate ${r} → ok`, () => {
      const m = analyzeGen2(q.value, r);
      assert.ok(m.ok);
      for (const v of Object.values(m.value)) assert.ok(v >= 0);
      assert.ok(m.value.rho >= 0 && m.value.rho <= 1);
    });
  }
});

Deno.test("sizeGen2Targets() sizes positive or zero targets and rejects negative ones (§13.1)", () => {
  const q = createGen2Queue(config, { inputTokens: 100, outputTokens: 10 });
  assert.ok(q.ok);
  assert.ok(sizeGen2Targets(q.value, { ttftMs: 50, itlMs: 5, tps: 100 }).ok);
  assert.ok(sizeGen2Targets(q.value, { ttftMs: 0, itlMs: 0, tps: 0 }).ok);
  assert.equal(sizeGen2Targets(q.value, { ttftMs: -1, itlMs: 5, tps: 0 }).ok, false);
  assert.equal(sizeGen2Targets(q.value, { ttftMs: 50, itlMs: 0, tps: -1 }).ok, false);
});

Deno.test("effectiveConcurrency() stays within [0, N] (§13.1)", async (t) => {
  for (const s of [20, 50, 100]) {
    await t.step(`S = ${s} ms`, () => {
      const n = effectiveConcurrency(s, params, { inputTokens: 100, outputTokens: 10 }, 8);
      assert.ok(n >= 0 && n <= 8);
    });
  }
});

const core: Gen2Input = {
  alphaMs: 5,
  betaMs: 2,
  gammaMs: 10,
  deltaMs: 1.5,
  perfMaxBatchSize: 16,
  atTokens: 200,
  serverMaxBatchSize: 0,
  avgInTokens: 100,
  avgOutTokens: 200,
  arrivalRateRpm: 30,
  ttftMs: 2000,
  itlMs: 500,
  tps: 0,
  minReplicas: 1,
};

Deno.test("sizeGen2() scales up with the load (§13.2 Scale: 30 → 360 rpm)", () => {
  const low = sizeGen2(core);
  const high = sizeGen2({ ...core, arrivalRateRpm: 360 });
  assert.ok(low.feasible && high.feasible);
  assert.ok(high.numReplicas - low.numReplicas > 0);
});

Deno.test("sizeGen2() zero load with a server batch size and two units per replica (§13.2)", () => {
  const s = sizeGen2({ ...core, arrivalRateRpm: 0, serverMaxBatchSize: 8 });
  assert.ok(s.feasible);
  assert.equal(s.numReplicas, 1);
  assert.equal(s.maxBatch, 8);
  assert.equal(s.itlMs, 7);
  assert.equal(s.ttftMs, 11.5);
});
