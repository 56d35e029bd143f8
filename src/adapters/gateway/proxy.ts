/**
 * One completion request through the gateway: read the body, find the target model
 * (target.ts), get an endpoint from flow control (at once, or after queueing), send the body,
 * move to another endpoint when the first was leaving or unreachable and nothing was produced,
 * then relay the response unchanged while measuring it (relay.ts) and record the outcome.
 *
 * @module
 */
import { errorResponse } from "../../../emulator/http/errors.ts";
import type { Endpoint } from "./endpoints.ts";
import { acquire, type GatewayState, release } from "./flow_control.ts";
import { pickHeaders, type RecordFn, relay } from "./relay.ts";
import { targetModel } from "./target.ts";

/** One request as the gateway saw it (times in ms on the gateway's clock). */
export interface RouteRecord {
  /** The endpoint that answered last; null when none was tried. */
  readonly replicaId: string | null;
  readonly variant: string | null;
  /** Arrival at the gateway. */
  readonly receivedAtMs: number;
  /** The target model; absent when the request named none the gateway serves. */
  readonly model?: string;
  /** HTTP status sent to the client (the endpoint's, or the gateway's own 4xx/5xx). */
  readonly status: number;
  /** `cancelled`: the client went away; `failed`: an error status or a stream cut short. */
  readonly outcome: "ok" | "failed" | "cancelled";
  /** Why it failed. */
  readonly error?: string;
  /** Failed while its endpoint was leaving (draining, terminating, stopped). */
  readonly failedByScaleDown: boolean;
  /** Time from arrival at the gateway to the first content token (queueing included). */
  readonly ttftMs: number | null;
  /** Mean gap between content tokens. */
  readonly itlMs: number | null;
  /** Content tokens relayed (streaming responses; 0 otherwise). */
  readonly tokens: number;
  /** Attempts moved to another endpoint because the first one was leaving (or unreachable). */
  readonly retries: number;
  /** Time from arrival to getting the endpoint that answered (the flow-control queue). */
  readonly queuedMs?: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const FORWARD_REQUEST = ["content-type", "accept", "authorization"];

/** The request as forwarded to an endpoint. */
interface Upstream {
  readonly model: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array<ArrayBuffer>;
}

/** Why the last attempt produced nothing to relay. */
interface AttemptFailure {
  readonly status: number;
  readonly error: string;
  readonly endpoint: Endpoint | null;
}

function empty(e: Endpoint | null) {
  return {
    replicaId: e?.id ?? null,
    variant: e?.variant ?? null,
    failedByScaleDown: false,
    ttftMs: null,
    itlMs: null,
    tokens: 0,
  };
}

/** Routes one completion request (`path`: `/v1/chat/completions` or `/v1/completions`). */
export async function proxy(s: GatewayState, req: Request, path: string): Promise<Response> {
  const receivedAtMs = s.nowMs();
  const early = (status: number, message: string, param: string | null = null) => {
    s.onRecord?.({
      receivedAtMs,
      ...empty(null),
      status,
      outcome: "failed",
      error: message,
      retries: 0,
    });
    return errorResponse(status, message, { param });
  };
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) {
    return early(413, "request body too large");
  }
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.byteLength > MAX_BODY_BYTES) return early(413, "request body too large");
  const target = targetModel(body, s.source.models());
  if (!("model" in target)) return early(target.status, target.message, target.param);
  s.counters.arrival(target.model);
  const up: Upstream = {
    model: target.model,
    path,
    body,
    headers: pickHeaders(req.headers, FORWARD_REQUEST),
  };
  const record: RecordFn = (r) => s.onRecord?.({ receivedAtMs, model: target.model, ...r });
  return await dispatch(s, up, { receivedAtMs, record, signal: () => req.signal });
}

/** Up to `maxAttempts` endpoints (each from flow control), then relay or give up. */
async function dispatch(
  s: GatewayState,
  up: Upstream,
  r: { receivedAtMs: number; record: RecordFn; signal: () => AbortSignal },
): Promise<Response> {
  const tried = new Set<string>();
  let last: AttemptFailure = { status: 503, error: "no endpoint tried", endpoint: null };
  for (let attempt = 0; attempt < s.maxAttempts; attempt++) {
    const grant = await acquire(s, {
      model: up.model,
      bytes: up.body.byteLength,
      exclude: tried,
      sinceMs: r.receivedAtMs,
      retry: attempt > 0,
      signal: r.signal,
    });
    if ("cancelled" in grant) {
      r.record({ ...empty(last.endpoint), status: 499, outcome: "cancelled", retries: attempt });
      return errorResponse(499, "client closed the request while it was queued");
    }
    if ("refused" in grant) {
      const why = last.endpoint ? `${grant.reason} (last attempt: ${last.error})` : grant.reason;
      last = { status: grant.refused, error: why, endpoint: last.endpoint };
      break;
    }
    const endpoint = grant.endpoint;
    const queuedMs = s.nowMs() - r.receivedAtMs;
    tried.add(endpoint.id);
    const sent = await forward(s, endpoint, up);
    if ("failure" in sent) {
      release(s, up.model, endpoint);
      last = sent.failure;
      continue;
    }
    s.counters.attempt(up.model, "success", endpoint);
    return relay(sent.response, endpoint, {
      record: r.record,
      retries: attempt,
      receivedAtMs: r.receivedAtMs,
      queuedMs,
      abort: sent.abort,
      nowMs: s.nowMs,
      leaving: (id) => s.source.leaving(id),
      release: () => release(s, up.model, endpoint),
    });
  }
  return giveUp(s, up, last, { record: r.record, retries: tried.size });
}

/** The gateway gave up on a request before any endpoint answered it. */
function giveUp(
  s: GatewayState,
  up: Upstream,
  last: AttemptFailure,
  r: { record: RecordFn; retries: number },
): Response {
  const byScaleDown = last.endpoint !== null && s.source.leaving(last.endpoint.id);
  s.counters.attempt(up.model, "failure");
  r.record({
    ...empty(last.endpoint),
    status: last.status,
    outcome: "failed",
    error: last.error,
    failedByScaleDown: byScaleDown,
    retries: r.retries,
  });
  s.log.warn("route-failed", { model: up.model, status: last.status, error: last.error });
  const headers = last.status === 429 || last.status === 503 ? { "retry-after": "1" } : undefined;
  return errorResponse(last.status, last.error, headers ? { headers } : {});
}

/**
 * Sends to one endpoint (already counted outstanding by flow control). A connection error, or a
 * 503 from an endpoint that is leaving, produced nothing yet: returned as a failure to retry.
 */
async function forward(
  s: GatewayState,
  endpoint: Endpoint,
  up: Upstream,
): Promise<{ response: Response; abort: AbortController } | { failure: AttemptFailure }> {
  // Not `req.signal`: Deno (legacy mode) also aborts it after a successful response. A
  // client that goes away cancels the response body instead, which aborts this.
  const abort = new AbortController();
  let response: Response;
  try {
    response = await fetch(`${endpoint.url}${up.path}`, {
      method: "POST",
      headers: up.headers,
      body: up.body,
      signal: abort.signal,
    });
  } catch (err) {
    return { failure: { status: 502, error: (err as Error).message, endpoint } };
  }
  if (response.status === 503 && s.source.leaving(endpoint.id)) {
    // The endpoint started draining after it was picked: nothing was produced, try another.
    await response.body?.cancel();
    return { failure: { status: 503, error: "replica draining", endpoint } };
  }
  return { response, abort };
}
