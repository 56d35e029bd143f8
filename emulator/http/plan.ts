/**
 * Turns a validated request into the sequences the engine runs: prompt tokens (approximate),
 * output length per choice, finish reason, and the context-length and model checks, which happen
 * before anything is queued.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import { sampleOutputTokens } from "../engine/output_length.ts";
import type { EmulatorConfig, RuntimeSettings } from "../config.ts";
import { HttpProblem } from "./errors.ts";
import type { ChatRequest, CompletionRequest } from "./schemas.ts";
import { countChatTokens, countTextTokens } from "./tokens.ts";
import { VOCAB } from "./vocab.ts";

/** One choice of a request. */
export interface ChoicePlan {
  readonly index: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly finishReason: "stop" | "length";
  readonly maxTokens?: number;
  /** First vocabulary word of this choice's text. */
  readonly textStart: number;
  /** `finish_reason` to report instead of the engine's (e.g. `tool_calls`). */
  readonly finishAs?: string;
}

/** What a request asks for, ready to submit. */
export interface RequestPlan {
  readonly kind: "chat" | "completion";
  readonly choices: readonly ChoicePlan[];
  /** Prompt tokens reported in `usage` (each distinct prompt once). */
  readonly usagePromptTokens: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

/** What planning needs besides the body. */
export interface PlanContext {
  readonly config: EmulatorConfig;
  readonly settings: RuntimeSettings;
  readonly rng: Rng;
}

/** Completions default max_tokens when the request sets none (as OpenAI and vLLM). */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

/** Plans a chat request. @throws {HttpProblem} 404 unknown model, 400 context too long. */
export function planChat(body: ChatRequest, ctx: PlanContext): RequestPlan {
  checkModel(body.model, ctx.config);
  checkStreamOptions(body);
  const messages = body.messages.map((m, i) => {
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
    return { texts, name: m.name };
  });
  const promptTokens = countChatTokens(messages);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const n = body.n ?? 1;
  const choices = Array.from(
    { length: n },
    (_, i) => planChoice(i, promptTokens, { maxTokens, ignoreEos: !!body.ignore_eos, ctx }),
  );
  checkContext(promptTokens, maxTokens, { ctx, param: "messages" });
  return {
    kind: "chat",
    choices,
    usagePromptTokens: promptTokens,
    stream: !!body.stream,
    includeUsage: !!body.stream_options?.include_usage,
  };
}

/** Plans a completions request: one choice per prompt times `n`. */
export function planCompletion(body: CompletionRequest, ctx: PlanContext): RequestPlan {
  checkModel(body.model, ctx.config);
  checkStreamOptions(body);
  const p = body.prompt;
  const prompts: number[] = typeof p === "string"
    ? [countTextTokens(p)]
    : p.length > 0 && typeof p[0] === "number"
    ? [p.length]
    : (p as ReadonlyArray<string | readonly number[]>).map((x) =>
      typeof x === "string" ? countTextTokens(x) : x.length
    );
  const maxTokens = body.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS;
  const n = body.n ?? 1;
  const choices: ChoicePlan[] = [];
  for (const [pi, promptTokens] of prompts.entries()) {
    checkContext(promptTokens, maxTokens, { ctx, param: "prompt" });
    for (let j = 0; j < n; j++) {
      choices.push(
        planChoice(pi * n + j, promptTokens, { maxTokens, ignoreEos: !!body.ignore_eos, ctx }),
      );
    }
  }
  return {
    kind: "completion",
    choices,
    usagePromptTokens: prompts.reduce((a, b) => a + b, 0),
    stream: !!body.stream,
    includeUsage: !!body.stream_options?.include_usage,
  };
}

function planChoice(
  index: number,
  promptTokens: number,
  o: { maxTokens: number | undefined; ignoreEos: boolean; ctx: PlanContext },
): ChoicePlan {
  const dist = o.ctx.settings.outputLength;
  const rng = o.ctx.rng;
  const textStart = rng.int(0, VOCAB.length - 1);
  if (o.maxTokens === undefined) {
    const cap = Math.max(1, o.ctx.config.maxModelLen - promptTokens);
    const out = sampleOutputTokens(dist, rng, cap);
    return {
      index,
      promptTokens,
      outputTokens: out,
      finishReason: out >= cap ? "length" : "stop",
      textStart,
    };
  }
  if (o.ignoreEos || dist.mode === "exact") {
    return {
      index,
      promptTokens,
      outputTokens: o.maxTokens,
      finishReason: "length",
      maxTokens: o.maxTokens,
      textStart,
    };
  }
  const out = sampleOutputTokens(dist, rng, o.maxTokens);
  return {
    index,
    promptTokens,
    outputTokens: out,
    finishReason: out >= o.maxTokens ? "length" : "stop",
    maxTokens: o.maxTokens,
    textStart,
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

function checkModel(model: string | null | undefined, config: EmulatorConfig): void {
  if (model === undefined || model === null || model === config.model) return;
  throw new HttpProblem(
    404,
    `The model '${model}' does not exist; this server serves '${config.model}'.`,
    "model",
  );
}

function checkContext(
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
