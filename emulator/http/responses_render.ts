/**
 * Bodies and streamed events of `POST /v1/responses`: a `response` object whose output is one
 * `message` (with one `output_text` part) or one `function_call` item, `status` `completed`, or
 * `incomplete` with `incomplete_details.reason = "max_output_tokens"` when cut by
 * `max_output_tokens`. Streaming sends OpenAI's named events in order: `response.created`,
 * `response.in_progress`, `response.output_item.added`, (`response.content_part.added`), one
 * `response.output_text.delta` or `response.function_call_arguments.delta` per token, the
 * `.done` events, and `response.completed` (or `response.incomplete`).
 *
 * @module
 */
import type { FinishReason, SequenceTiming } from "../engine/types.ts";
import type { SequenceSink } from "../sink_outbox.ts";
import { contentText, tokenTextAt, toolCallsAt } from "./content.ts";
import { utf8 } from "./frame_arena.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import type { DoneChoice } from "./render.ts";
import type { ResponsesEcho } from "./responses_plan.ts";

/** Identity of one response and its output item. */
export interface ResponsesIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** Id of the output item (`msg_…` or `fc_…`). */
  readonly itemId: string;
}

interface Outcome {
  readonly status: "in_progress" | "completed" | "incomplete";
  readonly output: readonly unknown[];
  readonly usage: { readonly output: number; readonly cached: number } | null;
}

/** The `response` object. */
export function responseObject(
  plan: RequestPlan,
  echo: ResponsesEcho,
  who: ResponsesIdentity,
  o: Outcome,
) {
  const input = plan.usagePromptTokens;
  return {
    id: who.id,
    object: "response",
    created_at: who.created,
    status: o.status,
    background: false,
    error: null,
    incomplete_details: o.status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: echo.instructions,
    max_output_tokens: echo.maxOutputTokens,
    metadata: echo.metadata,
    model: who.model,
    output: o.output,
    parallel_tool_calls: echo.parallelToolCalls,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.toolChoice,
    tools: echo.tools,
    top_p: echo.topP,
    truncation: "disabled",
    usage: o.usage === null ? null : {
      input_tokens: input,
      input_tokens_details: { cached_tokens: o.usage.cached },
      output_tokens: o.usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + o.usage.output,
    },
    user: null,
  };
}

/** The output item after `tokens` tokens. */
export function outputItem(
  choice: ChoicePlan,
  who: ResponsesIdentity,
  tokens: number,
  done: boolean,
) {
  const status = done ? "completed" : "in_progress";
  const call = choice.toolCalls?.[0];
  if (call) {
    const args = toolCallsAt(choice, tokens)[0]?.arguments ?? "";
    return {
      type: "function_call",
      id: who.itemId,
      call_id: call.id,
      name: call.name,
      arguments: args,
      status,
    };
  }
  const text = contentText(choice, tokens);
  return {
    type: "message",
    id: who.itemId,
    status,
    role: "assistant",
    content: done || tokens > 0
      ? [{ type: "output_text", text, annotations: [], logprobs: [] }]
      : [],
  };
}

function statusOf(reason: FinishReason): "completed" | "incomplete" {
  return reason === "length" ? "incomplete" : "completed";
}

/** The JSON body of a finished, non-streamed response. */
export function renderResponsesBody(
  plan: RequestPlan,
  echo: ResponsesEcho,
  who: ResponsesIdentity,
  done: readonly DoneChoice[],
  cachedTokens: number,
): string {
  const d = done[0]!;
  return JSON.stringify(responseObject(plan, echo, who, {
    status: statusOf(d.reason),
    output: [outputItem(d.choice, who, d.tokens, true)],
    usage: { output: d.tokens, cached: cachedTokens },
  }));
}

/** Writes one response's event stream. */
export class ResponsesSseWriter {
  readonly body: ReadableStream<Uint8Array>;
  onCancel: () => void = () => {};
  readonly #plan: RequestPlan;
  readonly #echo: ResponsesEcho;
  readonly #who: ResponsesIdentity;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #pending = "";
  #seq = 0;
  #closed = false;

  constructor(plan: RequestPlan, echo: ResponsesEcho, who: ResponsesIdentity) {
    this.#plan = plan;
    this.#echo = echo;
    this.#who = who;
    this.body = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#controller = c;
      },
      cancel: () => {
        this.#closed = true;
        this.onCancel();
      },
    });
  }

  #event(type: string, fields: Record<string, unknown>): void {
    const data = JSON.stringify({ type, sequence_number: this.#seq++, ...fields });
    this.#pending += `event: ${type}\ndata: ${data}\n\n`;
  }

  #start(choice: ChoicePlan): void {
    const response = responseObject(this.#plan, this.#echo, this.#who, {
      status: "in_progress",
      output: [],
      usage: null,
    });
    this.#event("response.created", { response });
    this.#event("response.in_progress", { response });
    this.#event("response.output_item.added", {
      output_index: 0,
      item: outputItem(choice, this.#who, 0, false),
    });
    if (choice.toolCalls) return;
    this.#event("response.content_part.added", {
      item_id: this.#who.itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [], logprobs: [] },
    });
  }

  /** The sink of the (only) choice. */
  sinkFor(choice: ChoicePlan): SequenceSink {
    return {
      onToken: (index) => {
        if (index === 0) this.#start(choice);
        const delta = tokenTextAt(choice, index);
        const ids = { item_id: this.#who.itemId, output_index: 0 };
        if (choice.toolCalls) {
          this.#event("response.function_call_arguments.delta", { ...ids, delta });
        } else {this.#event("response.output_text.delta", {
            ...ids,
            content_index: 0,
            delta,
            logprobs: [],
          });}
      },
      onFinish: (reason, timing) => this.#finish(choice, reason, timing),
      flush: () => this.#flush(),
    };
  }

  #finish(choice: ChoicePlan, reason: FinishReason, timing: SequenceTiming): void {
    if (reason === "abort") return this.#close();
    const tokens = timing.generatedTokens;
    const item = outputItem(choice, this.#who, tokens, true);
    const ids = { item_id: this.#who.itemId, output_index: 0 };
    if (choice.toolCalls) {
      const call = item as { arguments: string; name: string };
      this.#event("response.function_call_arguments.done", {
        ...ids,
        name: call.name,
        arguments: call.arguments,
      });
    } else {
      const text = contentText(choice, tokens);
      const part = { type: "output_text", text, annotations: [], logprobs: [] };
      this.#event("response.output_text.done", { ...ids, content_index: 0, text, logprobs: [] });
      this.#event("response.content_part.done", { ...ids, content_index: 0, part });
    }
    this.#event("response.output_item.done", { output_index: 0, item });
    const status = statusOf(reason);
    const response = responseObject(this.#plan, this.#echo, this.#who, {
      status,
      output: [item],
      usage: { output: tokens, cached: timing.cachedPromptTokens },
    });
    this.#event(status === "completed" ? "response.completed" : "response.incomplete", {
      response,
    });
    this.#flush();
    this.#close();
  }

  #flush(): void {
    if (this.#pending === "" || this.#closed) return;
    const text = this.#pending;
    this.#pending = "";
    try {
      this.#controller?.enqueue(utf8(text));
    } catch {
      this.#closed = true;
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#controller?.close();
    } catch { /* closed by the client */ }
  }
}
