import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { readAnnotatedScaler } from "./annotations.ts";
import {
  hpaForVariant,
  scaledObjectForVariant,
  variantAnnotations,
  variantAutoscalingFor,
} from "./scaler_manifests.ts";
import { parseVariantAutoscaling, type VariantAutoscaling } from "./v1alpha1.ts";

const SAMPLES = new URL("../../../manifests/samples/", import.meta.url);

async function sample(name: string): Promise<Record<string, unknown>> {
  return parseYaml(await Deno.readTextFile(new URL(name, SAMPLES))) as Record<string, unknown>;
}

function parsedVa(obj: unknown): VariantAutoscaling {
  const r = parseVariantAutoscaling(obj);
  if (!r.ok) assert.fail(r.problems.join("\n"));
  return r.va;
}

/** VA → scaler → annotations → VA. */
function roundTrip(va: VariantAutoscaling, to: "hpa" | "scaledobject"): VariantAutoscaling {
  const scaler = to === "hpa" ? hpaForVariant(va) : scaledObjectForVariant(va);
  const r = readAnnotatedScaler(JSON.parse(JSON.stringify(scaler)));
  if (r.status !== "managed") assert.fail(JSON.stringify(r));
  return parsedVa(variantAutoscalingFor(r.variant));
}

function withoutAnnotationsAndLabels(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...(obj.metadata as Record<string, unknown>) };
  delete meta.annotations;
  delete meta.labels;
  return { ...obj, metadata: meta };
}

Deno.test("the scalers for the shipped VA are the shipped HPA and ScaledObject, annotated", async (t) => {
  const va = parsedVa(await sample("variantautoscaling.yaml"));
  const annotations = {
    "llm-d.ai/managed": "true",
    "llm-d.ai/model-id": "default/default",
    "llm-d.ai/variant-cost": "40",
    "wva.llmd.ai/accelerator": "A100",
    "wva.llmd.ai/gpus-per-replica": "1",
    "wva.llmd.ai/service-class": "Premium",
    "wva.llmd.ai/perf-params":
      '{"alphaMs":20.58,"betaMs":0.41,"gammaMs":5.2,"deltaMs":0.1,"maxBatchSize":4}',
  };
  await t.step("annotations", () => assert.deepEqual(variantAnnotations(va.spec), annotations));
  for (
    const [name, build] of [
      ["hpa.yaml", () => hpaForVariant(va)],
      ["keda-scaledobject.yaml", () => scaledObjectForVariant(va)],
    ] as const
  ) {
    await t.step(name, async () => {
      const got = build();
      assert.deepEqual(withoutAnnotationsAndLabels(got), await sample(name));
      const meta = got.metadata as Record<string, unknown>;
      assert.deepEqual(meta.annotations, annotations);
      assert.deepEqual(meta.labels, { "inference.optimization/acceleratorName": "A100" });
    });
  }
});

Deno.test("VA → annotated scaler → VA gives the same spec", async (t) => {
  const shipped = parsedVa(await sample("variantautoscaling.yaml"));
  const spec = (s: Record<string, unknown>) =>
    parsedVa({
      apiVersion: "llmd.ai/v1alpha1",
      kind: "VariantAutoscaling",
      metadata: { name: "v", namespace: "ns" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "d" }, modelID: "m/x", ...s },
    });
  const cases: { name: string; va: VariantAutoscaling }[] = [
    { name: "the shipped sample", va: shipped },
    { name: "minimal (no cost: unit cost or 10.0 either way)", va: spec({}) },
    { name: "decimal cost", va: spec({ variantCost: "12.5" }) },
    { name: "cost 0", va: spec({ variantCost: 0 }) },
    {
      name: "StatefulSet, scale to zero, analyzer",
      va: spec({
        scaleTargetRef: { kind: "StatefulSet", name: "s" },
        minReplicas: 0,
        maxReplicas: 7,
        analyzer: "saturation-v2",
      }),
    },
  ];
  for (const c of cases) {
    for (const to of ["hpa", "scaledobject"] as const) {
      await t.step(`${c.name} via ${to}`, () => {
        const back = roundTrip(c.va, to);
        assert.deepEqual(back.spec, c.va.spec);
        assert.deepEqual(back.metadata, {
          name: c.va.metadata.name,
          namespace: c.va.metadata.namespace,
          ...(c.va.metadata.labels ? { labels: c.va.metadata.labels } : {}),
        });
      });
    }
  }
});

Deno.test("the ScaledObject holds the current replicas while its query fails, for any bounds", async (t) => {
  for (const [min, max] of [[1, 4], [0, 1], [3, 8]]) {
    await t.step(`min ${min} max ${max}`, () => {
      const va = parsedVa({
        apiVersion: "llmd.ai/v1alpha1",
        kind: "VariantAutoscaling",
        metadata: { name: "v", namespace: "ns" },
        spec: {
          scaleTargetRef: { kind: "Deployment", name: "d" },
          modelID: "m",
          minReplicas: min,
          maxReplicas: max,
        },
      });
      const spec = scaledObjectForVariant(va).spec as {
        fallback: { behavior: string; replicas: number };
        triggers: { metadata: Record<string, string> }[];
      };
      assert.equal(spec.fallback.behavior, "currentReplicas");
      assert.ok(spec.fallback.replicas > 0, "0 would make KEDA skip the fallback");
      assert.equal(spec.triggers[0]!.metadata.ignoreNullValues, "false", "empty is not 0");
    });
  }
});
