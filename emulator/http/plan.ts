/**
 * Turns a validated request into the sequences the engine runs: prompt tokens (approximate),
 * output length and content per choice (words, a tool call, a JSON answer), finish reason, and
 * the model, context-length and tool checks, which happen before anything is queued.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import { sampleOutputTokens } from "../engine/output_length.ts";
import type { EmulatorConfig, RuntimeSettings } from "../config.ts";
import type { ChoiceContent } from "./content.ts";
import { HttpProblem } from "./errors.ts";
import type { ChatRequest, CompletionRequest } from "./schemas.ts";
import { chatTokenIds, textTokenIds, type TokenizableMessage } from "./tokenizer.ts";
import { countChatTokens, countTextTokens } from "./tokens.ts";
import {
  jsonContent,
  planToolCall,
  resolveToolChoice,
  type ToolChoice,
  toolContent,
} from "./tools.ts";
import { VOCAB } from "./vocab.ts";

/** One choice of a request. */
export interface ChoicePlan extends ChoiceContent {
  readonly index: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly finishReason: "stop" | "length";
  readonly maxTokens?: number;
  /** `finish_reason` to report instead of the engine's (e.g. `tool_calls`). */
  readonly finishAs?: string;
  /** Seeds this choice's log-probabilities. */
  readonly logprobSeed: number;
  /** Prompt token ids (only when the prefix cache needs them). */
  readonly promptIds?: readonly number[];
}

/** vLLM's prefill/decode disaggregation request fields (`kv_transfer_params`). */
export interface KvTransferPlan {
  /** Decode side: the prompt's KV comes from a prefill server (transfer time, no prefill). */
  readonly doRemotePrefill: boolean;
  /** Prefill side: compute the KV for a decode server and answer with `kv_transfer_params`. */
  readonly doRemoteDecode: boolean;
}

/** What a request asks for, ready to submit. */
export interface RequestPlan {
  readonly kind: "chat" | "completion" | "responses";
  readonly choices: readonly ChoicePlan[];
  /** Prompt tokens reported in `usage` (each distinct prompt once). */
  readonly usagePromptTokens: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** Alternatives per token when log-probabilities were asked for (chat top_logprobs, k). */
  readonly logprobs?: number;
  /** The LoRA adapter the request names, if any. */
  readonly lora?: string;
  readonly kvTransfer?: KvTransferPlan;
}

/** Resolves a requested model name: the base model (lora null), an adapter, or unknown. */
export type ModelResolver = (name: string) => { readonly lora: string | null } | undefined;

/** What planning needs besides the body. */
export interface PlanContext {
  readonly config: EmulatorConfig;
  readonly settings: RuntimeSettings;
  readonly rng: Rng;
  /** @default only the configured model */
  readonly models?: ModelResolver;
}

/** Completions default max_tokens when the request sets none (as OpenAI and vLLM). */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/** How one choice is sized. */
interface Sizing {
  readonly maxTokens: number | undefined;
  readonly ignoreEos: boolean;
  readonly ctx: PlanContext;
}

/** Text and role of each chat message (tool calls count as text). */
export function chatMessages(body: ChatRequest): TokenizableMessage[] {
  return body.messages.map((m, i) => {
    const texts: string[] = [];
    if (typeof m.content === "string") texts.push(m.content);
    else if (Array.isArray(m.content)) {
      for (const [j, part] of m.content.entries()) {
        if (part.type !== "text" || typeof part.text !== "string") {
          throw new HttpProblem(
            400,
            `messages[${i}].content[${j}]: part type '${part.type}' is not supported; ` +
              "this emulated model accepts text only",
            `messages[${i}].content[${j}].type`,
          );
        }
        texts.push(part.text);
      }
    }
    for (const call of m.tool_calls ?? []) texts.push(call.function.name, call.function.arguments);
    return { role: m.role, texts, name: m.name };
  });
}

function toolChoiceOf(body: ChatRequest): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c === null || c === undefined) return undefined;
  return typeof c === "string" ? c : { name: c.function.name };
}

/** Plans a chat request. @throws {HttpProblem} 404 unknown model, 400 context or tools. */
export function planChat(body: ChatRequest, ctx: PlanContext): RequestPlan {
  const lora = resolveModel(body.model, ctx);
  checkStreamOptions(body);
  const messages = chatMessages(body);
  const promptTokens = countChatTokens(messages);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const tools = (body.tools ?? []).map((t) => t.function);
  const toolChoice = resolveToolChoice(tools, toolChoiceOf(body));
  checkContext(promptTokens, maxTokens, { ctx, param: "messages" });
  const promptIds = ctx.config.enablePrefixCaching ? chatTokenIds(messages) : undefined;
  const format = body.response_format;
  const sizing = { maxTokens, ignoreEos: !!body.ignore_eos, ctx };
  const choices = Array.from({ length: body.n ?? 1 }, (_, i) => {
    const textStart = ctx.rng.int(0, VOCAB.length - 1);
    const call = planToolCall(tools, toolChoice, {
      rng: ctx.rng,
      autoCallRate01: ctx.config.toolCallRate01,
    });
    const content = call
      ? toolContent(textStart, call)
      : format && format.type !== "text"
      ? jsonContent(
        textStart,
        format.type === "json_schema" ? format.json_schema.schema : undefined,
        ctx.rng,
      )
      : { textStart };
    return planChoice(i, promptTokens, content, { ...sizing, promptIds });
  });
  return {
    kind: "chat",
    choices,
    usagePromptTokens: promptTokens,
    stream: !!body.stream,
    includeUsage: !!body.stream_options?.include_usage,
    ...(body.logprobs ? { logprobs: body.top_logprobs ?? 0 } : {}),
    ...(lora ? { lora } : {}),
    ...kvTransferOf(body.kv_transfer_params),
  };
}

function completionPrompts(body: CompletionRequest, ctx: PlanContext) {
  const p = body.prompt;
  const list: ReadonlyArray<string | readonly number[]> = typeof p === "string"
    ? [p]
    : p.length > 0 && typeof p[0] === "number"
    ? [p as readonly number[]]
    : (p as ReadonlyArray<string | readonly number[]>);
  return list.map((x) => ({
    tokens: typeof x === "string" ? countTextTokens(x) : x.length,
    ids: ctx.config.enablePrefixCaching ? (typeof x === "string" ? textTokenIds(x) : x) : undefined,
  }));
}

/** Plans a completions request: one choice per prompt times `n`. */
export function planCompletion(body: CompletionRequest, ctx: PlanContext): RequestPlan {
  const lora = resolveModel(body.model, ctx);
  checkStreamOptions(body);
  const prompts = completionPrompts(body, ctx);
  const maxTokens = body.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS;
  const n = body.n ?? 1;
  const choices: ChoicePlan[] = [];
  for (const [pi, prompt] of prompts.entries()) {
    checkContext(prompt.tokens, maxTokens, { ctx, param: "prompt" });
    for (let j = 0; j < n; j++) {
      const content = { textStart: ctx.rng.int(0, VOCAB.length - 1) };
      choices.push(planChoice(pi * n + j, prompt.tokens, content, {
        maxTokens,
        ignoreEos: !!body.ignore_eos,
        ctx,
        promptIds: prompt.ids,
      }));
    }
  }
  return {
    kind: "completion",
    choices,
    usagePromptTokens: prompts.reduce((a, b) => a + b.tokens, 0),
    stream: !!body.stream,
    includeUsage: !!body.stream_options?.include_usage,
    ...(body.logprobs !== undefined && body.logprobs !== null ? { logprobs: body.logprobs } : {}),
    ...(lora ? { lora } : {}),
    ...kvTransferOf(body.kv_transfer_params),
  };
}

/** The `kv_transfer_params` flags of a request, if it sets any. */
export function kvTransferOf(
  params: Readonly<Record<string, unknown>> | null | undefined,
): { kvTransfer?: KvTransferPlan } {
  if (!params) return {};
  const doRemotePrefill = params.do_remote_prefill === true;
  const doRemoteDecode = params.do_remote_decode === true;
  if (!doRemotePrefill && !doRemoteDecode) return {};
  if (doRemotePrefill && doRemoteDecode) {
    throw new HttpProblem(
      400,
      "kv_transfer_params: do_remote_prefill and do_remote_decode cannot both be true",
      "kv_transfer_params",
    );
  }
  return { kvTransfer: { doRemotePrefill, doRemoteDecode } };
}

/** Sizes one choice: its output length and finish reason from max_tokens and the mode. */
export function planChoice(
  index: number,
  promptTokens: number,
  content: ChoiceContent,
  o: Sizing & { readonly promptIds?: readonly number[] | undefined },
): ChoicePlan {
  const base = {
    index,
    promptTokens,
    ...content,
    logprobSeed: content.textStart * 131 + index,
    ...(o.promptIds ? { promptIds: o.promptIds } : {}),
    ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
  };
  if (content.pieces) return { ...base, ...piecesLength(content, o.maxTokens) };
  const dist = o.ctx.settings.outputLength;
  if (o.maxTokens === undefined) {
    const cap = Math.max(1, o.ctx.config.maxModelLen - promptTokens);
    const out = sampleOutputTokens(dist, o.ctx.rng, cap);
    return { ...base, outputTokens: out, finishReason: out >= cap ? "length" : "stop" };
  }
  if (o.ignoreEos || dist.mode === "exact") {
    return { ...base, outputTokens: o.maxTokens, finishReason: "length" };
  }
  const out = sampleOutputTokens(dist, o.ctx.rng, o.maxTokens);
  return { ...base, outputTokens: out, finishReason: out >= o.maxTokens ? "length" : "stop" };
}

/** A prepared text ends with its last piece, or is cut at max_tokens. */
function piecesLength(content: ChoiceContent, maxTokens: number | undefined) {
  const n = content.pieces!.length;
  if (maxTokens !== undefined && maxTokens < n) {
    return { outputTokens: maxTokens, finishReason: "length" as const };
  }
  return {
    outputTokens: n,
    finishReason: "stop" as const,
    ...(content.toolCalls ? { finishAs: "tool_calls" } : {}),
  };
}

function checkStreamOptions(
  body: { stream?: boolean | null | undefined; stream_options?: unknown },
): void {
  if (body.stream_options !== undefined && body.stream_options !== null && !body.stream) {
    throw new HttpProblem(
      400,
      "stream_options can only be set when stream is true.",
      "stream_options",
    );
  }
}

/** The LoRA adapter a request names (null for the base model). @throws {HttpProblem} 404. */
export function resolveModel(model: string | null | undefined, ctx: PlanContext): string | null {
  if (model === undefined || model === null || model === ctx.config.model) return null;
  const found = ctx.models?.(model);
  if (found) return found.lora;
  throw new HttpProblem(
    404,
    `The model '${model}' does not exist; this server serves '${ctx.config.model}'.`,
    "model",
  );
}

/** @throws {HttpProblem} 400 when the prompt and max_tokens exceed the context length. */
export function checkContext(
  promptTokens: number,
  maxTokens: number | undefined,
  o: { ctx: PlanContext; param: string },
): void {
  const limit = o.ctx.config.maxModelLen;
  const completion = maxTokens ?? 1;
  if (promptTokens + completion <= limit) return;
  throw new HttpProblem(
    400,
    `This model's maximum context length is ${limit} tokens, but the request needs ` +
      `${promptTokens + completion} tokens (${promptTokens} in the prompt, ${completion} for the ` +
      "completion). Shorten the prompt or lower max_tokens.",
    o.param,
  );
}
