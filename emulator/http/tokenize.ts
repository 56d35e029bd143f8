/**
 * vLLM's `/tokenize` and `/detokenize` with the emulator's approximate tokenizer
 * (emulator/http/tokenizer.ts): the counts agree with `usage.prompt_tokens` of the same prompt.
 *
 * @module
 */
import { z } from "zod";
import type { EmulatorCore } from "../core.ts";
import { readJsonBody } from "./body.ts";
import { errorResponse, HttpProblem } from "./errors.ts";
import { bodyLimits, parseBody, planContext } from "./generate.ts";
import { chatMessages, resolveModel } from "./plan.ts";
import { ChatRequestSchema } from "./schemas.ts";
import { chatTokenIds, detokenize, textTokenIds, tokenString, VOCAB_LIMIT } from "./tokenizer.ts";

/** `POST /tokenize` body: a prompt, or chat messages. */
export const TokenizeRequestSchema = z.union([
  z.looseObject({
    model: z.string().nullish(),
    prompt: z.string(),
    add_special_tokens: z.boolean().nullish(),
    return_token_strs: z.boolean().nullish(),
  }),
  z.looseObject({
    model: z.string().nullish(),
    messages: ChatRequestSchema.shape.messages,
    add_generation_prompt: z.boolean().nullish(),
    return_token_strs: z.boolean().nullish(),
  }),
], { error: "needs `prompt` (a string) or `messages` (a list of chat messages)" });

/** `POST /detokenize` body. */
export const DetokenizeRequestSchema = z.looseObject({
  model: z.string().nullish(),
  tokens: z.array(z.number().int().min(0).max(VOCAB_LIMIT - 1)),
});

/** `/tokenize` answer. */
export interface TokenizeResponse {
  readonly count: number;
  readonly max_model_len: number;
  readonly tokens: readonly number[];
  readonly token_strs: readonly string[] | null;
}

async function guarded(core: EmulatorCore, fn: () => Promise<unknown>): Promise<Response> {
  try {
    if (!core.ready && !core.draining) throw new HttpProblem(503, "The model is still loading.");
    return Response.json(await fn());
  } catch (err) {
    if (err instanceof HttpProblem) {
      return errorResponse(err.status, err.message, { param: err.param });
    }
    throw err;
  }
}

/** Handles `POST /tokenize`. */
export function handleTokenize(core: EmulatorCore, req: Request): Promise<Response> {
  return guarded(core, async () => {
    const body = parseBody(TokenizeRequestSchema, await readJsonBody(req, bodyLimits(core)));
    resolveModel(body.model, planContext(core));
    const tokens = typeof body.prompt === "string" ? textTokenIds(body.prompt) : chatTokenIds(
      chatMessages(ChatRequestSchema.parse({ messages: body.messages })),
      body.add_generation_prompt !== false,
    );
    const out: TokenizeResponse = {
      count: tokens.length,
      max_model_len: core.config.maxModelLen,
      tokens,
      token_strs: body.return_token_strs ? tokens.map(tokenString) : null,
    };
    return out;
  });
}

/** Handles `POST /detokenize`. */
export function handleDetokenize(core: EmulatorCore, req: Request): Promise<Response> {
  return guarded(core, async () => {
    const body = parseBody(DetokenizeRequestSchema, await readJsonBody(req, bodyLimits(core)));
    resolveModel(body.model, planContext(core));
    return { prompt: detokenize(body.tokens) };
  });
}
