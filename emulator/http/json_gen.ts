/**
 * Values generated to match a JSON Schema, from a seeded random source: the arguments of an
 * emulated tool call, or the body of a `response_format` JSON answer. Covers what tool schemas
 * use in practice: `type` (or a list of types), `properties` / `required`, `items` with
 * `minItems` / `maxItems`, `enum`, `const`, numeric bounds and `multipleOf`, string lengths and
 * common `format`s, `anyOf` / `oneOf` / `allOf`, and local `$ref`s (`#/$defs/…`,
 * `#/definitions/…`). A `pattern` is not followed. Depth and sizes are bounded, so a hostile
 * schema cannot make the output large.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";

/** A JSON Schema object (anything else is treated as "any value"). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Deepest nesting generated; deeper schemas get `null`. */
export const MAX_DEPTH = 8;
/** Most array items generated (a larger `minItems` is capped here). */
export const MAX_ITEMS = 16;
/** Most characters of a generated string. */
export const MAX_STRING = 256;
/** Most values (nodes) in one generated document; later ones are `null`. */
export const MAX_NODES = 2000;

const WORDS = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliet",
  "kilo",
  "lima",
  "mike",
  "november",
  "oscar",
  "papa",
  "quebec",
  "romeo",
  "sierra",
  "tango",
];

interface Ctx {
  readonly root: JsonSchema;
  readonly rng: Rng;
  /** Share of optional properties included. */
  readonly optional01: number;
  /** Nodes still allowed. */
  budget: number;
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A value that satisfies `schema` (except `pattern`s).
 *
 * @param optional01 share of non-required properties included (0..1).
 * @example
 * ```ts
 * import { createRng } from "../../src/core/util/rng.ts";
 * import { generateFromSchema } from "./json_gen.ts";
 * const v = generateFromSchema({ type: "object", properties: { n: { type: "integer" } },
 *   required: ["n"] }, createRng(1)) as { n: number };
 * if (!Number.isInteger(v.n)) throw new Error("n must be an integer");
 * ```
 */
export function generateFromSchema(schema: unknown, rng: Rng, optional01 = 0.5): unknown {
  const root = isSchema(schema) ? schema : {};
  return gen(root, { root, rng, optional01, budget: MAX_NODES }, 0);
}

function resolveRef(ref: string, ctx: Ctx): JsonSchema {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return {};
  const defs = ctx.root[m[1]!];
  const target = isSchema(defs) ? defs[decodeURIComponent(m[2]!)] : undefined;
  return isSchema(target) ? target : {};
}

function pickType(schema: JsonSchema, ctx: Ctx): string | undefined {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const nonNull = t.filter((x): x is string => typeof x === "string" && x !== "null");
    if (nonNull.length > 0) return nonNull[ctx.rng.int(0, nonNull.length - 1)];
    return t.includes("null") ? "null" : undefined;
  }
  if (isSchema(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function gen(schema: JsonSchema, ctx: Ctx, depth: number): unknown {
  if (depth > MAX_DEPTH || --ctx.budget < 0) return null;
  if (typeof schema.$ref === "string") return gen(resolveRef(schema.$ref, ctx), ctx, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[ctx.rng.int(0, schema.enum.length - 1)];
  }
  const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : undefined) ??
    (Array.isArray(schema.oneOf) ? schema.oneOf : undefined);
  if (branches && branches.length > 0) {
    const branch = branches[ctx.rng.int(0, branches.length - 1)];
    return gen(
      { ...withoutKeys(schema, ["anyOf", "oneOf"]), ...(isSchema(branch) ? branch : {}) },
      ctx,
      depth + 1,
    );
  }
  if (Array.isArray(schema.allOf)) return gen(mergeAll(schema, ctx), ctx, depth + 1);
  switch (pickType(schema, ctx)) {
    case "object":
      return genObject(schema, ctx, depth);
    case "array":
      return genArray(schema, ctx, depth);
    case "string":
      return genString(schema, ctx);
    case "integer":
      return genNumber(schema, ctx, true);
    case "number":
      return genNumber(schema, ctx, false);
    case "boolean":
      return ctx.rng.next() < 0.5;
    case "null":
      return null;
    default:
      return WORDS[ctx.rng.int(0, WORDS.length - 1)];
  }
}

function withoutKeys(schema: JsonSchema, keys: readonly string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !keys.includes(k)));
}

/** `allOf`: the parts merged (properties and required lists joined, other keys overwritten). */
function mergeAll(schema: JsonSchema, ctx: Ctx): JsonSchema {
  const parts = (schema.allOf as unknown[]).map((p) =>
    isSchema(p) && typeof p.$ref === "string" ? resolveRef(p.$ref, ctx) : p
  ).filter(isSchema);
  let merged: Record<string, unknown> = { ...withoutKeys(schema, ["allOf"]) };
  for (const p of parts) {
    const props = {
      ...(isSchema(merged.properties) ? merged.properties : {}),
      ...(isSchema(p.properties) ? p.properties : {}),
    };
    const required = [
      ...(Array.isArray(merged.required) ? merged.required : []),
      ...(Array.isArray(p.required) ? p.required : []),
    ];
    merged = { ...merged, ...p, properties: props, required };
  }
  return merged;
}

function genObject(schema: JsonSchema, ctx: Ctx, depth: number): Record<string, unknown> {
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props).slice(0, 64)) {
    if (!required.has(key) && ctx.rng.next() >= ctx.optional01) continue;
    out[key] = gen(isSchema(sub) ? sub : {}, ctx, depth + 1);
  }
  for (const key of required) {
    if (typeof key === "string" && !(key in out)) {
      out[key] = WORDS[ctx.rng.int(0, WORDS.length - 1)];
    }
  }
  return out;
}

function bound(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function genArray(schema: JsonSchema, ctx: Ctx, depth: number): unknown[] {
  const min = Math.min(MAX_ITEMS, Math.max(0, Math.ceil(bound(schema.minItems, 1))));
  const max = Math.min(
    MAX_ITEMS,
    Math.max(min, Math.floor(bound(schema.maxItems, Math.max(min, 3)))),
  );
  const n = ctx.rng.int(min, max);
  const items = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  const rest = isSchema(schema.items) ? schema.items : {};
  return Array.from({ length: n }, (_, i) => {
    const sub = items[i];
    return gen(isSchema(sub) ? sub : rest, ctx, depth + 1);
  });
}

function genString(schema: JsonSchema, ctx: Ctx): string {
  const pick = () => WORDS[ctx.rng.int(0, WORDS.length - 1)]!;
  let s: string;
  switch (schema.format) {
    case "date-time":
      s = new Date(Date.UTC(2026, ctx.rng.int(0, 11), ctx.rng.int(1, 28), ctx.rng.int(0, 23)))
        .toISOString();
      break;
    case "date":
      s = `2026-${String(ctx.rng.int(1, 12)).padStart(2, "0")}-${
        String(ctx.rng.int(1, 28)).padStart(2, "0")
      }`;
      break;
    case "email":
      s = `${pick()}@example.com`;
      break;
    case "uri":
    case "url":
      s = `https://example.com/${pick()}`;
      break;
    case "uuid":
      s = uuid(ctx.rng);
      break;
    default:
      s = ctx.rng.next() < 0.5 ? pick() : `${pick()} ${pick()}`;
  }
  const min = Math.min(MAX_STRING, Math.max(0, Math.ceil(bound(schema.minLength, 0))));
  const max = Math.min(MAX_STRING, Math.max(min, Math.floor(bound(schema.maxLength, MAX_STRING))));
  while ([...s].length < min) s += ` ${pick()}`;
  return [...s].slice(0, max).join("");
}

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
  hex[12] = "4";
  hex[16] = (8 + rng.int(0, 3)).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function genNumber(schema: JsonSchema, ctx: Ctx, integer: boolean): number {
  let lo = bound(schema.minimum, 0), hi = bound(schema.maximum, Math.max(lo, 0) + 100);
  if (typeof schema.exclusiveMinimum === "number") lo = Math.max(lo, schema.exclusiveMinimum);
  if (typeof schema.exclusiveMaximum === "number") hi = Math.min(hi, schema.exclusiveMaximum);
  if (hi < lo) hi = lo;
  const step = bound(schema.multipleOf, integer ? 1 : 0);
  const exclusiveLo = typeof schema.exclusiveMinimum === "number" && lo === schema.exclusiveMinimum;
  const exclusiveHi = typeof schema.exclusiveMaximum === "number" && hi === schema.exclusiveMaximum;
  if (step > 0) {
    let first = Math.ceil(lo / step), last = Math.floor(hi / step);
    if (exclusiveLo && first * step === lo) first++;
    if (exclusiveHi && last * step === hi) last--;
    if (last < first) return first * step;
    return ctx.rng.int(first, last) * step;
  }
  const v = ctx.rng.uniform(lo, hi);
  const r = Math.round(v * 100) / 100;
  return r > lo && r < hi ? r : v === lo && exclusiveLo ? (lo + hi) / 2 : v;
}
