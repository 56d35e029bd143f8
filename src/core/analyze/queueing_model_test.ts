import assert from "node:assert/strict";
import { parseModelObservation } from "../contract/types.ts";
import { analyzeModel } from "./mod.ts";
import {
  analyzeQueueingModel,
  QueueingModelConfigSchema,
  variantSloRate,
} from "./queueing_model.ts";

const obs = (ratePerSec: number) =>
  parseModelObservation({
    modelId: "m",
    namespace: "ns",
    load: { arrivalRatePerSec: ratePerSec, avgInputTokens: 0, avgOutputTokens: 178 },
    slo: { ttftMs: 500, itlMs: 24 },
    variants: [
      {
        name: "a100",
        accelerator: "A100",
        costPerReplica: 40,
        currentReplicas: 1,
        readyReplicas: 1,
        perf: { alphaMs: 20.58, betaMs: 0.41, maxBatchSize: 4 },
      },
      {
        name: "mystery",
        accelerator: "H100",
        costPerReplica: 75,
        currentReplicas: 0,
        readyReplicas: 0,
      },
    ],
  });

Deno.test("variantSloRate() gives the Gen2 throughput at λ* (33.8899 rpm in model.md §12)", () => {
  const r = variantSloRate(
    obs(40 / 60),
    obs(40 / 60).variants[0]!,
    QueueingModelConfigSchema.parse({}),
  );
  assert.ok(r.ok);
  assert.ok(Math.abs(r.ratePerSec * 60 - 33.8899) < 1e-3);
});

Deno.test("variantSloRate() with Gen1 gives λ* (25.31145 rpm at 178 tokens)", () => {
  const o = parseModelObservation({ ...obs(40 / 60), slo: { itlMs: 24, ttwMs: 500 } });
  const r = variantSloRate(
    o,
    o.variants[0]!,
    QueueingModelConfigSchema.parse({ generation: "gen1" }),
  );
  assert.ok(r.ok);
  assert.ok(Math.abs(r.ratePerSec * 60 - 25.31145) < 1e-3);
});

Deno.test("analyzeQueueingModel() turns arrival rate and SLO rate into RC/SC (req/s)", async (t) => {
  await t.step("40 rpm on one replica needs capacity; the variant without perf has no data", () => {
    const a = analyzeQueueingModel(obs(40 / 60));
    assert.equal(a.unit, "req/s");
    assert.ok(Math.abs(a.totalDemand - 40 / 60) < 1e-12);
    assert.ok(a.requiredCapacity > 0);
    assert.equal(a.variants[1]!.hasData, false);
    assert.match(a.variants[1]!.steps[0]!.message, /no performance parameters/);
  });
  await t.step("a light load leaves spare capacity", () => {
    const light = parseModelObservation({
      ...obs(0.05),
      variants: [{ ...obs(0.05).variants[0]!, currentReplicas: 3, readyReplicas: 3 }],
    });
    const a = analyzeQueueingModel(light);
    assert.equal(a.requiredCapacity, 0);
    assert.ok(a.spareCapacity > 0);
  });
  await t.step("analyzeModel() dispatches to it", () => {
    const r = analyzeModel(obs(1), { analyzer: "queueing-model", nowMs: 0 });
    assert.equal(r.analysis.kind, "capacity");
  });
});

Deno.test("variantSloRate() reports an infeasible SLO", () => {
  const o = parseModelObservation({ ...obs(1), slo: { itlMs: 5 } });
  const r = variantSloRate(o, o.variants[0]!, QueueingModelConfigSchema.parse({}));
  assert.equal(r.ok, false);
});

Deno.test("the qm.demand step names where the arrival rate came from", async (t) => {
  const cases = [
    ["gateway", /from the gateway: requests arriving there/],
    ["dispatches", /from the gateway's dispatches .*arrivals only while nothing waits/],
    ["completions", /from completions .*understates load under overload/],
    [undefined, /from completions/],
  ] as const;
  for (const [source, want] of cases) {
    await t.step(String(source), () => {
      const base = obs(2);
      const o = parseModelObservation({
        ...base,
        load: { ...base.load!, ...(source ? { arrivalSource: source } : {}) },
      });
      const demand = analyzeQueueingModel(o).steps.find((s) => s.rule === "qm.demand")!;
      assert.match(demand.message, want);
      assert.equal(demand.values?.arrivalSource, source ?? "completions");
    });
  }
});
