/**
 * The non-streaming response of one request: counts tokens per choice and, when every choice
 * has finished, writes one `chat.completion` or `text_completion` JSON body.
 *
 * The status and headers go out at once and the body follows when the request finishes: a
 * streamed body is how Deno.serve tells us the client went away (its `cancel`), without relying
 * on `request.signal`, which Deno also aborts after successful responses (legacy behaviour).
 *
 * No write is needed for `cancel` to fire: Deno.serve pumps a `ReadableStream` body through a
 * stream resource and also awaits that resource's close (`op_readable_stream_resource_await_close`
 * in ext/web's `resourceForReadableStream`); when the connection closes or an HTTP/2 stream is
 * reset, the resource closes and Deno cancels the reader, so a body that is still empty is
 * cancelled within milliseconds. tests/emulator/disconnect_test.ts holds this (and the abort
 * count and freed seat) for every way a client can leave, under Deno 2.9.6.
 *
 * @module
 */
import type { FinishReason } from "../engine/types.ts";
import type { SequenceSink } from "../core.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import type { ResponseIdentity } from "./sse_writer.ts";
import { tokenText } from "./vocab.ts";

interface Done {
  readonly choice: ChoicePlan;
  readonly reason: FinishReason;
  readonly tokens: number;
}

const ENCODER = new TextEncoder();

/** Collects the choices of one request and writes the JSON body when all are done. */
export class ResponseCollector {
  /** The response body (one JSON document, written at the end). */
  readonly body: ReadableStream<Uint8Array>;
  /** Called when the client goes away before the end. */
  onCancel: () => void = () => {};
  readonly #plan: RequestPlan;
  readonly #who: ResponseIdentity;
  readonly #done: Done[] = [];
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(plan: RequestPlan, who: ResponseIdentity) {
    this.#plan = plan;
    this.#who = who;
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => this.onCancel(),
    });
  }

  /** The sink for one choice. */
  sinkFor(choice: ChoicePlan): SequenceSink {
    return {
      onToken: () => {},
      onFinish: (reason, timing) => {
        this.#done.push({ choice, reason, tokens: timing.generatedTokens });
        if (this.#done.length === this.#plan.choices.length) this.#write();
      },
      flush: () => {},
    };
  }

  #write(): void {
    try {
      if (!this.#done.some((d) => d.reason === "abort")) {
        this.#controller?.enqueue(ENCODER.encode(this.#render()));
      }
      this.#controller?.close();
    } catch { /* the client is gone */ }
  }

  #render(): string {
    const done = [...this.#done].sort((a, b) => a.choice.index - b.choice.index);
    const completion = done.reduce((a, d) => a + d.tokens, 0);
    const prompt = this.#plan.usagePromptTokens;
    const chat = this.#plan.kind === "chat";
    const choices = done.map((d) => {
      const text = tokenText(d.choice.textStart, d.tokens);
      const tail = { logprobs: null, finish_reason: d.reason, stop_reason: null };
      return chat
        ? {
          index: d.choice.index,
          message: { role: "assistant", content: text, refusal: null, tool_calls: [] },
          ...tail,
        }
        : { index: d.choice.index, text, ...tail, prompt_logprobs: null };
    });
    const body = {
      id: this.#who.id,
      object: chat ? "chat.completion" : "text_completion",
      created: this.#who.created,
      model: this.#who.model,
      choices,
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: null,
      },
    };
    return JSON.stringify(body);
  }
}
