/**
 * zod schemas of the OpenAI-compatible request bodies the emulator accepts (chat completions and
 * completions; `/v1/responses` and tokenization are in their own files). Unknown fields are
 * allowed and ignored (as vLLM does); known fields are type-checked so a wrong type is a 400
 * that names the field and the value. The same schemas generate `/openapi.json`.
 *
 * @module
 */
import { z } from "zod";

/** Most choices (`n`) one request may ask for. */
export const MAX_N = 64;
/** Most alternatives per token in `top_logprobs` / completions `logprobs` (vLLM's default cap). */
export const MAX_LOGPROBS = 20;
/** Most tools one request may declare. */
export const MAX_TOOLS = 128;

const TextPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const OtherPart = z.looseObject({ type: z.string() });

/** A function tool call inside an assistant message. */
const MessageToolCall = z.looseObject({
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const MessageSchema = z.looseObject({
  role: z.enum(["system", "user", "assistant", "tool", "developer", "function"]),
  content: z.union([z.string(), z.array(z.union([TextPart, OtherPart])), z.null()], {
    error: "must be a string, an array of content parts, or null",
  }).optional(),
  name: z.string().optional(),
  tool_calls: z.array(MessageToolCall).nullish(),
  tool_call_id: z.string().nullish(),
});

const StreamOptions = z.looseObject({
  include_usage: z.boolean().nullish(),
  continuous_usage_stats: z.boolean().nullish(),
}).nullish();

/** A function the model may call; `parameters` is a JSON Schema object. */
export const FunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits, _ . : -"),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

/** `tool_choice`: none, auto, required, or one named function. */
export const ToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({
    type: z.literal("function"),
    function: z.looseObject({ name: z.string() }),
  }),
], { error: 'must be "none", "auto", "required" or {"type":"function","function":{"name":…}}' });

const ResponseFormat = z.union([
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
], { error: 'must have type "text", "json_object" or "json_schema"' }).nullish();

const common = {
  model: z.string().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  n: z.number().int().min(1).max(MAX_N).nullish(),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  ignore_eos: z.boolean().nullish(),
  user: z.string().nullish(),
  /** vLLM P/D: `do_remote_decode` (prefill side) or `do_remote_prefill` (decode side). */
  kv_transfer_params: z.record(z.string(), z.unknown()).nullish(),
};

/** `POST /v1/chat/completions` body. */
export const ChatRequestSchema = z.looseObject({
  ...common,
  messages: z.array(MessageSchema).min(1, "must contain at least one message"),
  max_completion_tokens: z.number().int().min(1).nullish(),
  tools: z.array(FunctionToolSchema).max(MAX_TOOLS).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(MAX_LOGPROBS).nullish(),
  response_format: ResponseFormat,
});

/** A validated chat request. */
export type ChatRequest = z.output<typeof ChatRequestSchema>;

const TokenIds = z.array(z.number().int().nonnegative()).min(1, "must not be empty");

/** `POST /v1/completions` body. */
export const CompletionRequestSchema = z.looseObject({
  ...common,
  prompt: z.union([
    z.string().min(1, "must not be empty"),
    z.array(z.string().min(1, "must not be empty")).min(1, "must not be empty"),
    TokenIds,
    z.array(TokenIds).min(1, "must not be empty"),
  ], {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : "must be a non-empty string, array of strings, array of token ids or array of " +
          "token-id arrays",
  }),
  echo: z.boolean().nullish(),
  logprobs: z.number().int().min(0).max(MAX_LOGPROBS).nullish(),
});

/** A validated completions request. */
export type CompletionRequest = z.output<typeof CompletionRequestSchema>;

/**
 * A short, single-line rendering of a rejected value for error messages. Arrays and objects
 * are summarised, never serialised (a hostile body may nest them thousands of levels deep).
 */
export function showValue(v: unknown): string {
  if (typeof v === "string") {
    const s = JSON.stringify(v.length > 60 ? v.slice(0, 60) : v);
    return v.length > 60 ? `${s.slice(0, -1)}..." (${v.length} characters)` : s;
  }
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    const shown = keys.slice(0, 4).map((k) => JSON.stringify(k.slice(0, 20))).join(", ");
    return keys.length === 0
      ? "{}"
      : `an object with keys ${shown}${keys.length > 4 ? ", ..." : ""}`;
  }
  return String(v);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

/**
 * Renders zod issues as one line, `field: problem (got value); field: problem`, plus the first
 * field's path (`param`). The value is shown when `input` (the parsed body) has one there.
 */
export function describeIssues(
  error: z.ZodError,
  input?: unknown,
): { message: string; param: string | null } {
  const parts: string[] = [];
  let param: string | null = null;
  for (const issue of error.issues.slice(0, 5)) {
    const path = issue.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
      .join("").replace(/^\./, "");
    param ??= path === "" ? null : path;
    const at = input === undefined || issue.path.length === 0
      ? { found: false, value: undefined }
      : valueAt(input, issue.path);
    const got = at.found ? ` (got ${showValue(at.value)})` : "";
    const text = issue.message.length > 200 ? `${issue.message.slice(0, 197)}...` : issue.message;
    parts.push(`${path === "" ? "body" : path}: ${text}${got}`);
  }
  return { message: parts.join("; "), param };
}
