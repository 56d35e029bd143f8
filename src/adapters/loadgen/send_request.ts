/**
 * Sends one OpenAI-compatible request and measures it as a user would feel it: time to the first
 * content token, every gap between content chunks, and time to the end of the answer. Failures
 * are classified ({@linkcode ErrorClass}) instead of thrown, so the runner only ever counts.
 *
 * @module
 */
import type { Clock } from "../../runtime/clock.ts";
import { type ErrorClass, errorClassForStatus } from "../../core/load/record.ts";
import { chunkContent, type ContentChunk, createSseParser } from "../../core/load/sse.ts";

/** Everything needed to send one request. */
export interface PreparedRequest {
  /** Full endpoint URL, e.g. `http://host:8000/v1/chat/completions`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body text. */
  readonly body: string;
  readonly stream: boolean;
}

/** Raw timings on the caller's clock (ms) plus outcome; the runner turns it into a record. */
export interface Measurement {
  readonly sentAtMs: number;
  readonly doneAtMs: number;
  readonly firstTokenAtMs: number | null;
  readonly itlMs: readonly number[];
  /** Content chunks seen (streaming) — the token count when the server sends no usage. */
  readonly contentChunks: number;
  readonly usagePromptTokens: number | null;
  readonly usageCompletionTokens: number | null;
  readonly status: number;
  readonly ok: boolean;
  readonly errorClass: ErrorClass | null;
  readonly error?: string;
}

/** Dependencies and limits of {@linkcode sendRequest}. */
export interface SendOptions {
  /** Monotonic clock (sub-ms readings recommended); also times the timeout. */
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Aborts the request as `cancelled` (Ctrl-C, end of drain). */
  readonly cancel: AbortSignal;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

interface StreamState {
  first: number | null;
  last: number;
  itl: number[];
  chunks: number;
  promptTokens: number | null;
  completionTokens: number | null;
  done: boolean;
  streamError: string | null;
}

interface ChunkJson extends ContentChunk {
  error?: { message?: string } | string;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

function onEvent(state: StreamState, data: string, atMs: number): void {
  if (data === "[DONE]") {
    state.done = true;
    return;
  }
  let chunk: ChunkJson;
  try {
    chunk = JSON.parse(data) as ChunkJson;
  } catch {
    state.streamError ??= `invalid JSON in stream: ${data.slice(0, 80)}`;
    return;
  }
  if (chunk.error !== undefined) {
    const e = chunk.error;
    state.streamError ??= typeof e === "string" ? e : e.message ?? "error event";
    return;
  }
  if (chunk.usage) {
    if (typeof chunk.usage.prompt_tokens === "number") {
      state.promptTokens = chunk.usage.prompt_tokens;
    }
    if (typeof chunk.usage.completion_tokens === "number") {
      state.completionTokens = chunk.usage.completion_tokens;
    }
  }
  if (chunkContent(chunk) === undefined) return;
  state.chunks++;
  if (state.first === null) state.first = atMs;
  else state.itl.push(atMs - state.last);
  state.last = atMs;
}

async function readStream(res: Response, state: StreamState, nowMs: () => number): Promise<void> {
  let at = 0;
  const parser = createSseParser((data) => onEvent(state, data, at));
  if (res.body === null) {
    state.streamError = "response has no body";
    return;
  }
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    at = nowMs();
    if (done) break;
    parser.push(decoder.decode(value, { stream: true }));
  }
  parser.push(decoder.decode());
  parser.end();
}

async function errorDetail(res: Response): Promise<string> {
  const text = (await res.text().catch(() => "")).slice(0, 500);
  try {
    const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const msg = typeof j.error === "string" ? j.error : j.error?.message ?? j.message;
    if (msg) return `HTTP ${res.status}: ${msg.slice(0, 200)}`;
  } catch { /* not JSON */ }
  return `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

/**
 * Sends `req`, reading the SSE stream (or the JSON answer when not streaming) to the end.
 * Never throws: every failure comes back as a {@linkcode Measurement} with an error class.
 */
export async function sendRequest(
  req: PreparedRequest,
  options: SendOptions,
): Promise<Measurement> {
  const doFetch = options.fetch ?? fetch;
  const nowMs = (): number => options.clock.nowMs();
  const timeoutCtl = new AbortController();
  const finished = new AbortController();
  options.clock.sleep(options.timeoutMs, finished.signal).then(() => timeoutCtl.abort(), () => {});
  const timeout = timeoutCtl.signal;
  const signal = AbortSignal.any([options.cancel, timeout]);
  const sentAtMs = nowMs();
  const state: StreamState = {
    first: null,
    last: 0,
    itl: [],
    chunks: 0,
    promptTokens: null,
    completionTokens: null,
    done: false,
    streamError: null,
  };
  let status = 0;
  let errorClass: ErrorClass | null = null;
  let error: string | undefined;
  try {
    const res = await doFetch(req.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...req.headers },
      body: req.body,
      signal,
    });
    status = res.status;
    if (!res.ok) {
      errorClass = errorClassForStatus(res.status);
      error = await errorDetail(res);
    } else if (req.stream) {
      await readStream(res, state, nowMs);
      if (state.streamError !== null) [errorClass, error] = ["stream", state.streamError];
      else if (!state.done) [errorClass, error] = ["stream", "stream ended without [DONE]"];
    } else {
      const json = (await res.json()) as ChunkJson;
      state.first = nowMs();
      state.promptTokens = json.usage?.prompt_tokens ?? null;
      state.completionTokens = json.usage?.completion_tokens ?? null;
    }
  } catch (err) {
    if (options.cancel.aborted) [errorClass, error] = ["cancelled", "cancelled"];
    else if (timeout.aborted) {
      [errorClass, error] = ["timeout", `no answer within ${options.timeoutMs} ms`];
    } else [errorClass, error] = [status === 0 ? "connection" : "stream", describe(err)];
  }
  finished.abort();
  const ok = errorClass === null;
  return {
    sentAtMs,
    doneAtMs: nowMs(),
    firstTokenAtMs: state.first,
    itlMs: state.itl,
    contentChunks: state.chunks,
    usagePromptTokens: state.promptTokens,
    usageCompletionTokens: state.completionTokens,
    status,
    ok,
    errorClass,
    ...(error !== undefined ? { error } : {}),
  };
}
