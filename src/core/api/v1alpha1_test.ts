import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  parseVariantAutoscaling,
  VariantAutoscalingSpecSchema,
  VariantAutoscalingStatusSchema,
} from "./v1alpha1.ts";
import { setCondition } from "./conditions.ts";

const META = { name: "v", namespace: "ns" };
const REF = { kind: "Deployment", name: "d" };

function va(spec: Record<string, unknown>): unknown {
  return { apiVersion: "llmd.ai/v1alpha1", kind: "VariantAutoscaling", metadata: META, spec };
}

Deno.test("VariantAutoscalingSpecSchema fills defaults and turns variantCost into a number", async (t) => {
  const cases: { name: string; spec: Record<string, unknown>; want: Record<string, unknown> }[] = [
    {
      name: "minimal spec",
      spec: { scaleTargetRef: REF, modelID: "m" },
      want: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" },
        modelID: "m",
        minReplicas: 1,
        maxReplicas: 2,
      },
    },
    {
      name: "integer cost",
      spec: { scaleTargetRef: REF, modelID: "m", variantCost: 40 },
      want: { variantCost: 40 },
    },
    {
      name: "decimal string cost (upstream style)",
      spec: { scaleTargetRef: REF, modelID: "m", variantCost: "12.50" },
      want: { variantCost: 12.5 },
    },
    {
      name: "StatefulSet, scale-to-zero bounds, perf params with defaults",
      spec: {
        scaleTargetRef: { kind: "StatefulSet", name: "s" },
        modelID: "m",
        minReplicas: 0,
        maxReplicas: 3,
        perfParams: { alphaMs: 20.58, betaMs: 0.41, maxBatchSize: 4 },
        analyzer: "queueing-model",
      },
      want: {
        minReplicas: 0,
        maxReplicas: 3,
        perfParams: { alphaMs: 20.58, betaMs: 0.41, gammaMs: 0, deltaMs: 0, maxBatchSize: 4 },
        analyzer: "queueing-model",
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = VariantAutoscalingSpecSchema.parse(c.spec) as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, k);
    });
  }
});

Deno.test("parseVariantAutoscaling() names the field and value of every problem", async (t) => {
  const cases: { name: string; spec: Record<string, unknown>; want: RegExp }[] = [
    {
      name: "missing scaleTargetRef",
      spec: { modelID: "m" },
      want: /^spec\.scaleTargetRef: .*missing/,
    },
    {
      name: "unsupported kind",
      spec: { scaleTargetRef: { kind: "Job", name: "j" }, modelID: "m" },
      want: /^spec\.scaleTargetRef\.kind: .*"Deployment".*\(got "Job"\)/,
    },
    {
      name: "min above max",
      spec: { scaleTargetRef: REF, modelID: "m", minReplicas: 5, maxReplicas: 3 },
      want: /^spec\.minReplicas: minReplicas must be less than or equal to maxReplicas \(got 5\)/,
    },
    {
      name: "non-numeric cost",
      spec: { scaleTargetRef: REF, modelID: "m", variantCost: "cheap" },
      want: /^spec\.variantCost: .*\(got "cheap"\)/,
    },
    {
      name: "maxReplicas 0",
      spec: { scaleTargetRef: REF, modelID: "m", maxReplicas: 0 },
      want: /^spec\.maxReplicas: .*>=1 \(got 0\)/,
    },
    {
      name: "alpha must be positive",
      spec: {
        scaleTargetRef: REF,
        modelID: "m",
        perfParams: { alphaMs: 0, betaMs: 1, maxBatchSize: 4 },
      },
      want: /^spec\.perfParams\.alphaMs: .*\(got 0\)/,
    },
    { name: "empty modelID", spec: { scaleTargetRef: REF, modelID: "" }, want: /^spec\.modelID: / },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parseVariantAutoscaling(va(c.spec));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.ok(r.problems.some((p) => c.want.test(p)), r.problems.join("\n"));
    });
  }
  await t.step("a valid object parses", () => {
    const r = parseVariantAutoscaling(va({ scaleTargetRef: REF, modelID: "m" }));
    assert.equal(r.ok, true);
  });
});

Deno.test("the sample VariantAutoscaling manifest parses with the schema", async () => {
  const url = new URL("../../../manifests/samples/variantautoscaling.yaml", import.meta.url);
  const r = parseVariantAutoscaling(parseYaml(await Deno.readTextFile(url)));
  assert.ok(r.ok, r.ok ? "" : r.problems.join("\n"));
  assert.equal(r.va.spec.variantCost, 40);
  assert.equal(r.va.spec.perfParams?.alphaMs, 20.58);
});

Deno.test("VariantAutoscalingStatusSchema accepts what setCondition() writes", () => {
  const conditions = setCondition([], {
    type: "OptimizationReady",
    status: "True",
    reason: "OptimizationSucceeded",
    message: "2 → 3 replicas",
  }, { nowMs: Date.UTC(2026, 0, 1), observedGeneration: 1 });
  const status = VariantAutoscalingStatusSchema.parse({
    observedGeneration: 1,
    currentAlloc: { accelerator: "A100", numReplicas: 2 },
    desiredOptimizedAlloc: {
      accelerator: "A100",
      numReplicas: 3,
      lastRunTime: "2026-01-01T00:00:00Z",
    },
    actuation: { applied: true, mode: "metrics", appliedReplicas: 3 },
    conditions,
  });
  assert.equal(status.conditions?.[0]?.lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.throws(() =>
    VariantAutoscalingStatusSchema.parse({ conditions: [{ ...conditions[0], status: "Maybe" }] })
  );
});
