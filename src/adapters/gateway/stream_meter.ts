/**
 * Measures a response as it passes through the router, without changing a byte: time to the
 * first content token and the gaps between content tokens of an OpenAI SSE stream (the same
 * definition of a content chunk as the load generator uses), and whether the stream ended with
 * `[DONE]`. A stream that ends without it was cut off — a failure even if the socket closed
 * cleanly.
 *
 * @module
 */
import { chunkContent, type ContentChunk, createSseParser } from "../../core/load/sse.ts";

/** What the meter saw. */
export interface MeterResult {
  /** Time of the first content token (ms on the meter's clock), or null. */
  readonly firstTokenAtMs: number | null;
  /** Gaps between consecutive content tokens (ms). */
  readonly gapsMs: readonly number[];
  readonly tokens: number;
  /** Streaming: `[DONE]` was received. Non-streaming: always true. */
  readonly complete: boolean;
  /** An error event inside the stream, if any. */
  readonly streamError?: string;
}

/** A meter fed with the response's bytes. */
export interface StreamMeter {
  push(chunk: Uint8Array): void;
  /** Call once at the end of the body. */
  end(): MeterResult;
}

interface Chunk extends ContentChunk {
  error?: unknown;
}

/** Creates a meter; `stream` false treats the body as one JSON answer (token time = end). */
export function createStreamMeter(stream: boolean, nowMs: () => number): StreamMeter {
  const decoder = new TextDecoder();
  let first: number | null = null;
  let last = 0;
  let tokens = 0;
  let done = false;
  let streamError: string | undefined;
  const gaps: number[] = [];
  let at = 0;
  const parser = createSseParser((data) => {
    if (data === "[DONE]") {
      done = true;
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return;
    }
    if (chunk.error !== undefined) {
      streamError ??= JSON.stringify(chunk.error).slice(0, 200);
      return;
    }
    if (chunkContent(chunk) === undefined) return;
    tokens++;
    if (first === null) first = at;
    else gaps.push(at - last);
    last = at;
  });
  return {
    push(chunk) {
      at = nowMs();
      if (stream) parser.push(decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (!stream) {
        return { firstTokenAtMs: nowMs(), gapsMs: [], tokens: 0, complete: true };
      }
      parser.push(decoder.decode());
      parser.end();
      return {
        firstTokenAtMs: first,
        gapsMs: gaps,
        tokens,
        complete: done && streamError === undefined,
        ...(streamError !== undefined ? { streamError } : {}),
      };
    },
  };
}
