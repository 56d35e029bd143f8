/**
 * The streaming response of one request: SSE frames in the OpenAI/vLLM chunk format, written
 * from engine events. Every constant part of a frame (the chunk head with id and model, the
 * choice prefix, the suffix, each vocabulary word) is encoded once, so a token costs a copy of a
 * few byte ranges into a shared arena (emulator/http/frame_arena.ts) and no string building. All
 * frames of one slice of engine events go out in one write.
 *
 * @module
 */
import type { FinishReason, SequenceTiming } from "../engine/types.ts";
import type { SequenceSink } from "../sink_outbox.ts";
import { FRAMES, utf8 } from "./frame_arena.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import { type ChoiceFramer, framerFor } from "./stream_frames.ts";

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

const DONE = utf8("data: [DONE]\n\n");

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
  #parts: Uint8Array[] = [];
  #bytes = 0;
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
    const framer: ChoiceFramer = framerFor(this.#plan, choice, this.#head, this.#tail);
    return {
      onToken: (index) => {
        this.#bytes += framer.token(index, this.#parts);
      },
      onFinish: (reason, timing) => this.#finishChoice(choice, reason, timing),
      flush: () => this.flush(),
    };
  }

  /** Writes what is pending (one chunk for everything produced since the last flush). */
  flush(): void {
    if (this.#parts.length === 0) return;
    const parts = this.#parts;
    const bytes = this.#bytes;
    this.#parts = [];
    this.#bytes = 0;
    if (this.#closed) return;
    try {
      this.#controller?.enqueue(FRAMES.join(parts, bytes));
    } catch {
      this.#closed = true;
    }
  }

  #push(part: Uint8Array): void {
    this.#parts.push(part);
    this.#bytes += part.length;
  }

  #finishChoice(choice: ChoicePlan, reason: FinishReason, timing: SequenceTiming): void {
    this.#completionTokens += timing.generatedTokens;
    this.#open--;
    if (reason === "abort") {
      this.#close();
      return;
    }
    const finish = reason === "stop" ? choice.finishAs ?? reason : reason;
    const fields = { logprobs: null, finish_reason: finish, stop_reason: null };
    const c = this.#plan.kind === "chat"
      ? { index: choice.index, delta: {}, ...fields }
      : { index: choice.index, text: "", ...fields };
    this.#push(utf8(`${this.#head}${JSON.stringify(c)}${this.#tail}`));
    if (this.#open > 0) return;
    if (this.#plan.includeUsage) {
      const p = this.#plan.usagePromptTokens;
      const usage = {
        prompt_tokens: p,
        completion_tokens: this.#completionTokens,
        total_tokens: p + this.#completionTokens,
      };
      this.#push(utf8(`${this.#head}]${`,"usage":${JSON.stringify(usage)}`}}\n\n`));
    }
    this.#push(DONE);
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
