/**
 * Log-probabilities for generated tokens: deterministic per choice and position (no extra
 * randomness), the sampled token always the most likely, alternatives drawn from the output
 * vocabulary with decreasing values. Shapes follow OpenAI/vLLM: chat `logprobs.content[]`
 * entries with `top_logprobs`, and the completions `tokens` / `token_logprobs` / `top_logprobs`
 * / `text_offset` lists.
 *
 * @module
 */
import { VOCAB } from "./vocab.ts";

const ENCODER = new TextEncoder();

function hash(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h ^ (h >>> 13)) >>> 0) / 4294967296;
}

/** The sampled token's log-probability at position `i` (in [-2.5, -0.01)). */
export function sampledLogprob(seed: number, i: number): number {
  return -(0.01 + 2.49 * hash(seed, i));
}

/** `k` alternatives after the sampled token, each less likely than the one before. */
export function alternatives(
  seed: number,
  i: number,
  sampled: string,
  k: number,
): Array<{ token: string; logprob: number }> {
  const out: Array<{ token: string; logprob: number }> = [];
  let lp = sampledLogprob(seed, i);
  let w = Math.floor(hash(seed + 7, i) * VOCAB.length);
  while (out.length < k) {
    const token = VOCAB[w++ % VOCAB.length]!;
    if (token === sampled) continue;
    lp -= 0.25 + hash(seed + out.length, i);
    out.push({ token, logprob: lp });
  }
  return out;
}

/** One chat `logprobs.content` entry. */
export function chatLogprobEntry(seed: number, i: number, token: string, top: number) {
  const logprob = sampledLogprob(seed, i);
  const bytes = (t: string) => [...ENCODER.encode(t)];
  return {
    token,
    logprob,
    bytes: bytes(token),
    top_logprobs: top === 0 ? [] : [
      { token, logprob, bytes: bytes(token) },
      ...alternatives(seed, i, token, top - 1).map((a) => ({ ...a, bytes: bytes(a.token) })),
    ],
  };
}

/** Completions logprobs for tokens [from, to) whose texts are `tokens`; `offset0` = text offset. */
export function completionLogprobs(
  seed: number,
  from: number,
  tokens: readonly string[],
  k: number,
  offset0: number,
) {
  const out = {
    tokens: [...tokens],
    token_logprobs: [] as number[],
    top_logprobs: [] as Array<Record<string, number>>,
    text_offset: [] as number[],
  };
  let offset = offset0;
  tokens.forEach((t, j) => {
    const lp = sampledLogprob(seed, from + j);
    out.token_logprobs.push(lp);
    const top: Record<string, number> = { [t]: lp };
    for (const a of alternatives(seed, from + j, t, Math.max(0, k - 1))) top[a.token] = a.logprob;
    out.top_logprobs.push(top);
    out.text_offset.push(offset);
    offset += t.length;
  });
  return out;
}
