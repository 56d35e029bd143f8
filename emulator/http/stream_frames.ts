/**
 * The per-token SSE frames of one choice. Plain text tokens (the common case) are three
 * pre-encoded byte ranges: the choice prefix, the word, the suffix. Tokens with
 * log-probabilities or tool-call deltas are rendered as JSON per token.
 *
 * @module
 */
import { tokenTextAt } from "./content.ts";
import { utf8 } from "./frame_arena.ts";
import { chatLogprobEntry, completionLogprobs } from "./logprobs.ts";
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
  const role = plan.kind === "chat"
    ? utf8(
      `${head}{"index":${choice.index},"delta":{"role":"assistant","content":""},` +
        `"logprobs":null,"finish_reason":null}${tail}`,
    )
    : undefined;
  const rest = choice.pieces || plan.logprobs !== undefined
    ? jsonFramer(plan, choice, head, tail)
    : wordFramer(plan, choice, head, tail);
  if (!role) return rest;
  return {
    token(index, parts) {
      if (index !== 0) return rest.token(index, parts);
      parts.push(role);
      return role.length + rest.token(index, parts);
    },
  };
}

function wordFramer(
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
  const words = VOCAB_JSON_BYTES;
  const start = choice.textStart;
  const fixed = pre.length + post.length;
  return {
    token(index, parts) {
      const word = words[(start + index) % words.length]!;
      parts.push(pre, word, post);
      return fixed + word.length;
    },
  };
}

function chatDelta(choice: ChoicePlan, index: number, text: string): Record<string, unknown> {
  if (!choice.toolCalls || !choice.pieceCall) return { content: text };
  const k = choice.pieceCall[index]!;
  const call = choice.toolCalls[k]!;
  const first = index === 0 || choice.pieceCall[index - 1] !== k;
  return {
    tool_calls: [
      first
        ? {
          index: k,
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: text },
        }
        : { index: k, function: { arguments: text } },
    ],
  };
}

function jsonFramer(
  plan: RequestPlan,
  choice: ChoicePlan,
  head: string,
  tail: string,
): ChoiceFramer {
  let offset = 0;
  return {
    token(index, parts) {
      const text = tokenTextAt(choice, index);
      const lp = plan.logprobs;
      const body = plan.kind === "chat"
        ? {
          index: choice.index,
          delta: chatDelta(choice, index, text),
          logprobs: lp === undefined
            ? null
            : { content: [chatLogprobEntry(choice.logprobSeed, index, text, lp)] },
          finish_reason: null,
        }
        : {
          index: choice.index,
          text,
          logprobs: lp === undefined
            ? null
            : completionLogprobs(choice.logprobSeed, index, [text], lp, offset),
          finish_reason: null,
          stop_reason: null,
        };
      offset += text.length;
      const frame = utf8(`${head}${JSON.stringify(body)}${tail}`);
      parts.push(frame);
      return frame.length;
    },
  };
}
