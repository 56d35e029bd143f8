import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  buildCrd,
  PRINTER_COLUMNS,
  renderCrdYaml,
  variantAutoscalingOpenApiSchema,
} from "./crd.ts";
import type { SchemaNode } from "./structural_schema.ts";

const CRD_FILE = new URL("../../../manifests/crd.yaml", import.meta.url);

Deno.test("manifests/crd.yaml equals the CRD generated from the zod schemas (golden)", async () => {
  const file = await Deno.readTextFile(CRD_FILE);
  assert.ok(
    file === renderCrdYaml(),
    "manifests/crd.yaml is out of date with src/core/api/v1alpha1.ts: run `deno task gen:crd`",
  );
  assert.deepEqual(parseYaml(file), buildCrd());
});

function* nodes(node: SchemaNode, path: string): Generator<[string, SchemaNode]> {
  yield [path, node];
  for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, SchemaNode>)) {
    yield* nodes(v, `${path}.${k}`);
  }
  if (node.items) yield* nodes(node.items as SchemaNode, `${path}[]`);
  if (typeof node.additionalProperties === "object") {
    yield* nodes(node.additionalProperties as SchemaNode, `${path}.*`);
  }
}

Deno.test("the CRD schema is structural: typed everywhere, no refs, junctors only for int-or-string", () => {
  for (const [path, node] of nodes(variantAutoscalingOpenApiSchema(), "")) {
    for (const bad of ["$ref", "$defs", "oneOf", "allOf", "not", "const", "$schema"]) {
      assert.equal(node[bad], undefined, `${bad} at ${path}`);
    }
    if (node["x-kubernetes-int-or-string"] === true) continue;
    assert.equal(typeof node.type, "string", `type at ${path}`);
    assert.equal(node.anyOf, undefined, `anyOf at ${path}`);
    assert.notEqual(node.additionalProperties, false, `additionalProperties: false at ${path}`);
  }
});

Deno.test("buildCrd() declares the names, scope, status subresource, columns and CEL rule", () => {
  const crd = buildCrd() as { spec: Record<string, unknown> } & SchemaNode;
  const spec = crd.spec as {
    names: { shortNames: string[]; kind: string; plural: string };
    scope: string;
    versions: {
      name: string;
      subresources: unknown;
      additionalPrinterColumns: { name: string }[];
      schema: { openAPIV3Schema: SchemaNode };
    }[];
  };
  assert.deepEqual(spec.names.shortNames, ["va"]);
  assert.equal(spec.scope, "Namespaced");
  const v = spec.versions[0]!;
  assert.equal(v.name, "v1alpha1");
  assert.deepEqual(v.subresources, { status: {} });
  assert.deepEqual(
    v.additionalPrinterColumns.map((c) => c.name),
    PRINTER_COLUMNS.map((c) => c.name),
  );
  assert.deepEqual(PRINTER_COLUMNS.map((c) => c.name.toLowerCase()), [
    "target",
    "model",
    "accelerator",
    "current",
    "optimized",
    "min",
    "max",
    "metricsready",
    "age",
  ]);
  const specSchema = (v.schema.openAPIV3Schema.properties as Record<string, SchemaNode>).spec!;
  const rules = specSchema["x-kubernetes-validations"] as { rule: string }[];
  assert.match(rules[0]!.rule, /self\.minReplicas <= self\.maxReplicas/);
  const props = specSchema.properties as Record<string, SchemaNode>;
  assert.deepEqual(specSchema.required, ["scaleTargetRef", "modelID"]);
  assert.deepEqual(
    ((props.scaleTargetRef!.properties as Record<string, SchemaNode>).kind!).enum,
    ["Deployment", "StatefulSet"],
  );
  assert.equal(props.variantCost!["x-kubernetes-int-or-string"], true);
  assert.equal(props.variantCost!.default, undefined, "unset cost must stay unset");
  assert.equal(props.minReplicas!.default, 1);
});
