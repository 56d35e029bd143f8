/**
 * OpenAI-compatible request bodies with a prompt of a chosen token length.
 *
 * Prompt text is made of short common English words with a leading space (" the", " and", …):
 * each is one token for GPT- and Llama-family tokenizers and four characters, so servers that
 * approximate tokens as characters / 4 count the same length. Requests differ by where in the
 * word cycle they start, so a prefix cache does not turn every request into a cache hit.
 *
 * @module
 */
import { z } from "zod";

/** Which OpenAI endpoint to call: `/chat/completions` or `/completions`. */
export const ApiKindSchema = z.enum(["chat", "completions"], {
  error: "expected chat or completions",
});

/** `chat` or `completions`. */
export type ApiKind = z.infer<typeof ApiKindSchema>;

const WORDS = [
  " the",
  " and",
  " for",
  " you",
  " not",
  " are",
  " but",
  " can",
  " all",
  " any",
  " her",
  " was",
  " one",
  " our",
  " out",
  " day",
  " get",
  " has",
  " him",
  " his",
  " how",
  " man",
  " new",
  " now",
  " old",
  " see",
  " two",
  " way",
  " who",
  " boy",
  " did",
  " its",
  " let",
  " put",
  " say",
  " she",
  " too",
  " use",
  " big",
  " car",
  " cat",
  " dog",
  " end",
  " far",
  " few",
  " got",
  " hot",
  " job",
  " key",
  " law",
  " low",
  " map",
  " may",
  " net",
  " oil",
  " own",
  " pay",
  " red",
  " run",
  " sea",
  " set",
  " sun",
  " top",
  " war",
] as const;

/** A prompt of exactly `tokens` words (≈ tokens); `variant` picks the starting word. */
export function promptText(tokens: number, variant = 0): string {
  const n = Math.max(1, Math.floor(tokens));
  const parts = new Array<string>(n);
  const start = ((variant % WORDS.length) + WORDS.length) % WORDS.length;
  const stride = 1 + (Math.floor(variant / WORDS.length) % 7) * 2;
  for (let i = 0; i < n; i++) parts[i] = WORDS[(start + i * stride) % WORDS.length]!;
  return parts.join("");
}

/** Options for {@linkcode buildRequestBody}. */
export interface RequestBodyOptions {
  readonly api: ApiKind;
  readonly model: string;
  readonly promptTokens: number;
  /** Exact output length asked for: sent as `max_tokens` with `ignore_eos: true`. */
  readonly maxTokens: number;
  readonly stream: boolean;
  /** Varies the prompt text between requests. @default 0 */
  readonly variant?: number;
}

/**
 * Builds the JSON body. Streaming bodies ask for the usage chunk (`stream_options.include_usage`)
 * so token counts come from the server; `ignore_eos` (a vLLM extension) makes the output length
 * exactly `max_tokens` on vLLM and the emulator.
 *
 * @example
 * ```ts
 * import { buildRequestBody } from "./request_body.ts";
 * const body = buildRequestBody({ api: "chat", model: "m", promptTokens: 3, maxTokens: 5, stream: true });
 * if (body.max_tokens !== 5) throw new Error("bad");
 * ```
 */
export function buildRequestBody(options: RequestBodyOptions): Record<string, unknown> {
  const text = promptText(options.promptTokens, options.variant ?? 0);
  const common = {
    model: options.model,
    max_tokens: options.maxTokens,
    ignore_eos: true,
    stream: options.stream,
    ...(options.stream ? { stream_options: { include_usage: true } } : {}),
  };
  return options.api === "chat"
    ? { ...common, messages: [{ role: "user", content: text }] }
    : { ...common, prompt: text };
}

/** Path under the `/v1` base for an API kind. */
export function apiPath(api: ApiKind): string {
  return api === "chat" ? "/chat/completions" : "/completions";
}
