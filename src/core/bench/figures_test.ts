import { strict as assert } from "node:assert";
import { armFigures } from "./figures.ts";
import type { ArmRun } from "./run.ts";
import { ERROR, OK, RATE_LIMITED, TIMEOUT } from "./sim/types.ts";

/** Six requests over a 10 s load window: 3 completed (2 within SLO), one failure of each kind but one. */
function run(): ArmRun {
  const n = 6;
  const f64 = (xs: number[]) => Float64Array.from(xs);
  return {
    arm: { name: "a", type: "static", replicas: "peak", headroom01: 0 },
    plan: {
      count: n,
      atMs: f64([0, 1000, 2000, 3000, 4000, 5000]),
      promptTokens: new Int32Array(n).fill(10),
      outputTokens: new Int32Array(n).fill(10),
      model: new Uint16Array(n),
      loadEndMs: 10_000,
      models: [{
        requests: n,
        peakRatePerSec: 1,
        meanRatePerSec: 0.6,
        meanPromptTokens: 10,
        meanOutputTokens: 10,
        stepsUpMs: [2000],
      }],
    },
    models: [{
      name: "m",
      variants: [{ name: "v" }],
      load: {} as never,
      slo: { ttftMs: 500, itlMs: 50 },
    }],
    settings: {} as never,
    records: {
      status: Uint8Array.from([OK, OK, OK, ERROR, RATE_LIMITED, TIMEOUT]),
      podOf: new Int32Array(n),
      ttftMs: f64([100, 900, 200, NaN, NaN, NaN]),
      itlMs: f64([20, 20, 80, NaN, NaN, NaN]),
      e2eMs: f64([300, 1100, 1000, 5, 0, 120_000]),
      variantOf: new Int16Array(n),
    },
    timeline: {
      tSec: [0, 5],
      variants: [{
        variant: "v",
        model: "m",
        spec: [1, 3],
        ready: [1, 1],
        loading: [0, 2],
        pending: [0, 0],
        draining: [0, 0],
      }],
      models: [],
    },
    scaleEvents: [{ atMs: 2500, variant: "v", from: 1, to: 3, by: "a" }],
    syncs: [],
    gpuHours: 0.01,
    cost: 0.04,
    podsCreated: 3,
    podsStuck: 0,
    readyEvents: [{ variant: "v", model: "m", atMs: 62_500 }],
  } as unknown as ArmRun;
}

Deno.test("armFigures() applies one definition of every figure", () => {
  const f = armFigures(run());
  assert.equal(f.requests, 6);
  assert.equal(f.completed, 3);
  assert.equal(f.failed, 3);
  assert.deepEqual(f.failures, { errors: 1, rateLimited: 1, timeouts: 1, shed: 0 });
  assert.deepEqual(
    f.sloAttainment,
    { ttft01: 2 / 6, itl01: 2 / 6, all01: 1 / 6 },
    "shares of all requests",
  );
  assert.equal(f.goodputPerSec, 0.1, "1 good request over the 10 s load window");
  assert.equal(f.throughputPerSec, 0.3);
  assert.equal(f.latencyMs.ttft.p50, 200);
  assert.equal(f.maxReplicas, 3);
  assert.deepEqual(f.replicas, { tSec: [0, 5], spec: [1, 3], ready: [1, 1] });
  assert.equal(f.meanGpus, 0.01 / (10 / 3600));
  assert.deepEqual(f.scaleEvents, { up: 1, down: 0 });
  assert.deepEqual(f.reactions, [{ model: "m", stepAtSec: 2, scaleUpSec: 0.5, readySec: 60.5 }]);
});
