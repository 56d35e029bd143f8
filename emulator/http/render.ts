/**
 * Non-streaming bodies of chat completions and completions, from the finished choices: text or
 * tool calls, log-probabilities when asked for, usage, and vLLM's `kv_transfer_params` on the
 * prefill side of a disaggregated (P/D) request.
 *
 * @module
 */
import type { FinishReason } from "../engine/types.ts";
import { contentText, tokenTextAt, toolCallsAt } from "./content.ts";
import { chatLogprobEntry, completionLogprobs } from "./logprobs.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import type { ResponseIdentity } from "./sse_writer.ts";

/** A finished choice. */
export interface DoneChoice {
  readonly choice: ChoicePlan;
  readonly reason: FinishReason;
  readonly tokens: number;
  /** Prompt tokens served from the prefix cache. */
  readonly cached: number;
}

/** Chat `logprobs.content` of the first `tokens` tokens. */
export function chatLogprobs(c: ChoicePlan, tokens: number, top: number) {
  return {
    content: Array.from(
      { length: tokens },
      (_, i) => chatLogprobEntry(c.logprobSeed, i, tokenTextAt(c, i), top),
    ),
  };
}

function chatChoice(plan: RequestPlan, d: DoneChoice) {
  const calls = toolCallsAt(d.choice, d.tokens);
  return {
    index: d.choice.index,
    message: {
      role: "assistant",
      content: calls.length > 0 ? null : contentText(d.choice, d.tokens),
      refusal: null,
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    },
    logprobs: plan.logprobs === undefined ? null : chatLogprobs(d.choice, d.tokens, plan.logprobs),
    finish_reason: d.reason === "stop" ? d.choice.finishAs ?? d.reason : d.reason,
    stop_reason: null,
  };
}

function completionChoice(plan: RequestPlan, d: DoneChoice) {
  const texts = Array.from({ length: d.tokens }, (_, i) => tokenTextAt(d.choice, i));
  return {
    index: d.choice.index,
    text: texts.join(""),
    logprobs: plan.logprobs === undefined
      ? null
      : completionLogprobs(d.choice.logprobSeed, 0, texts, plan.logprobs, 0),
    finish_reason: d.reason,
    stop_reason: null,
    prompt_logprobs: null,
  };
}

/** The `kv_transfer_params` a prefill server returns for the decode server. */
export function kvTransferResponse(who: ResponseIdentity, promptTokens: number, blockSize: number) {
  const blocks = Math.max(1, Math.ceil(promptTokens / blockSize));
  return {
    do_remote_prefill: true,
    do_remote_decode: false,
    remote_engine_id: `wva-emulator-${who.id}`,
    remote_block_ids: Array.from({ length: blocks }, (_, i) => i),
    remote_host: "127.0.0.1",
    remote_port: 0,
    tp_size: 1,
  };
}

/**
 * The body of the common case (one text choice, no log-probabilities, no P/D) as one template:
 * the same JSON as the general path, without building the object first.
 */
export function renderPlainBody(plan: RequestPlan, who: ResponseIdentity, d: DoneChoice): string {
  const text = JSON.stringify(contentText(d.choice, d.tokens));
  const p = plan.usagePromptTokens;
  const tail = `"logprobs":null,"finish_reason":"${d.reason}","stop_reason":null`;
  const choice = plan.kind === "chat"
    ? `{"index":${d.choice.index},"message":{"role":"assistant","content":${text},` +
      `"refusal":null,"tool_calls":[]},${tail}}`
    : `{"index":${d.choice.index},"text":${text},${tail},"prompt_logprobs":null}`;
  return `{"id":${JSON.stringify(who.id)},"object":"${
    plan.kind === "chat" ? "chat.completion" : "text_completion"
  }","created":${who.created},"model":${JSON.stringify(who.model)},"choices":[${choice}],` +
    `"usage":{"prompt_tokens":${p},"completion_tokens":${d.tokens},"total_tokens":${
      p + d.tokens
    },"prompt_tokens_details":null}}`;
}

/** The JSON body of a finished chat or completions request. */
export function renderBody(
  plan: RequestPlan,
  who: ResponseIdentity,
  finished: readonly DoneChoice[],
  blockSize: number,
): string {
  const only = finished.length === 1 ? finished[0]! : undefined;
  if (only && !only.choice.pieces && plan.logprobs === undefined && !plan.kvTransfer) {
    return renderPlainBody(plan, who, only);
  }
  return renderGeneral(plan, who, finished, blockSize);
}

function renderGeneral(
  plan: RequestPlan,
  who: ResponseIdentity,
  finished: readonly DoneChoice[],
  blockSize: number,
): string {
  const done = [...finished].sort((a, b) => a.choice.index - b.choice.index);
  const completion = done.reduce((a, d) => a + d.tokens, 0);
  const prompt = plan.usagePromptTokens;
  const chat = plan.kind === "chat";
  return JSON.stringify({
    id: who.id,
    object: chat ? "chat.completion" : "text_completion",
    created: who.created,
    model: who.model,
    choices: done.map((d) => chat ? chatChoice(plan, d) : completionChoice(plan, d)),
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: null,
    },
    ...(plan.kvTransfer?.doRemoteDecode
      ? { kv_transfer_params: kvTransferResponse(who, plan.usagePromptTokens, blockSize) }
      : {}),
  });
}
