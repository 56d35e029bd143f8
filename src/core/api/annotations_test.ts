import assert from "node:assert/strict";
import {
  type AnnotatedVariant,
  formatAnnotationProblem,
  readAnnotatedScaler,
  type ScalerReading,
} from "./annotations.ts";

const MANAGED = { "llm-d.ai/managed": "true", "llm-d.ai/model-id": "meta/llama" };

function hpa(
  annotations: Record<string, string>,
  spec: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): unknown {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "llama-a100", namespace: "llm", annotations, ...meta },
    spec: { scaleTargetRef: { kind: "Deployment", name: "llama" }, maxReplicas: 4, ...spec },
  };
}

function so(annotations: Record<string, string>, spec: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "llama-so", namespace: "llm", annotations, labels: { team: "a" } },
    spec: { scaleTargetRef: { name: "llama" }, triggers: [], ...spec },
  };
}

function variant(r: ScalerReading): AnnotatedVariant {
  if (r.status !== "managed") assert.fail(`expected managed, got ${JSON.stringify(r)}`);
  return r.variant;
}

Deno.test("readAnnotatedScaler() builds the variant spec from an annotated HPA or ScaledObject", async (t) => {
  const cases: { name: string; obj: unknown; want: Record<string, unknown> }[] = [
    {
      name: "HPA: name = variant, minReplicas unset → 1, target defaults apps/v1",
      obj: hpa(MANAGED, { scaleTargetRef: { name: "llama" } }),
      want: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llama" },
        modelID: "meta/llama",
        minReplicas: 1,
        maxReplicas: 4,
      },
    },
    {
      name: "HPA with explicit bounds and a StatefulSet",
      obj: hpa(MANAGED, {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "s" },
        minReplicas: 2,
        maxReplicas: 6,
      }),
      want: {
        minReplicas: 2,
        maxReplicas: 6,
        scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "s" },
      },
    },
    {
      name: "ScaledObject: minReplicaCount unset → 0, maxReplicaCount unset → 100 (KEDA)",
      obj: so(MANAGED),
      want: { minReplicas: 0, maxReplicas: 100 },
    },
    {
      name: "ScaledObject bounds",
      obj: so(MANAGED, { minReplicaCount: 1, maxReplicaCount: 3 }),
      want: { minReplicas: 1, maxReplicas: 3 },
    },
    {
      name: "variant cost: decimal text",
      obj: hpa({ ...MANAGED, "llm-d.ai/variant-cost": "12.5" }),
      want: { variantCost: 12.5 },
    },
    {
      name: "variant cost: 0 is allowed; absent stays unset (unit cost, else 10.0)",
      obj: hpa({ ...MANAGED, "llm-d.ai/variant-cost": "0" }),
      want: { variantCost: 0 },
    },
    {
      name: "variant cost absent",
      obj: hpa(MANAGED),
      want: { variantCost: undefined },
    },
    {
      name: "wva extensions",
      obj: hpa({
        ...MANAGED,
        "wva.llmd.ai/accelerator": "A100",
        "wva.llmd.ai/gpus-per-replica": "2",
        "wva.llmd.ai/service-class": "Premium",
        "wva.llmd.ai/analyzer": "saturation-v2",
        "wva.llmd.ai/perf-params": '{"alphaMs":20.58,"betaMs":0.41,"maxBatchSize":4}',
      }),
      want: {
        accelerator: "A100",
        gpusPerReplica: 2,
        serviceClass: "Premium",
        analyzer: "saturation-v2",
        perfParams: { alphaMs: 20.58, betaMs: 0.41, gammaMs: 0, deltaMs: 0, maxBatchSize: 4 },
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const v = variant(readAnnotatedScaler(c.obj));
      for (const [k, want] of Object.entries(c.want)) {
        assert.deepEqual((v.spec as Record<string, unknown>)[k], want, k);
      }
    });
  }
  await t.step("identity: scaler ref, name, namespace and labels", () => {
    const v = variant(readAnnotatedScaler(so(MANAGED)));
    assert.deepEqual(v.scaler, { kind: "ScaledObject", namespace: "llm", name: "llama-so" });
    assert.equal(v.name, "llama-so");
    assert.deepEqual(v.labels, { team: "a" });
  });
});

Deno.test("readAnnotatedScaler() leaves objects that are not wva's alone", async (t) => {
  const cases: { name: string; obj: unknown; reason: string; instance?: string }[] = [
    { name: "no annotations", obj: hpa({}), reason: "not-annotated" },
    {
      name: 'managed must be exactly "true"',
      obj: hpa({ ...MANAGED, "llm-d.ai/managed": "True" }),
      reason: "not-annotated",
    },
    {
      name: "being deleted",
      obj: hpa(MANAGED, {}, { deletionTimestamp: "2026-01-01T00:00:00Z" }),
      reason: "deleting",
    },
    {
      name: "labelled for another controller instance",
      obj: hpa(MANAGED, {}, { labels: { "wva.llmd.ai/controller-instance": "b" } }),
      reason: "other-instance",
      instance: "a",
    },
    {
      name: "autoscaling/v1 is not read",
      obj: { ...(hpa(MANAGED) as object), apiVersion: "autoscaling/v1" },
      reason: "not-a-scaler",
    },
    {
      name: "a Deployment",
      obj: { apiVersion: "apps/v1", kind: "Deployment" },
      reason: "not-a-scaler",
    },
    { name: "not an object", obj: "hpa", reason: "not-a-scaler" },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = readAnnotatedScaler(c.obj, { controllerInstance: c.instance });
      assert.deepEqual(r, { status: "unmanaged", reason: c.reason });
    });
  }
  await t.step("the matching instance label is managed", () => {
    const obj = hpa(MANAGED, {}, { labels: { "wva.llmd.ai/controller-instance": "a" } });
    assert.equal(readAnnotatedScaler(obj, { controllerInstance: "a" }).status, "managed");
  });
});

Deno.test("readAnnotatedScaler() names the annotation and the value of every problem", async (t) => {
  const cases: { name: string; obj: unknown; want: [string, unknown, RegExp][] }[] = [
    {
      name: 'cost "abc"',
      obj: hpa({ ...MANAGED, "llm-d.ai/variant-cost": "abc" }),
      want: [["llm-d.ai/variant-cost", "abc", /number ≥ 0/]],
    },
    {
      name: "negative cost",
      obj: hpa({ ...MANAGED, "llm-d.ai/variant-cost": "-1" }),
      want: [["llm-d.ai/variant-cost", "-1", /number ≥ 0/]],
    },
    {
      name: "missing model id",
      obj: hpa({ "llm-d.ai/managed": "true" }),
      want: [["llm-d.ai/model-id", undefined, /required/]],
    },
    {
      name: "managed but no target",
      obj: hpa(MANAGED, { scaleTargetRef: undefined }),
      want: [["spec.scaleTargetRef.name", undefined, /required/]],
    },
    {
      name: "HPA without maxReplicas",
      obj: hpa(MANAGED, { maxReplicas: undefined }),
      want: [["spec.maxReplicas", undefined, /required/]],
    },
    {
      name: "ScaledObject min above max",
      obj: so(MANAGED, { minReplicaCount: 5, maxReplicaCount: 2 }),
      want: [["spec.minReplicaCount", 5, /less than or equal to maxReplicas/]],
    },
    {
      name: "a LeaderWorkerSet target",
      obj: so(MANAGED, { scaleTargetRef: { kind: "LeaderWorkerSet", name: "l" } }),
      want: [["spec.scaleTargetRef.kind", "LeaderWorkerSet", /Deployment/]],
    },
    {
      name: "bad extensions",
      obj: hpa({
        ...MANAGED,
        "wva.llmd.ai/gpus-per-replica": "two",
        "wva.llmd.ai/perf-params": "{alphaMs: 20}",
        "wva.llmd.ai/analyzer": "magic",
      }),
      want: [
        ["wva.llmd.ai/perf-params", "{alphaMs: 20}", /JSON object/],
        ["wva.llmd.ai/gpus-per-replica", "two", /expected number/],
        ["wva.llmd.ai/analyzer", "magic", /Invalid option/],
      ],
    },
    {
      name: "several at once",
      obj: hpa({ "llm-d.ai/managed": "true", "llm-d.ai/variant-cost": "abc" }, {
        scaleTargetRef: {},
      }),
      want: [
        ["spec.scaleTargetRef.name", undefined, /required/],
        ["llm-d.ai/model-id", undefined, /required/],
        ["llm-d.ai/variant-cost", "abc", /number/],
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = readAnnotatedScaler(c.obj);
      if (r.status !== "invalid") assert.fail(`expected invalid, got ${JSON.stringify(r)}`);
      assert.deepEqual(
        r.problems.map((p) => [p.field, p.value]),
        c.want.map(([f, v]) => [f, v]),
      );
      r.problems.forEach((p, i) => assert.match(p.message, c.want[i]![2]));
    });
  }
});

Deno.test("formatAnnotationProblem() is one line naming the object, the field and the value", () => {
  const r = readAnnotatedScaler(so({ ...MANAGED, "llm-d.ai/variant-cost": "abc" }));
  assert.equal(r.status, "invalid");
  if (r.status !== "invalid") return;
  assert.equal(
    formatAnnotationProblem(r.problems[0]!),
    'ScaledObject llm/llama-so: llm-d.ai/variant-cost: must be a number ≥ 0 (the cost of one replica) (got "abc")',
  );
});
