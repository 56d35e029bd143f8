/**
 * The streaming response of one request: SSE frames in the OpenAI/vLLM chunk format, written
 * from engine events. Per-choice prefix and suffix strings are built once, so a token costs one
 * string concatenation; all frames produced in one engine turn go out in one write.
 *
 * @module
 */
import type { FinishReason, SequenceTiming } from "../engine/types.ts";
import type { SequenceSink } from "../core.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import { VOCAB, VOCAB_JSON } from "./vocab.ts";

const ENCODER = new TextEncoder();

/** Headers of an SSE response. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

/** Identity of a response (shared by every chunk). */
export interface ResponseIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/** Writes one request's SSE stream. */
export class SseWriter {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;
  /** Called when the client goes away before the end. */
  onCancel: () => void = () => {};
  readonly #plan: RequestPlan;
  readonly #head: string;
  readonly #tail: string;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #pending = "";
  #open: number;
  #completionTokens = 0;
  #closed = false;

  constructor(plan: RequestPlan, who: ResponseIdentity) {
    this.#plan = plan;
    this.#open = plan.choices.length;
    const object = plan.kind === "chat" ? "chat.completion.chunk" : "text_completion";
    this.#head =
      `data: {"id":${JSON.stringify(who.id)},"object":"${object}","created":${who.created},` +
      `"model":${JSON.stringify(who.model)},"choices":[`;
    this.#tail = `]${plan.includeUsage ? ',"usage":null' : ""}}\n\n`;
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        this.#closed = true;
        this.onCancel();
      },
    });
  }

  /** The sink for one choice. */
  sinkFor(choice: ChoicePlan): SequenceSink {
    const chat = this.#plan.kind === "chat";
    const pre = `${this.#head}{"index":${choice.index},` +
      (chat ? `"delta":{"content":` : `"text":`);
    const post = chat
      ? `},"logprobs":null,"finish_reason":null}${this.#tail}`
      : `,"logprobs":null,"finish_reason":null,"stop_reason":null}${this.#tail}`;
    const role = chat
      ? `${this.#head}{"index":${choice.index},"delta":{"role":"assistant","content":""},` +
        `"logprobs":null,"finish_reason":null}${this.#tail}`
      : "";
    const vocabLen = VOCAB.length;
    return {
      onToken: (index) => {
        if (index === 0) this.#pending += role;
        this.#pending += pre + VOCAB_JSON[(choice.textStart + index) % vocabLen] + post;
      },
      onFinish: (reason, timing) => this.#finishChoice(choice, reason, timing),
      flush: () => this.flush(),
    };
  }

  /** Writes what is pending (one chunk for everything produced since the last flush). */
  flush(): void {
    if (this.#pending === "" || this.#closed) {
      this.#pending = "";
      return;
    }
    const text = this.#pending;
    this.#pending = "";
    try {
      this.#controller?.enqueue(ENCODER.encode(text));
    } catch {
      this.#closed = true;
    }
  }

  #finishChoice(choice: ChoicePlan, reason: FinishReason, timing: SequenceTiming): void {
    this.#completionTokens += timing.generatedTokens;
    this.#open--;
    if (reason === "abort") {
      this.#close();
      return;
    }
    const fields = { logprobs: null, finish_reason: reason, stop_reason: null };
    const c = this.#plan.kind === "chat"
      ? { index: choice.index, delta: {}, ...fields }
      : { index: choice.index, text: "", ...fields };
    this.#pending += `${this.#head}${JSON.stringify(c)}${this.#tail}`;
    if (this.#open > 0) return;
    if (this.#plan.includeUsage) {
      const p = this.#plan.usagePromptTokens;
      const usage = {
        prompt_tokens: p,
        completion_tokens: this.#completionTokens,
        total_tokens: p + this.#completionTokens,
      };
      this.#pending += `${this.#head}]${`,"usage":${JSON.stringify(usage)}`}}\n\n`;
    }
    this.#pending += "data: [DONE]\n\n";
    this.flush();
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#controller?.close();
    } catch { /* already closed by the client */ }
  }
}
