/**
 * `POST /v1/responses` (OpenAI's Responses API, as vLLM serves it): the request schema and its
 * plan. `input` is a string or a list of messages, function calls and function-call outputs;
 * `instructions` is a system message; `max_output_tokens` caps the output; function `tools` and
 * `tool_choice` work as in chat, and `text.format` asks for JSON. One output per request (no
 * `n`), no stored responses (`previous_response_id` is refused).
 *
 * @module
 */
import { z } from "zod";
import { HttpProblem } from "./errors.ts";
import {
  checkContext,
  planChoice,
  type PlanContext,
  type RequestPlan,
  resolveModel,
} from "./plan.ts";
import { MAX_TOOLS } from "./schemas.ts";
import { chatTokenIds, type TokenizableMessage } from "./tokenizer.ts";
import { countChatTokens } from "./tokens.ts";
import {
  jsonContent,
  planToolCall,
  resolveToolChoice,
  type ToolChoice,
  toolContent,
  type ToolSpec,
} from "./tools.ts";
import { VOCAB } from "./vocab.ts";

const TextPart = z.looseObject({
  type: z.enum(["input_text", "output_text", "text"]),
  text: z.string(),
});
const OtherPart = z.looseObject({ type: z.string() });

const MessageItem = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(z.union([TextPart, OtherPart]))]),
});
const FunctionCallItem = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
});
const FunctionCallOutputItem = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: z.union([z.string(), z.array(z.unknown())]),
});

const ResponsesTool = z.looseObject({
  type: z.literal("function"),
  name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits, _ . : -"),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const ResponsesToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), name: z.string() }),
], { error: 'must be "none", "auto", "required" or {"type":"function","name":…}' });

const TextFormat = z.looseObject({
  format: z.union([
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      name: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
    }),
  ]).optional(),
}).nullish();

/** `POST /v1/responses` body. */
export const ResponsesRequestSchema = z.looseObject({
  model: z.string().nullish(),
  input: z.union([
    z.string().min(1, "must not be empty"),
    z.array(z.union([MessageItem, FunctionCallItem, FunctionCallOutputItem])).min(
      1,
      "must not be empty",
    ),
  ], {
    error: (issue) =>
      issue.input === undefined ? "is required" : "must be a string or a list of input items",
  }),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(ResponsesTool).max(MAX_TOOLS).nullish(),
  tool_choice: ResponsesToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  text: TextFormat,
  user: z.string().nullish(),
});

/** A validated responses request. */
export type ResponsesRequest = z.output<typeof ResponsesRequestSchema>;

/** What a response echoes of its request. */
export interface ResponsesEcho {
  readonly instructions: string | null;
  readonly maxOutputTokens: number | null;
  readonly tools: ReadonlyArray<Record<string, unknown>>;
  readonly toolChoice: unknown;
  readonly parallelToolCalls: boolean;
  readonly temperature: number;
  readonly topP: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly text: unknown;
}

function partsText(
  content: string | ReadonlyArray<{ type: string; text?: unknown }>,
  at: string,
): string[] {
  if (typeof content === "string") return [content];
  return content.map((part, j) => {
    if (typeof part.text !== "string") {
      throw new HttpProblem(
        400,
        `${at}.content[${j}]: part type '${part.type}' is not supported; this emulated model ` +
          "accepts text only",
        `${at}.content[${j}].type`,
      );
    }
    return part.text;
  });
}

/** The request as chat messages (instructions first), for counting and tokenizing. */
export function responsesMessages(body: ResponsesRequest): TokenizableMessage[] {
  const out: TokenizableMessage[] = [];
  if (body.instructions) out.push({ role: "system", texts: [body.instructions] });
  if (typeof body.input === "string") return [...out, { role: "user", texts: [body.input] }];
  body.input.forEach((item, i) => {
    if (item.type === "function_call") {
      out.push({ role: "assistant", texts: [item.name, item.arguments] });
    } else if (item.type === "function_call_output") {
      const text = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      out.push({ role: "tool", texts: [text] });
    } else {
      out.push({ role: item.role, texts: partsText(item.content, `input[${i}]`) });
    }
  });
  return out;
}

function toolChoiceOf(body: ResponsesRequest): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c === null || c === undefined) return undefined;
  return typeof c === "string" ? c : { name: c.name };
}

/** Plans a responses request (one choice). */
export function planResponses(
  body: ResponsesRequest,
  ctx: PlanContext,
): { plan: RequestPlan; echo: ResponsesEcho } {
  const lora = resolveModel(body.model, ctx);
  if (body.previous_response_id) {
    throw new HttpProblem(
      400,
      `previous_response_id: this server does not store responses (got ${
        JSON.stringify(body.previous_response_id)
      })`,
      "previous_response_id",
    );
  }
  const messages = responsesMessages(body);
  const promptTokens = countChatTokens(messages);
  const maxTokens = body.max_output_tokens ?? undefined;
  checkContext(promptTokens, maxTokens, { ctx, param: "input" });
  const tools: ToolSpec[] = body.tools ?? [];
  const choice = resolveToolChoice(tools, toolChoiceOf(body));
  const textStart = ctx.rng.int(0, VOCAB.length - 1);
  const call = planToolCall(tools, choice, {
    rng: ctx.rng,
    autoCallRate01: ctx.config.toolCallRate01,
  });
  const format = body.text?.format;
  const content = call
    ? toolContent(textStart, call)
    : format && format.type !== "text"
    ? jsonContent(textStart, format.type === "json_schema" ? format.schema : undefined, ctx.rng)
    : { textStart };
  const promptIds = ctx.config.enablePrefixCaching ? chatTokenIds(messages) : undefined;
  const planned = planChoice(0, promptTokens, content, {
    maxTokens,
    ignoreEos: false,
    ctx,
    promptIds,
  });
  const plan: RequestPlan = {
    kind: "responses",
    choices: [planned],
    usagePromptTokens: promptTokens,
    stream: !!body.stream,
    includeUsage: true,
    ...(lora ? { lora } : {}),
  };
  const echo: ResponsesEcho = {
    instructions: body.instructions ?? null,
    maxOutputTokens: body.max_output_tokens ?? null,
    tools: tools.map((t) => ({ ...t })),
    toolChoice: body.tool_choice ?? "auto",
    parallelToolCalls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    metadata: body.metadata ?? {},
    text: body.text ?? { format: { type: "text" } },
  };
  return { plan, echo };
}
