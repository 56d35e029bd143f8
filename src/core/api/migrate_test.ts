import assert from "node:assert/strict";
import { migrateDocuments, parseManifestDocuments } from "./migrate.ts";
import { ConfigError } from "../util/validate.ts";

const VA = `apiVersion: llmd.ai/v1alpha1
kind: VariantAutoscaling
metadata: {name: a100, namespace: llm}
spec:
  scaleTargetRef: {kind: Deployment, name: llama-a100}
  modelID: meta/llama
  variantCost: 40
  maxReplicas: 4
`;

const DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: llama-a100}\n";

function hpa(name: string, annotations: Record<string, string>, target = "llama-a100"): string {
  return JSON.stringify({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "llm", annotations },
    spec: { scaleTargetRef: { kind: "Deployment", name: target }, maxReplicas: 3 },
  });
}

const MANAGED = { "llm-d.ai/managed": "true", "llm-d.ai/model-id": "meta/llama" };

Deno.test("parseManifestDocuments() splits documents and List items, naming each", async (t) => {
  await t.step("multi-document YAML, empty documents dropped", () => {
    const docs = parseManifestDocuments(`${VA}---\n---\n${DEPLOYMENT}`, "in.yaml");
    assert.deepEqual(docs.map((d) => d.source), ["in.yaml#1", "in.yaml#3"]);
  });
  await t.step("a kubectl List", () => {
    const list = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [{ kind: "A" }, { kind: "B" }],
    });
    const docs = parseManifestDocuments(list, "get.json");
    assert.deepEqual(docs.map((d) => d.source), ["get.json#1.items[0]", "get.json#1.items[1]"]);
  });
  await t.step("a syntax error names the source and the position", () => {
    assert.throws(
      () => parseManifestDocuments(`${VA}---\nkind: [\n`, "bad.yaml"),
      (e: unknown) =>
        e instanceof ConfigError && /^bad\.yaml: not valid YAML\/JSON at line/.test(e.message),
    );
  });
});

Deno.test("migrateDocuments() turns VAs into annotated scalers and back", async (t) => {
  await t.step("--to hpa: other kinds are skipped with a note", () => {
    const r = migrateDocuments(parseManifestDocuments(`${VA}---\n${DEPLOYMENT}`, "f"), {
      to: "hpa",
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.objects.length, 1);
    assert.equal(r.objects[0]!.kind, "HorizontalPodAutoscaler");
    assert.deepEqual(r.notes, [
      "f#2: Deployment default/llama-a100 skipped: not a llmd.ai/v1alpha1 VariantAutoscaling",
    ]);
  });
  await t.step("--to scaledobject with a Prometheus address; namespace defaults", () => {
    const noNs = VA.replace(", namespace: llm", "");
    const r = migrateDocuments(parseManifestDocuments(noNs, "f"), {
      to: "scaledobject",
      prometheusUrl: "http://prom:9090",
      defaultNamespace: "team",
    });
    const so = r.objects[0] as {
      metadata: { namespace: string };
      spec: { triggers: { metadata: { serverAddress: string } }[] };
    };
    assert.equal(so.metadata.namespace, "team");
    assert.equal(so.spec.triggers[0]!.metadata.serverAddress, "http://prom:9090");
  });
  await t.step("--to hpa warns about minReplicas 0", () => {
    const r = migrateDocuments(
      parseManifestDocuments(VA.replace("maxReplicas: 4", "minReplicas: 0\n  maxReplicas: 4"), "f"),
      { to: "hpa" },
    );
    assert.match(
      r.notes[0]!,
      /^f#1: VariantAutoscaling llm\/a100: minReplicas 0 on an HPA needs the HPAScaleToZero/,
    );
  });
  await t.step("--to va; the ScaledObject's KEDA HPA is not printed twice", () => {
    const so = JSON.stringify({
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "a100", namespace: "llm", annotations: MANAGED },
      spec: { scaleTargetRef: { name: "llama-a100" }, maxReplicaCount: 3 },
    });
    const text = [so, hpa("keda-hpa-a100", MANAGED), hpa("plain", {})].join("\n---\n");
    const r = migrateDocuments(parseManifestDocuments(text, "f"), { to: "va" });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.objects.map((o) => (o.metadata as { name: string }).name), ["a100"]);
    assert.equal(r.notes.length, 2);
    assert.match(r.notes[0]!, /^f#3: HorizontalPodAutoscaler llm\/plain skipped: not annotated/);
    assert.match(
      r.notes[1]!,
      /ScaledObject llm\/a100 \(used.*HorizontalPodAutoscaler llm\/keda-hpa-a100 \(ignored\)/,
    );
  });
  await t.step("--namespace keeps only that namespace", () => {
    const r = migrateDocuments(parseManifestDocuments(VA, "f"), { to: "hpa", namespace: "other" });
    assert.deepEqual(r.objects, []);
    assert.deepEqual(r.problems, ["no VariantAutoscaling found in the input in namespace other"]);
  });
});

Deno.test("migrateDocuments() reports one line per problem, naming the field and the value", async (t) => {
  const cases: { name: string; text: string; to: "hpa" | "va"; want: string[] }[] = [
    {
      name: "a bad VA",
      text: VA.replace("maxReplicas: 4", "minReplicas: 0\n  maxReplicas: 0").replace(
        "modelID: meta/llama",
        "modelID: ''",
      ),
      to: "hpa",
      want: [
        'f#1: VariantAutoscaling llm/a100: spec.modelID: Too small: expected string to have >=1 characters (got "")',
        "f#1: VariantAutoscaling llm/a100: spec.maxReplicas: Too small: expected number to be >=1 (got 0)",
      ],
    },
    {
      name: "bad annotations",
      text: hpa("x", { "llm-d.ai/managed": "true", "llm-d.ai/variant-cost": "abc" }),
      to: "va",
      want: [
        "f#1: HorizontalPodAutoscaler llm/x: llm-d.ai/model-id: required on a managed scaler: the model the target serves (missing)",
        'f#1: HorizontalPodAutoscaler llm/x: llm-d.ai/variant-cost: must be a number ≥ 0 (the cost of one replica) (got "abc")',
      ],
    },
    {
      name: "nothing to migrate",
      text: DEPLOYMENT,
      to: "va",
      want: [
        'no HorizontalPodAutoscaler or ScaledObject annotated llm-d.ai/managed: "true" found in the input',
      ],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = migrateDocuments(parseManifestDocuments(c.text, "f"), { to: c.to });
      assert.deepEqual(r.problems, c.want);
    });
  }
});
