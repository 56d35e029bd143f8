import assert from "node:assert/strict";
import { z } from "zod";
import { type SchemaNode, toStructuralSchema } from "./structural_schema.ts";

function convert(schema: z.ZodType): SchemaNode {
  return toStructuralSchema(z.toJSONSchema(schema, { io: "input" }) as SchemaNode);
}

Deno.test("toStructuralSchema() rewrites zod's JSON Schema into the CRD subset", async (t) => {
  const cases: { name: string; schema: z.ZodType; want: SchemaNode }[] = [
    {
      name: "int32 bounds become format int32",
      schema: z.int32().min(0),
      want: { type: "integer", format: "int32", minimum: 0 },
    },
    {
      name: "safe-integer bounds become format int64",
      schema: z.int(),
      want: { type: "integer", format: "int64" },
    },
    {
      name: "exclusive minimum becomes OpenAPI's boolean form",
      schema: z.number().positive(),
      want: { type: "number", minimum: 0, exclusiveMinimum: true },
    },
    {
      name: "literal becomes a one-value enum",
      schema: z.literal("x"),
      want: { type: "string", enum: ["x"] },
    },
    {
      name: "date-time drops zod's regex",
      schema: z.iso.datetime(),
      want: { type: "string", format: "date-time" },
    },
    {
      name: "strict object drops additionalProperties: false",
      schema: z.strictObject({ a: z.string().describe("A.") }),
      want: {
        type: "object",
        properties: { a: { description: "A.", type: "string" } },
        required: ["a"],
      },
    },
    {
      name: "record becomes additionalProperties without propertyNames",
      schema: z.record(z.string(), z.boolean()),
      want: { type: "object", additionalProperties: { type: "boolean" } },
    },
    {
      name: "integer-or-string union becomes int-or-string with hoisted checks",
      schema: z.union([z.int().min(0), z.string().regex(/^\d+$/)]),
      want: {
        minimum: 0,
        pattern: "^\\d+$",
        "x-kubernetes-int-or-string": true,
        anyOf: [{ type: "integer" }, { type: "string" }],
      },
    },
    {
      name: "x-kubernetes extensions from .meta() pass through",
      schema: z.array(z.object({ type: z.string() })).meta({ "x-kubernetes-list-type": "set" }),
      want: {
        type: "array",
        items: { type: "object", properties: { type: { type: "string" } }, required: ["type"] },
        "x-kubernetes-list-type": "set",
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.deepEqual(convert(c.schema), c.want));
  }
});

Deno.test("toStructuralSchema() refuses what a CRD cannot express, naming the path", async (t) => {
  const cases: { name: string; schema: z.ZodType; want: RegExp }[] = [
    {
      name: "a union other than integer|string",
      schema: z.object({ a: z.union([z.string(), z.boolean()]) }),
      want: /needs one type at \(root\)\.a \(got \["string","boolean"\]\)/,
    },
    {
      name: "a nullable field",
      schema: z.object({ n: z.string().nullable() }),
      want: /\(root\)\.n/,
    },
    {
      name: "an object union",
      schema: z.object({ o: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) }),
      want: /'anyOf'.*\(root\)\.o/,
    },
    {
      name: "an untyped value",
      schema: z.object({ u: z.unknown() }),
      want: /needs one type at \(root\)\.u/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.throws(() => convert(c.schema), c.want));
  }
});
