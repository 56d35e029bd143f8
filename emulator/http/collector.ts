/**
 * The non-streaming response of one request: counts tokens per choice and, when every choice
 * has finished, answers with one `chat.completion` or `text_completion` JSON body.
 *
 * A request that finishes within the hold time (`responseHoldMs`) is answered whole, with a
 * content-length, as vLLM does; this is also Deno's cheapest response. A longer one sends its
 * status and headers when the hold time passes and its body when it finishes: a streamed body is
 * how Deno.serve tells us the client went away (its `cancel`), without relying on
 * `request.signal`, which Deno also aborts after successful responses (legacy behaviour, with a
 * warning on stderr). So a client that leaves is noticed at most the hold time late.
 *
 * No write is needed for `cancel` to fire: Deno.serve pumps a `ReadableStream` body through a
 * stream resource and also awaits that resource's close (`op_readable_stream_resource_await_close`
 * in ext/web's `resourceForReadableStream`); when the connection closes or an HTTP/2 stream is
 * reset, the resource closes and Deno cancels the reader, so a body that is still empty is
 * cancelled within milliseconds; a body handed to a connection that is already closed is
 * cancelled at once. tests/emulator/disconnect_test.ts holds this (and the abort count and freed
 * seat) for every way a client can leave, under Deno 2.9.6.
 *
 * @module
 */
import type { SequenceSink } from "../sink_outbox.ts";
import type { DeadlineHandle } from "../deadline_queue.ts";
import { errorResponse } from "./errors.ts";
import type { ChoicePlan, RequestPlan } from "./plan.ts";
import type { DoneChoice } from "./render.ts";
import { utf8 } from "./frame_arena.ts";

/** What the collector needs from the server: a shared hold timer. */
export interface HoldTimer {
  hold(delayMs: number, fn: () => void): DeadlineHandle;
}

const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" };

/** Collects the choices of one request and answers when all are done. */
export class ResponseCollector {
  /** Resolves with the response: whole when done in time, else streamed after the hold. */
  readonly response: Promise<Response>;
  /** Called when the client goes away before the end. */
  onCancel: () => void = () => {};
  readonly #plan: RequestPlan;
  readonly #render: (done: readonly DoneChoice[]) => string;
  readonly #done: DoneChoice[] = [];
  #resolve!: (r: Response) => void;
  #hold: DeadlineHandle | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** True once the status and headers went out (streamed body). */
  #released = false;

  /** @param render builds the JSON body from the finished choices. */
  constructor(plan: RequestPlan, render: (done: readonly DoneChoice[]) => string) {
    this.#plan = plan;
    this.#render = render;
    this.response = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Starts the hold once the request is accepted (0 ms: status and headers at once). */
  start(holdMs: number, timer: HoldTimer): void {
    if (this.#released || this.#done.length === this.#plan.choices.length) return;
    if (holdMs <= 0) this.#release();
    else this.#hold = timer.hold(holdMs, () => this.#release());
  }

  /** The sink for one choice. */
  sinkFor(choice: ChoicePlan): SequenceSink {
    return {
      onToken: () => {},
      onFinish: (reason, timing) => {
        this.#done.push({
          choice,
          reason,
          tokens: timing.generatedTokens,
          cached: timing.cachedPromptTokens,
        });
        if (this.#done.length === this.#plan.choices.length) this.#complete();
      },
      flush: () => {},
    };
  }

  /** Sends status and headers now; the body follows when the request finishes. */
  #release(): void {
    if (this.#released) return;
    this.#released = true;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => this.onCancel(),
    });
    this.#resolve(new Response(body, { status: 200, headers: JSON_HEADERS }));
  }

  #complete(): void {
    const aborted = this.#done.some((d) => d.reason === "abort");
    if (!this.#released) {
      this.#hold?.cancel();
      this.#released = true;
      this.#resolve(
        aborted
          ? errorResponse(503, "The server stopped before the request finished.")
          : new Response(this.#render(this.#done), { status: 200, headers: JSON_HEADERS }),
      );
      return;
    }
    try {
      if (!aborted) this.#controller?.enqueue(utf8(this.#render(this.#done)));
      this.#controller?.close();
    } catch { /* the client is gone */ }
  }
}
