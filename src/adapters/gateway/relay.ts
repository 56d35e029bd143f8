/**
 * Relaying a model server's response to the client unchanged (SSE chunks as they arrive, with
 * backpressure), measuring it on the way (stream_meter.ts), and recording the outcome once at
 * the end — which also frees the endpoint's slot for the queue.
 *
 * @module
 */
import type { Endpoint } from "./endpoints.ts";
import type { RouteRecord } from "./proxy.ts";
import { createStreamMeter, type MeterResult, type StreamMeter } from "./stream_meter.ts";

const FORWARD_RESPONSE = ["content-type", "cache-control"];

/** A record without the fields the dispatcher fills in. */
export type RecordFn = (r: Omit<RouteRecord, "receivedAtMs" | "model">) => void;

/** What `relay` needs to know and call. */
export interface RelayContext {
  readonly record: RecordFn;
  readonly retries: number;
  readonly receivedAtMs: number;
  /** Time from arrival to the endpoint's grant (ms). */
  readonly queuedMs: number;
  /** Aborts the upstream fetch (the client went away). */
  readonly abort: AbortController;
  /** Monotonic ms. */
  readonly nowMs: () => number;
  /** Whether the endpoint is on its way out (failures are then the scale-down's). */
  readonly leaving: (endpointId: string) => boolean;
  /** Frees the endpoint's slot; called once when the response ends. */
  readonly release: () => void;
}

type Outcome = RouteRecord["outcome"];

/** Copies the named headers that are present. */
export function pickHeaders(from: Headers, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of names) {
    const v = from.get(h);
    if (v !== null) out[h] = v;
  }
  return out;
}

/** Streams the endpoint's response to the client unchanged, measuring it; records at the end. */
export function relay(upstream: Response, endpoint: Endpoint, ctx: RelayContext): Response {
  const isStream = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  const meter = createStreamMeter(isStream, ctx.nowMs);
  let finished = false;
  const finish = (outcome: Outcome, error?: string) => {
    if (finished) return;
    finished = true;
    ctx.release();
    ctx.record(finishedRecord(upstream, endpoint, meter.end(), { outcome, error, ctx }));
  };
  const headers = {
    "x-wva-replica": endpoint.id,
    ...pickHeaders(upstream.headers, FORWARD_RESPONSE),
  };
  if (upstream.body === null) {
    finish("ok");
    return new Response(null, { status: upstream.status, headers });
  }
  const body = meteredBody(upstream.body.getReader(), meter, finish, ctx.abort);
  return new Response(body, { status: upstream.status, headers });
}

/** The client-facing body: pulls from the endpoint, feeds the meter, finishes on end or error. */
function meteredBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  meter: StreamMeter,
  finish: (outcome: Outcome, error?: string) => void,
  abort: AbortController,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          finish("ok");
          ctl.close();
          return;
        }
        meter.push(value);
        ctl.enqueue(value);
      } catch (err) {
        finish(abort.signal.aborted ? "cancelled" : "failed", (err as Error).message);
        ctl.error(err);
      }
    },
    cancel(reason) {
      finish("cancelled");
      abort.abort();
      return reader.cancel(reason).catch(() => {});
    },
  });
}

/** The record of a relayed response: ok only with a 2xx and a complete stream. */
function finishedRecord(
  upstream: Response,
  endpoint: Endpoint,
  m: MeterResult,
  end: { outcome: Outcome; error: string | undefined; ctx: RelayContext },
): Omit<RouteRecord, "receivedAtMs" | "model"> {
  const { outcome, ctx } = end;
  const ok = outcome === "ok" && upstream.ok && m.complete;
  const result = outcome === "ok" && !ok ? "failed" : outcome;
  const why = end.error ??
    (upstream.ok ? m.streamError ?? "stream ended without [DONE]" : `HTTP ${upstream.status}`);
  return {
    replicaId: endpoint.id,
    variant: endpoint.variant ?? null,
    status: upstream.status,
    outcome: result,
    ...(result === "failed" && why ? { error: why } : {}),
    failedByScaleDown: result === "failed" && ctx.leaving(endpoint.id),
    ttftMs: m.firstTokenAtMs === null ? null : m.firstTokenAtMs - ctx.receivedAtMs,
    itlMs: m.gapsMs.length > 0 ? m.gapsMs.reduce((a, b) => a + b, 0) / m.gapsMs.length : null,
    tokens: m.tokens,
    retries: ctx.retries,
    queuedMs: ctx.queuedMs,
  };
}
