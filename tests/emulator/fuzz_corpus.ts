/**
 * A seeded corpus of malformed and hostile request bodies for the emulator's fuzz test: wrong
 * types in every known field, huge numbers and strings, deep nesting, hostile JSON Schemas in
 * tools, broken JSON, invalid UTF-8, and random mutations of valid bodies.
 *
 * @module
 */
import { createRng, type Rng } from "../../src/core/util/rng.ts";

/** One fuzz case: a path and raw body bytes (or a string). */
export interface FuzzCase {
  readonly name: string;
  readonly path: string;
  readonly body: string | Uint8Array<ArrayBuffer>;
}

const PATHS = [
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/tokenize",
  "/detokenize",
  "/admin/config",
  "/v1/load_lora_adapter",
] as const;

const VALID: Readonly<Record<(typeof PATHS)[number], Record<string, unknown>>> = {
  "/v1/chat/completions": { messages: [{ role: "user", content: "hi" }], max_tokens: 2 },
  "/v1/completions": { prompt: "hi", max_tokens: 2 },
  "/v1/responses": { input: "hi", max_output_tokens: 2 },
  "/tokenize": { prompt: "hi" },
  "/detokenize": { tokens: [1, 2] },
  "/admin/config": { alphaMs: 1 },
  "/v1/load_lora_adapter": { lora_name: "fuzz" },
};

const FIELDS = [
  "model",
  "messages",
  "prompt",
  "input",
  "max_tokens",
  "max_completion_tokens",
  "n",
  "stream",
  "stream_options",
  "temperature",
  "top_p",
  "seed",
  "stop",
  "ignore_eos",
  "tools",
  "tool_choice",
  "logprobs",
  "top_logprobs",
  "response_format",
  "kv_transfer_params",
  "instructions",
  "max_output_tokens",
  "text",
  "tokens",
  "messages.0.content",
  "messages.0.role",
  "alphaMs",
  "maxNumSeqs",
  "failure",
  "outputLength",
  "lora_name",
  "echo",
  "previous_response_id",
];

function nested(depth: number, leaf: unknown, kind: "array" | "object"): string {
  const open = kind === "array" ? "[" : '{"a":';
  const close = kind === "array" ? "]" : "}";
  return open.repeat(depth) + JSON.stringify(leaf) + close.repeat(depth);
}

/** Values of every JSON type, including extreme ones. */
function hostileValues(rng: Rng): unknown[] {
  return [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53,
    -(2 ** 31),
    "",
    "x",
    "\ud800",
    "\u0000\u0001",
    "a".repeat(100_000),
    [],
    [null],
    Array(5000).fill(7),
    {},
    { type: "x" },
    { $ref: "#" },
    [[[[[]]]]],
    rng.next(),
    "🙂".repeat(1000),
  ];
}

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur: Record<string, unknown> = body;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== "object" || next === null) return;
    cur = next as Record<string, unknown>;
  }
  cur[keys.at(-1)!] = value;
}

function hostileTools(): unknown[] {
  const deep = JSON.parse(nested(200, { type: "string" }, "object").replaceAll('"a":', '"items":'));
  return [
    [{ type: "function", function: { name: "f", parameters: { $ref: "#" } } }],
    [{
      type: "function",
      function: { name: "f", parameters: { type: "array", minItems: 1e9, items: { $ref: "#" } } },
    }],
    [{ type: "function", function: { name: "f", parameters: deep } }],
    [{
      type: "function",
      function: {
        name: "f",
        parameters: {
          type: "object",
          properties: Object.fromEntries(
            Array.from(
              { length: 5000 },
              (_, i) => [`p${i}`, { type: "string", minLength: 100000 }],
            ),
          ),
        },
      },
    }],
    [{ type: "function", function: { name: "bad name with spaces" } }],
    Array.from({ length: 500 }, (_, i) => ({ type: "function", function: { name: `f${i}` } })),
  ];
}

function structural(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const path of PATHS) {
    cases.push(
      { name: `${path} empty`, path, body: "" },
      { name: `${path} whitespace`, path, body: "   \n" },
      { name: `${path} truncated`, path, body: '{"messages": [{"role": "us' },
      { name: `${path} array body`, path, body: "[1,2,3]" },
      { name: `${path} number body`, path, body: "42" },
      { name: `${path} deep array`, path, body: nested(100_000, 1, "array") },
      { name: `${path} deep object`, path, body: nested(50_000, 1, "object") },
      {
        name: `${path} deep field`,
        path,
        body: `{"messages":${nested(20_000, 1, "array")},"prompt":${
          nested(20_000, "x", "array")
        },"kv_transfer_params":${nested(20_000, 1, "object")}}`,
      },
      {
        name: `${path} invalid UTF-8`,
        path,
        body: new Uint8Array([
          0x7b,
          0x22,
          0x70,
          0x22,
          0x3a,
          0x22,
          0xff,
          0xfe,
          0xc3,
          0x28,
          0x22,
          0x7d,
        ]),
      },
      { name: `${path} NUL bytes`, path, body: new Uint8Array(1000) },
      {
        name: `${path} duplicate keys`,
        path,
        body: '{"prompt":"a","prompt":5,"messages":[],"messages":"x"}',
      },
      {
        name: `${path} many keys`,
        path,
        body: JSON.stringify(
          Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])),
        ),
      },
    );
  }
  return cases;
}

/** The corpus: `mutations` random cases per path plus the structural and typed ones. */
export function fuzzCorpus(seed: number, mutations: number): FuzzCase[] {
  const rng = createRng(seed);
  const values = hostileValues(rng);
  const cases = structural();
  for (const path of PATHS) {
    // every hostile value in every field for the generation routes, one at random elsewhere
    const everyValue = path.startsWith("/v1/") && !path.includes("lora");
    for (const field of FIELDS) {
      const chosen = everyValue ? values : [values[rng.int(0, values.length - 1)]];
      for (const v of chosen) {
        const body = structuredClone(VALID[path]);
        setPath(body, field, v);
        cases.push({
          name: `${path} ${field} = ${JSON.stringify(v)?.slice(0, 30)}`,
          path,
          body: JSON.stringify(body),
        });
      }
    }
    for (const tools of hostileTools()) {
      const body = {
        ...VALID[path],
        tools,
        tool_choice: "required",
        response_format: {
          type: "json_schema",
          json_schema: {
            schema: (tools as { function?: { parameters?: unknown } }[])[0]?.function?.parameters ??
              {},
          },
        },
      };
      cases.push({ name: `${path} hostile tools`, path, body: JSON.stringify(body) });
    }
    for (let i = 0; i < mutations; i++) {
      const body: Record<string, unknown> = structuredClone(VALID[path]);
      for (let k = rng.int(1, 4); k > 0; k--) {
        setPath(
          body,
          FIELDS[rng.int(0, FIELDS.length - 1)]!,
          values[rng.int(0, values.length - 1)],
        );
      }
      if (rng.next() < 0.2) delete body[Object.keys(body)[0]!];
      cases.push({ name: `${path} mutation ${i}`, path, body: JSON.stringify(body) });
    }
  }
  return cases;
}
