/**
 * Forwarding one request through the router: pick a replica (the pure choice in select.ts), send
 * the body, retry on another replica when the first was leaving or unreachable and nothing was
 * produced, then relay the response unchanged while measuring it (stream_meter.ts) and record the
 * outcome.
 *
 * All mutable routing state is one {@linkcode RouterState} record, changed only here and on one
 * event loop: the outstanding requests per replica and the round-robin cursor.
 *
 * @module
 */
import type { Logger } from "../../runtime/log.ts";
import { pickLeastOutstanding } from "./select.ts";
import { createStreamMeter, type MeterResult, type StreamMeter } from "./stream_meter.ts";

/** A replica the router may use now. */
export interface RouterBackend {
  /** Replica id (the outstanding count and the failure attribution are keyed by it). */
  readonly id: string;
  /** The replica's variant, copied into its records. */
  readonly variant: string;
  /** Base URL without `/v1`. */
  readonly url: string;
}

/** One request as the router saw it (times in ms on the router's clock). */
export interface RouteRecord {
  /** The replica that answered last; null when none was tried. */
  readonly replicaId: string | null;
  readonly variant: string | null;
  /** Arrival at the router. */
  readonly receivedAtMs: number;
  /** HTTP status sent to the client (the replica's, or the router's own 413/502/503). */
  readonly status: number;
  /** `cancelled`: the client went away; `failed`: an error status or a stream cut short. */
  readonly outcome: "ok" | "failed" | "cancelled";
  /** Why it failed. */
  readonly error?: string;
  /** Failed while its replica was draining or stopped. */
  readonly failedByScaleDown: boolean;
  /** Time from arrival at the router to the first content token. */
  readonly ttftMs: number | null;
  /** Mean gap between content tokens. */
  readonly itlMs: number | null;
  /** Content tokens relayed (streaming responses; 0 otherwise). */
  readonly tokens: number;
  /** Attempts moved to another replica because the first one was leaving (or unreachable). */
  readonly retries: number;
}

/**
 * The router's settings (defaults applied) and its mutable state. Later work (a bounded queue
 * for when no replica is ready, discovered endpoints, per-model counters) adds fields here.
 */
export interface RouterState {
  /** Replicas that may get new requests (ready, not draining). Read per request. */
  readonly backends: () => readonly RouterBackend[];
  /** Lifecycle state of a replica (`draining`, `stopped`, …) to attribute failures. */
  readonly stateOf: ((replicaId: string) => string | undefined) | undefined;
  /** Replicas tried per request. */
  readonly maxAttempts: number;
  /** Called once per request when it ends. */
  readonly onRecord: ((record: RouteRecord) => void) | undefined;
  /** Monotonic ms for latency. */
  readonly nowMs: () => number;
  /** Requests that failed on every attempt. */
  readonly log: Logger;
  /** Requests sent to each replica and not finished (the least-outstanding input). */
  readonly outstanding: Map<string, number>;
  /** Round-robin position among replicas tied on outstanding requests. */
  cursor: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LEAVING = new Set(["draining", "stopped"]);
const FORWARD_REQUEST = ["content-type", "accept", "authorization"];
const FORWARD_RESPONSE = ["content-type", "cache-control"];

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** An OpenAI-style error body. */
function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function leaving(s: RouterState, id: string): boolean {
  return LEAVING.has(s.stateOf?.(id) ?? "");
}

function bump(s: RouterState, id: string, by: number): void {
  s.outstanding.set(id, (s.outstanding.get(id) ?? 0) + by);
}

/** Chooses among `candidates` by least outstanding work; advances the tie-break cursor. */
function chooseBackend(
  s: RouterState,
  candidates: readonly RouterBackend[],
): RouterBackend | undefined {
  const id = pickLeastOutstanding(
    candidates.map((b) => ({ id: b.id, outstanding: s.outstanding.get(b.id) ?? 0 })),
    s.cursor++,
  );
  return candidates.find((b) => b.id === id);
}

function pickHeaders(from: Headers, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of names) {
    const v = from.get(h);
    if (v !== null) out[h] = v;
  }
  return out;
}

type RecordFn = (r: Omit<RouteRecord, "receivedAtMs">) => void;

/** Why the last attempt did not produce a response to relay. */
interface AttemptFailure {
  readonly status: number;
  readonly error: string;
  readonly backend: RouterBackend | null;
}

/** The request as forwarded to a replica. */
interface Upstream {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: ArrayBuffer;
}

/** Routes one completion request: up to `maxAttempts` replicas, then relay or fail. */
export async function proxy(s: RouterState, req: Request, path: string): Promise<Response> {
  const receivedAtMs = s.nowMs();
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) {
    return json(413, errorBody("request body too large", "BadRequestError"));
  }
  const up: Upstream = {
    path,
    body: await req.arrayBuffer(),
    headers: pickHeaders(req.headers, FORWARD_REQUEST),
  };
  const record: RecordFn = (r) => s.onRecord?.({ receivedAtMs, ...r });
  const tried = new Set<string>();
  let retries = 0;
  let last: AttemptFailure = { status: 503, error: "no ready replica", backend: null };
  for (let attempt = 0; attempt < s.maxAttempts; attempt++) {
    const backend = chooseBackend(s, s.backends().filter((b) => !tried.has(b.id)));
    if (!backend) break;
    tried.add(backend.id);
    const sent = await forward(s, backend, up);
    if ("failure" in sent) {
      last = sent.failure;
      retries++;
      continue;
    }
    return relay(s, sent.response, backend, { record, retries, receivedAtMs, abort: sent.abort });
  }
  const byScaleDown = last.backend !== null && leaving(s, last.backend.id);
  record({
    ...empty(last.backend),
    status: last.status,
    outcome: "failed",
    error: last.error,
    failedByScaleDown: byScaleDown,
    retries,
  });
  s.log.warn("route-failed", { status: last.status, error: last.error, retries });
  return json(last.status, errorBody(last.error, "ServiceUnavailableError"));
}

/**
 * Sends to one replica, counting it outstanding. A connection error, or a 503 from a replica that
 * is leaving, produced nothing yet: it is uncounted and returned as a failure to retry.
 */
async function forward(
  s: RouterState,
  backend: RouterBackend,
  up: Upstream,
): Promise<{ response: Response; abort: AbortController } | { failure: AttemptFailure }> {
  bump(s, backend.id, 1);
  // Not `req.signal`: Deno (legacy mode) also aborts it after a successful response. A
  // client that goes away cancels the response body instead, which aborts this.
  const abort = new AbortController();
  let response: Response;
  try {
    response = await fetch(`${backend.url}${up.path}`, {
      method: "POST",
      headers: up.headers,
      body: up.body,
      signal: abort.signal,
    });
  } catch (err) {
    bump(s, backend.id, -1);
    return { failure: { status: 502, error: (err as Error).message, backend } };
  }
  if (response.status === 503 && leaving(s, backend.id)) {
    // The replica started draining after it was picked: nothing was produced, try another.
    await response.body?.cancel();
    bump(s, backend.id, -1);
    return { failure: { status: 503, error: "replica draining", backend } };
  }
  return { response, abort };
}

function empty(b: RouterBackend | null) {
  return {
    replicaId: b?.id ?? null,
    variant: b?.variant ?? null,
    failedByScaleDown: false,
    ttftMs: null,
    itlMs: null,
    tokens: 0,
  };
}

/** What `relay` needs to record the outcome. */
interface RelayContext {
  readonly record: RecordFn;
  readonly retries: number;
  readonly receivedAtMs: number;
  /** Aborts the upstream fetch (the client went away). */
  readonly abort: AbortController;
}

type Outcome = RouteRecord["outcome"];

/** Streams the replica's response to the client unchanged, measuring it; records once at the end. */
function relay(
  s: RouterState,
  upstream: Response,
  backend: RouterBackend,
  ctx: RelayContext,
): Response {
  const isStream = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
  const meter = createStreamMeter(isStream, s.nowMs);
  let finished = false;
  const finish = (outcome: Outcome, error?: string) => {
    if (finished) return;
    finished = true;
    bump(s, backend.id, -1);
    ctx.record(finishedRecord(s, upstream, backend, meter.end(), outcome, error, ctx));
  };
  const headers = {
    "x-wva-replica": backend.id,
    ...pickHeaders(upstream.headers, FORWARD_RESPONSE),
  };
  if (upstream.body === null) {
    finish("ok");
    return new Response(null, { status: upstream.status, headers });
  }
  const body = meteredBody(upstream.body.getReader(), meter, finish, ctx.abort);
  return new Response(body, { status: upstream.status, headers });
}

/** The client-facing body: pulls from the replica, feeds the meter, finishes on end or error. */
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
  s: RouterState,
  upstream: Response,
  backend: RouterBackend,
  m: MeterResult,
  outcome: Outcome,
  error: string | undefined,
  ctx: RelayContext,
): Omit<RouteRecord, "receivedAtMs"> {
  const ok = outcome === "ok" && upstream.ok && m.complete;
  const result = outcome === "ok" && !ok ? "failed" : outcome;
  const why = error ??
    (upstream.ok ? m.streamError ?? "stream ended without [DONE]" : `HTTP ${upstream.status}`);
  return {
    replicaId: backend.id,
    variant: backend.variant,
    status: upstream.status,
    outcome: result,
    ...(result === "failed" && why ? { error: why } : {}),
    failedByScaleDown: result === "failed" && leaving(s, backend.id),
    ttftMs: m.firstTokenAtMs === null ? null : m.firstTokenAtMs - ctx.receivedAtMs,
    itlMs: m.gapsMs.length > 0 ? m.gapsMs.reduce((a, b) => a + b, 0) / m.gapsMs.length : null,
    tokens: m.tokens,
    retries: ctx.retries,
  };
}
