/**
 * The per-token SSE frames of one choice. Plain text tokens (the common case) are three
 * pre-encoded byte ranges: the choice prefix, the word, the suffix.
 *
 * @module
 */
import { utf8 } from "./frame_arena.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import { VOCAB_JSON_BYTES } from "./vocab.ts";

/** Appends the frame(s) of token `index` to `parts`; returns the bytes added. */
export interface ChoiceFramer {
  token(index: number, parts: Uint8Array[]): number;
}

/** The framer of one choice of a streamed chat or completions request. */
export function framerFor(
  plan: RequestPlan,
  choice: ChoicePlan,
  head: string,
  tail: string,
): ChoiceFramer {
  const chat = plan.kind === "chat";
  const pre = utf8(`${head}{"index":${choice.index},` + (chat ? `"delta":{"content":` : `"text":`));
  const post = utf8(
    chat
      ? `},"logprobs":null,"finish_reason":null}${tail}`
      : `,"logprobs":null,"finish_reason":null,"stop_reason":null}${tail}`,
  );
  const role = chat
    ? utf8(
      `${head}{"index":${choice.index},"delta":{"role":"assistant","content":""},` +
        `"logprobs":null,"finish_reason":null}${tail}`,
    )
    : undefined;
  const words = VOCAB_JSON_BYTES;
  const start = choice.textStart;
  const fixed = pre.length + post.length;
  return {
    token(index, parts) {
      let bytes = 0;
      if (index === 0 && role) {
        parts.push(role);
        bytes += role.length;
      }
      const word = words[(start + index) % words.length]!;
      parts.push(pre, word, post);
      return bytes + fixed + word.length;
    },
  };
}
