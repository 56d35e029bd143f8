/**
 * An incremental Server-Sent Events parser for OpenAI-style streams: feed it text as it arrives
 * (chunks may split lines anywhere) and it calls back once per event with the event's `data`.
 * Only the `data` field matters for OpenAI streams; comments and other fields are skipped.
 * {@linkcode chunkContent} is the one definition of a content chunk, on which both the load
 * generator and the demo's router time tokens (TTFT, ITL).
 *
 * @module
 */

/** Receives the joined `data:` lines of one event (e.g. a JSON chunk or `[DONE]`). */
export type SseDataHandler = (data: string) => void;

/** A push parser; call {@linkcode SseParser.end} when the stream closes to flush a last event. */
export interface SseParser {
  push(text: string): void;
  end(): void;
}

/**
 * Creates a parser that calls `onData` per complete event (blank-line terminated, LF or CRLF).
 *
 * @example
 * ```ts
 * import { createSseParser } from "./sse.ts";
 * const got: string[] = [];
 * const p = createSseParser((d) => got.push(d));
 * p.push("data: {\"a\"");
 * p.push(":1}\n\ndata: [DONE]\n\n");
 * if (got.length !== 2 || got[1] !== "[DONE]") throw new Error("bad");
 * ```
 */
export function createSseParser(onData: SseDataHandler): SseParser {
  let buffer = "";
  let data: string[] = [];
  function line(raw: string): void {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text === "") {
      if (data.length) onData(data.join("\n"));
      data = [];
      return;
    }
    if (text.startsWith("data:")) {
      data.push(text.charCodeAt(5) === 32 ? text.slice(6) : text.slice(5));
    }
  }
  return {
    push(text: string): void {
      buffer += text;
      let start = 0;
      for (;;) {
        const nl = buffer.indexOf("\n", start);
        if (nl < 0) break;
        line(buffer.slice(start, nl));
        start = nl + 1;
      }
      buffer = start === 0 ? buffer : buffer.slice(start);
    },
    end(): void {
      if (buffer !== "") line(buffer);
      buffer = "";
      line("");
    },
  };
}

/** The part of an OpenAI stream chunk (chat or completions) that carries text. */
export interface ContentChunk {
  readonly choices?: ReadonlyArray<
    { readonly delta?: { readonly content?: unknown }; readonly text?: unknown }
  >;
}

/**
 * The text of a stream chunk (chat `delta.content`, else completions `text`, first choice), or
 * undefined when it carries none (role-only, usage-only and finish chunks do not count as tokens).
 */
export function chunkContent(chunk: ContentChunk): string | undefined {
  const c = chunk.choices?.[0];
  const text = c?.delta?.content ?? c?.text;
  return typeof text === "string" && text !== "" ? text : undefined;
}
