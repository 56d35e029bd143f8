import { strict as assert } from "node:assert";
import { PRESETS } from "../../../../emulator/engine/presets.ts";
import type { EngineParams } from "../../../../emulator/engine/types.ts";
import { demoScenario, type DemoSetup, shiftLength } from "./from_demo.ts";
import { parseScenario } from "./scenario.ts";

const engine = (over: Partial<EngineParams> = {}): EngineParams => ({
  ...PRESETS.A100,
  prefillScalesWithBatch: false,
  jitterCv: 0,
  maxNumSeqs: 16,
  kvCacheBlocks: 160,
  blockSize: 16,
  maxWaitingQueue: 1000,
  preemption: true,
  kvWatermark01: 0.01,
  ...over,
});

const SETUP: DemoSetup = {
  model: "m",
  variants: [
    {
      name: "a",
      accelerator: "A100",
      cost: 40,
      gpusPerReplica: 1,
      minReplicas: 1,
      maxReplicas: 4,
      initialReplicas: 1,
    },
    {
      name: "h",
      accelerator: "H100",
      cost: 80,
      gpusPerReplica: 2,
      minReplicas: 0,
      maxReplicas: 4,
      initialReplicas: 0,
    },
  ],
  inventory: [
    { accelerator: "A100", gpus: 2 },
    { accelerator: "H100", gpus: 2 },
    { accelerator: "H100", gpus: 4 },
  ],
  loadingDelayMs: 4000,
  controller: {
    analyzer: "saturation-v2",
    intervalMs: 4000,
    limiter: true,
    saturation: { scaleUpThreshold: 0.9 },
  },
  load: {
    promptTokens: { kind: "uniform", min: 96, max: 160 },
    outputTokens: { kind: "uniform", min: 48, max: 80 },
    slo: { ttftMs: 500, itlMs: 50 },
    seed: 7,
  },
};
const ENGINES = { a: engine(), h: engine({ alphaMs: 12, betaMs: 0.22 }) };

Deno.test("demoScenario() writes the demo's setup as a scenario", () => {
  const s = parseScenario(demoScenario(SETUP, "6s@2rps,30s@2..24rps", ENGINES));
  assert.equal(s.seed, 7);
  assert.deepEqual(s.inventory, { A100: 2, H100: 6 });
  assert.deepEqual(
    [
      s.cluster.loadingDelaySec,
      s.cluster.readinessProbeSec,
      s.cluster.scrapeIntervalSec,
      s.cluster.scrapeOffsetSec,
    ],
    [4, 0.25, 1, 0.1],
  );
  assert.deepEqual(
    [s.gateway.flowControl, s.gateway.queueCapacity, s.gateway.queueTtlSec, s.client.timeoutSec],
    [false, 1000, 30, 60],
  );
  const [a, h] = s.models[0]!.variants;
  assert.deepEqual([a!.costPerHour, a!.initialReplicas, h!.gpusPerReplica], [40, 1, 2]);
  assert.deepEqual(h!.engine, { ...ENGINES.h });
  const load = s.models[0]!.load!;
  assert.equal(load.drawAs, "loadgen");
  assert.deepEqual(load.promptTokens, { kind: "uniform", min: 103, max: 167 }, "chat template");
  assert.deepEqual(s.slo, { ttftMs: 500, itlMs: 50 });
  const arm = s.arms[0]!;
  assert.ok(arm.type === "wva");
  assert.deepEqual(
    [arm.decide, arm.intervalSec, arm.phaseSec, arm.windowSec, arm.warmupSec, arm.metricsSource],
    ["saturation-v2", 4, 4, 4, 0, "scrape"],
  );
  assert.deepEqual(arm.settings, {
    saturation: { scaleUpThreshold: 0.9 },
    limiter: true,
    scaleToZero: true,
    retentionSec: 60,
    staleAfterSec: 12,
  });
});

Deno.test("demoScenario() takes the metrics window, no inventory, and refuses what it cannot model", async (t) => {
  await t.step("metricsWindowMs sets the query window; no nodes = unlimited GPUs", () => {
    const setup = {
      ...SETUP,
      inventory: [],
      controller: { ...SETUP.controller, metricsWindowMs: 10_000 },
    };
    const s = parseScenario(demoScenario(setup, "10s@1rps", ENGINES));
    assert.equal(s.inventory, undefined);
    assert.ok(s.arms[0]!.type === "wva" && s.arms[0]!.windowSec === 10);
  });
  await t.step("prefix caching", () => {
    const engines = { ...ENGINES, h: engine({ prefixCaching: true }) };
    assert.throws(() => demoScenario(SETUP, "10s@1rps", engines), /h .*prefix caching/);
  });
  await t.step("a variant without engine parameters", () => {
    assert.throws(() => demoScenario(SETUP, "10s@1rps", { a: engine() }), /variant h/);
  });
});

Deno.test("shiftLength() moves every draw by the same number of tokens", async (t) => {
  const cases = [
    [{ kind: "fixed", tokens: 128 }, { kind: "fixed", tokens: 135 }],
    [{ kind: "uniform", min: 96, max: 160 }, { kind: "uniform", min: 103, max: 167 }],
    [
      { kind: "normal", mean: 128, sd: 32, min: 1, max: 256 },
      { kind: "normal", mean: 135, sd: 32, min: 8, max: 263 },
    ],
  ] as const;
  for (const [from, to] of cases) {
    await t.step(from.kind, () => assert.deepEqual(shiftLength(from, 7), to));
  }
});
