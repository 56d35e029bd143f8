import { strict as assert } from "node:assert";
import { z } from "zod";
import { createRng } from "../../src/core/util/rng.ts";
import { generateFromSchema, MAX_ITEMS } from "./json_gen.ts";

const SCHEMAS: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["weather", {
    type: "object",
    properties: {
      location: { type: "string", description: "City" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer", minimum: 1, maximum: 7 },
    },
    required: ["location", "unit"],
    additionalProperties: false,
  }],
  ["numbers and bounds", {
    type: "object",
    properties: {
      ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      step: { type: "integer", multipleOf: 5, minimum: 12, maximum: 40 },
      price: { type: "number", minimum: -3.5, maximum: -1 },
    },
    required: ["ratio", "step", "price"],
  }],
  ["strings", {
    type: "object",
    properties: {
      short: { type: "string", maxLength: 3 },
      long: { type: "string", minLength: 40 },
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      mail: { type: "string", format: "email" },
      id: { type: "string", format: "uuid" },
    },
    required: ["short", "long", "when", "day", "mail", "id"],
  }],
  ["arrays, nested objects, nullable", {
    type: "object",
    properties: {
      tags: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 4 },
      points: {
        type: "array",
        items: {
          type: "object",
          properties: { x: { type: "number" }, y: { type: ["number", "null"] } },
          required: ["x", "y"],
        },
      },
      flag: { type: "boolean" },
      nothing: { type: "null" },
    },
    required: ["tags", "points", "flag", "nothing"],
  }],
  ["refs, anyOf, allOf, const", {
    $defs: {
      Pet: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    },
    type: "object",
    properties: {
      pet: { $ref: "#/$defs/Pet" },
      either: { anyOf: [{ type: "integer" }, { type: "string", enum: ["a", "b"] }] },
      both: {
        allOf: [
          { type: "object", properties: { a: { type: "integer" } }, required: ["a"] },
          { properties: { b: { type: "boolean" } }, required: ["b"] },
        ],
      },
      kind: { const: "fixed" },
    },
    required: ["pet", "either", "both", "kind"],
  }],
];

Deno.test("generateFromSchema() output validates against the schema", async (t) => {
  for (const [name, schema] of SCHEMAS) {
    await t.step(name, () => {
      const validator = z.fromJSONSchema(schema);
      for (let seed = 1; seed <= 40; seed++) {
        const value = generateFromSchema(schema, createRng(seed));
        const text = JSON.stringify(value);
        const result = validator.safeParse(JSON.parse(text));
        assert.ok(result.success, `seed ${seed}: ${text}\n${result.error?.message}`);
      }
    });
  }
});

Deno.test("generateFromSchema() stays bounded on hostile schemas", async (t) => {
  const selfRef = {
    $defs: { N: { type: "array", items: { $ref: "#/$defs/N" } } },
    $ref: "#/$defs/N",
  };
  const cases: ReadonlyArray<readonly [string, unknown, (v: unknown) => void]> = [
    ["self reference", selfRef, (v) => assert.ok(JSON.stringify(v).length < 1_000_000)],
    [
      "huge minItems",
      { type: "array", minItems: 1e9 },
      (v) => assert.equal((v as unknown[]).length, MAX_ITEMS),
    ],
    [
      "huge minLength",
      { type: "string", minLength: 1e9 },
      (v) => assert.ok((v as string).length <= 256),
    ],
    ["not a schema", 42, (v) => assert.equal(typeof v, "string")],
    ["unknown ref", { $ref: "https://example.com/x" }, (v) => assert.notEqual(v, undefined)],
  ];
  for (const [name, schema, check] of cases) {
    await t.step(name, () => check(generateFromSchema(schema, createRng(3))));
  }
});
