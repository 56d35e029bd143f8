/**
 * Turns the JSON Schema that `z.toJSONSchema` writes (draft 2020-12) into the structural
 * OpenAPI v3 subset a CustomResourceDefinition accepts (KEP-2335): every node has a `type`,
 * no `$ref`/`$defs`, no logical junctors except the one int-or-string form, OpenAPI's boolean
 * `exclusiveMinimum`, no `additionalProperties: false`, and `x-kubernetes-*` extensions kept.
 *
 * The pass is strict: a keyword or shape it does not know throws an error naming the path, so a
 * new zod construct can never produce a CRD the apiserver would reject or silently weaken.
 *
 * @module
 */

/** A JSON Schema node (as produced by zod, or as emitted into the CRD). */
export type SchemaNode = { [key: string]: unknown };

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** Keywords copied as they are. */
const KEPT = new Set([
  "type",
  "format",
  "description",
  "default",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "multipleOf",
  "minProperties",
  "maxProperties",
  "required",
  "nullable",
]);

/** Keywords dropped because the CRD subset has no equivalent and they carry no validation. */
const DROPPED = new Set(["$schema", "propertyNames", "readOnly"]);

/** Output key order, for a readable manifest; unlisted keys (x-kubernetes-*) follow. */
const ORDER = [
  "description",
  "type",
  "format",
  "enum",
  "default",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "items",
  "properties",
  "additionalProperties",
  "required",
];

/** Converts one zod JSON Schema into a structural CRD schema. Throws on anything unsupported. */
export function toStructuralSchema(node: SchemaNode, path = "(root)"): SchemaNode {
  if (isIntOrString(node)) return intOrString(node, path);
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (KEPT.has(key) || key.startsWith("x-kubernetes-")) out[key] = value;
    else if (key === "const") out.enum = [value];
    else if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
      out[key === "exclusiveMinimum" ? "minimum" : "maximum"] = value;
      out[key] = true;
    } else if (key === "properties") {
      out.properties = mapValues(
        value as Record<string, SchemaNode>,
        (v, k) => toStructuralSchema(v, `${path}.${k}`),
      );
    } else if (key === "items") {
      out.items = toStructuralSchema(value as SchemaNode, `${path}[]`);
    } else if (key === "additionalProperties") {
      if (value === false) continue;
      if (value === true) out["x-kubernetes-preserve-unknown-fields"] = true;
      else out.additionalProperties = toStructuralSchema(value as SchemaNode, `${path}.*`);
    } else {
      throw new TypeError(`Cannot express '${key}' in a structural CRD schema at ${path}`);
    }
  }
  tidyNumbers(out);
  if (out.format === "date-time") delete out.pattern;
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  if (typeof out.type !== "string" && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    const got = out.type === undefined ? "none" : JSON.stringify(out.type);
    throw new TypeError(`A structural CRD schema needs one type at ${path} (got ${got})`);
  }
  return ordered(out);
}

/** zod's safe-integer and int32 bounds become `format` (as kubebuilder writes them). */
function tidyNumbers(out: SchemaNode): void {
  if (out.type !== "integer") return;
  if (out.maximum === INT32_MAX) {
    out.format = "int32";
    delete out.maximum;
    if (out.minimum === INT32_MIN) delete out.minimum;
  } else if (out.maximum === Number.MAX_SAFE_INTEGER) {
    out.format = "int64";
    delete out.maximum;
    if (out.minimum === -Number.MAX_SAFE_INTEGER) delete out.minimum;
  }
}

function isIntOrString(node: SchemaNode): boolean {
  const any = node.anyOf;
  if (!Array.isArray(any) || any.length !== 2) return false;
  const types = any.map((b) => (b as SchemaNode).type).sort();
  return types[0] === "integer" && types[1] === "string";
}

/**
 * `anyOf: [integer, string]` → `x-kubernetes-int-or-string`. Branch validations move up to the
 * node: `minimum`/`maximum` only constrain numbers and `pattern`/lengths only strings, so the
 * meaning is unchanged, and the apiserver forbids them inside the junctor.
 */
function intOrString(node: SchemaNode, path: string): SchemaNode {
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "anyOf" || DROPPED.has(key)) continue;
    if (!KEPT.has(key) || key === "type") {
      throw new TypeError(`Cannot express '${key}' on an int-or-string field at ${path}`);
    }
    out[key] = value;
  }
  for (const branch of node.anyOf as SchemaNode[]) {
    for (const [key, value] of Object.entries(branch)) {
      if (key === "type") continue;
      if (key === "maximum" && value === Number.MAX_SAFE_INTEGER) continue;
      if (!KEPT.has(key)) throw new TypeError(`Cannot hoist '${key}' at ${path}`);
      out[key] = value;
    }
  }
  out["x-kubernetes-int-or-string"] = true;
  out.anyOf = [{ type: "integer" }, { type: "string" }];
  return ordered(out);
}

function ordered(node: SchemaNode): SchemaNode {
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((k) => [k, node[k]]));
}

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}

function mapValues<T, U>(
  record: Readonly<Record<string, T>>,
  fn: (v: T, k: string) => U,
): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v, k)]));
}
