/**
 * zod schemas of the OpenAI-compatible request bodies the emulator accepts. Unknown fields are
 * allowed and ignored (as vLLM does); known fields are type-checked so a wrong type is a 400
 * that names the field.
 *
 * @module
 */
import { z } from "zod";

/** Most choices (`n`) one request may ask for. */
export const MAX_N = 64;

const TextPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const OtherPart = z.looseObject({ type: z.string() });

const MessageSchema = z.looseObject({
  role: z.enum(["system", "user", "assistant", "tool", "developer", "function"]),
  content: z.union([z.string(), z.array(z.union([TextPart, OtherPart])), z.null()], {
    error: "must be a string, an array of content parts, or null",
  }).optional(),
  name: z.string().optional(),
});

const StreamOptions = z.looseObject({
  include_usage: z.boolean().nullish(),
  continuous_usage_stats: z.boolean().nullish(),
}).nullish();

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
};

/** `POST /v1/chat/completions` body. */
export const ChatRequestSchema = z.looseObject({
  ...common,
  messages: z.array(MessageSchema).min(1, "must contain at least one message"),
  max_completion_tokens: z.number().int().min(1).nullish(),
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
});

/** A validated completions request. */
export type CompletionRequest = z.output<typeof CompletionRequestSchema>;

/** Renders zod issues as one line: `field: problem; field: problem`, plus the first path. */
export function describeIssues(error: z.ZodError): { message: string; param: string | null } {
  const parts: string[] = [];
  let param: string | null = null;
  for (const issue of error.issues.slice(0, 5)) {
    const path = issue.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
      .join("").replace(/^\./, "");
    param ??= path === "" ? null : path;
    parts.push(`${path === "" ? "body" : path}: ${issue.message}`);
  }
  return { message: parts.join("; "), param };
}
