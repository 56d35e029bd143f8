import assert from "node:assert/strict";
import { DEFAULT_SATURATION_CONFIG } from "../../analyze/saturation_config.ts";
import { parseSaturationConfigMap, pipelineFor, saturationConfigFor } from "./saturation.ts";

const PROD = { modelId: "meta/llama-3.1-8b", namespace: "prod" };
const DEV = { modelId: "meta/llama-3.1-8b", namespace: "dev" };

Deno.test("parseSaturationConfigMap() merges the default entry and per-model overrides", async (t) => {
  const r = parseSaturationConfigMap({
    default: "kvCacheThreshold: 0.75\nqueueLengthThreshold: 4",
    "llama-any": "modelID: meta/llama-3.1-8b\nkvSpareTrigger: 0.2",
    "llama-prod": "modelID: meta/llama-3.1-8b\nnamespace: prod\nkvCacheThreshold: 0.6",
  });
  assert.deepEqual(r.problems, []);
  await t.step("default entry fills the rest from the shipped defaults", () => {
    assert.deepEqual(r.config.default, {
      ...DEFAULT_SATURATION_CONFIG,
      kvCacheThreshold: 0.75,
      queueLengthThreshold: 4,
    });
  });
  await t.step("namespace-specific override wins", () => {
    assert.equal(saturationConfigFor(r.config, PROD).kvCacheThreshold, 0.6);
    assert.equal(saturationConfigFor(r.config, PROD).kvSpareTrigger, 0.1);
  });
  await t.step("model-wide override applies in other namespaces", () => {
    const c = saturationConfigFor(r.config, DEV);
    assert.equal(c.kvSpareTrigger, 0.2);
    assert.equal(c.kvCacheThreshold, 0.75);
  });
  await t.step("other models get the default entry", () => {
    assert.deepEqual(
      saturationConfigFor(r.config, { modelId: "x", namespace: "prod" }),
      r.config.default,
    );
  });
  await t.step("no ConfigMap: shipped defaults", () => {
    assert.deepEqual(parseSaturationConfigMap(undefined).config.default, DEFAULT_SATURATION_CONFIG);
  });
});

Deno.test("parseSaturationConfigMap() reports invalid entries and keeps the last good ones", async (t) => {
  const good = parseSaturationConfigMap({
    default: "kvCacheThreshold: 0.75",
    o: "modelID: m\nqueueLengthThreshold: 8",
  }).config;
  const cases = [
    {
      name: "default out of range keeps the last good default",
      data: { default: "kvCacheThreshold: 1.5", o: "modelID: m\nqueueLengthThreshold: 8" },
      want: { key: "default", field: "kvCacheThreshold", value: 1.5, fallback: "last-good" },
    },
    {
      name: "override without modelID",
      data: { default: "kvCacheThreshold: 0.75", o: "queueLengthThreshold: 2" },
      want: { key: "o", field: "modelID", value: undefined, fallback: "last-good" },
    },
    {
      name: "override breaking kvSpareTrigger ≤ kvCacheThreshold once merged",
      data: { default: "kvCacheThreshold: 0.75", o: "modelID: m\nkvSpareTrigger: 0.9" },
      want: { key: "o", field: "kvSpareTrigger", value: 0.9, fallback: "last-good" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parseSaturationConfigMap(c.data, good);
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
      const p = r.problems[0]!;
      assert.deepEqual(
        { key: p.key, field: p.field, value: p.value, fallback: p.fallback },
        c.want,
      );
      assert.deepEqual(r.config.default, good.default);
      assert.equal(
        saturationConfigFor(r.config, { modelId: "m", namespace: "n" }).queueLengthThreshold,
        8,
      );
    });
  }
  await t.step("first parse with a bad default falls back to the shipped defaults", () => {
    const r = parseSaturationConfigMap({
      default: "scaleUpThreshold: 0.5\nscaleDownBoundary: 0.6",
    });
    assert.equal(r.problems[0]!.fallback, "default");
    assert.deepEqual(r.config.default, DEFAULT_SATURATION_CONFIG);
  });
});

Deno.test("parseSaturationConfigMap() reads WVA-format entries (issue 12 case 8)", async (t) => {
  await t.step("an unknown field is a warning; the entry's thresholds apply", () => {
    // It used to reject the whole entry: an operator's thresholds silently reverted.
    const r = parseSaturationConfigMap({
      default: "kvCacheThreshold: 0.75\nlimiters: []",
      o: "modelID: m\nenableRescale: true\nqueueLengthThreshold: 9",
    });
    assert.deepEqual(r.problems.map((p) => [p.key, p.field, p.value, p.fallback]), [
      ["default", "limiters", [], "field-ignored"],
      ["o", "enableRescale", true, "field-ignored"],
    ]);
    assert.equal(r.config.default.kvCacheThreshold, 0.75);
    assert.equal(
      saturationConfigFor(r.config, { modelId: "m", namespace: "n" }).queueLengthThreshold,
      9,
    );
  });
  await t.step("model_id names the model; analyzers and analyzerName select the pipeline", () => {
    const r = parseSaturationConfigMap({
      default: "analyzers:\n  - name: saturation\n    score: 1.0\n  - name: throughput\n" +
        "kvCacheThreshold: 0.9",
      "m-prod": "model_id: m\nnamespace: prod\nanalyzerName: saturation\nqueueLengthThreshold: 10",
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.pipeline?.analyzers.map((a) => a.type), ["saturation", "throughput"]);
    const o = r.config.overrides["m-prod"]!;
    assert.deepEqual([o.modelID, o.namespace, o.pipeline?.source], ["m", "prod", "analyzerName"]);
    const c = saturationConfigFor(r.config, { modelId: "m", namespace: "prod" });
    assert.deepEqual([c.kvCacheThreshold, c.queueLengthThreshold], [0.9, 10]);
    const prod = pipelineFor(r.config, { modelId: "m", namespace: "prod" });
    assert.deepEqual(prod?.analyzers.map((a) => a.type), ["saturation"]);
    const other = pipelineFor(r.config, { modelId: "x", namespace: "prod" });
    assert.deepEqual(other?.analyzers.map((a) => a.type), ["saturation", "throughput"]);
  });
  await t.step("a bad selection makes the entry invalid (its last good value stays)", () => {
    const first = parseSaturationConfigMap({ default: "analyzers: [{name: throughput}]" });
    const r = parseSaturationConfigMap(
      { default: "analyzers: [{name: magic}]\nkvCacheThreshold: 0.5" },
      first.config,
    );
    assert.deepEqual(r.problems.map((p) => [p.field, p.value, p.fallback]), [
      ["analyzers[0].name", "magic", "last-good"],
    ]);
    assert.equal(r.config.default.kvCacheThreshold, first.config.default.kvCacheThreshold);
    assert.deepEqual(r.config.pipeline?.analyzers.map((a) => a.name), ["throughput"]);
  });
  await t.step("no selection: no pipeline", () => {
    const r = parseSaturationConfigMap({ default: "kvCacheThreshold: 0.9" });
    assert.equal(pipelineFor(r.config, { modelId: "m", namespace: "n" }), undefined);
  });
  await t.step("modelID wins over model_id", () => {
    const r = parseSaturationConfigMap({ o: "model_id: x\nmodelID: m\nkvSpareTrigger: 0.2" });
    assert.equal(r.config.overrides.o!.modelID, "m");
  });
});
