/**
 * A small HTTP router in front of a pool of OpenAI-compatible replicas (the demo's "inference
 * gateway"). `POST /v1/chat/completions` and `POST /v1/completions` go to the ready replica with
 * the least outstanding requests (select.ts); responses stream through unchanged (SSE chunks are
 * forwarded as they arrive, with backpressure), and each is measured on the way (stream_meter.ts).
 *
 * Scale-down safety: the router asks `backends()` on every request, so a replica the pool has
 * started to drain gets no new request. A request that still raced to a leaving replica (503
 * from a draining server, or connection refused) has not produced a byte yet and is retried on
 * another replica. Any request that fails anyway while its replica is draining or stopped is
 * counted as `failedByScaleDown` — the number the demo promises to keep at zero.
 *
 * @module
 */
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import { pickLeastOutstanding } from "./select.ts";
import { createStreamMeter } from "./stream_meter.ts";

/** A replica the router may use now. */
export interface RouterBackend {
  readonly id: string;
  readonly variant: string;
  /** Base URL without `/v1`. */
  readonly url: string;
}

/** One request as the router saw it (times in ms on the router's clock). */
export interface RouteRecord {
  readonly replicaId: string | null;
  readonly variant: string | null;
  readonly receivedAtMs: number;
  readonly status: number;
  readonly outcome: "ok" | "failed" | "cancelled";
  readonly error?: string;
  /** Failed while its replica was draining or stopped. */
  readonly failedByScaleDown: boolean;
  /** Time from arrival at the router to the first content token. */
  readonly ttftMs: number | null;
  /** Mean gap between content tokens. */
  readonly itlMs: number | null;
  readonly tokens: number;
  /** Attempts moved to another replica because the first one was leaving (or unreachable). */
  readonly retries: number;
}

/** Options of {@linkcode startRouter}. */
export interface RouterOptions {
  /** Replicas that may get new requests (ready, not draining). Read per request. */
  readonly backends: () => readonly RouterBackend[];
  /** Lifecycle state of a replica (`draining`, `stopped`, …) to attribute failures. */
  readonly stateOf?: (replicaId: string) => string | undefined;
  /** Served model id for `GET /v1/models`. */
  readonly modelId: string;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Replicas tried per request. @default 3 */
  readonly maxAttempts?: number;
  readonly onRecord?: (record: RouteRecord) => void;
  /** Monotonic ms for latency. @default performance.now */
  readonly nowMs?: () => number;
  readonly logger?: Logger;
}

/** A running router. */
export interface RouterHandle {
  /** Base URL without `/v1`. */
  readonly url: string;
  readonly port: number;
  /** Requests sent to a replica and not finished. */
  outstanding(replicaId: string): number;
  /** Closes the listener (in-flight responses are cut). */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LEAVING = new Set(["draining", "stopped"]);
const FORWARD_REQUEST = ["content-type", "accept", "authorization"];
const FORWARD_RESPONSE = ["content-type", "cache-control"];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

/** Starts the router. */
export function startRouter(options: RouterOptions): RouterHandle {
  const now = options.nowMs ?? (() => performance.now());
  const log = options.logger ?? NULL_LOGGER;
  const maxAttempts = options.maxAttempts ?? 3;
  const outstanding = new Map<string, number>();
  let cursor = 0;
  const leaving = (id: string) => LEAVING.has(options.stateOf?.(id) ?? "");
  const bump = (id: string, by: number) => outstanding.set(id, (outstanding.get(id) ?? 0) + by);

  async function proxy(req: Request, path: string): Promise<Response> {
    const receivedAtMs = now();
    const length = Number(req.headers.get("content-length") ?? "0");
    if (length > MAX_BODY_BYTES) {
      return json(413, errorBody("request body too large", "BadRequestError"));
    }
    const body = await req.arrayBuffer();
    const headers: Record<string, string> = {};
    for (const h of FORWARD_REQUEST) {
      const v = req.headers.get(h);
      if (v !== null) headers[h] = v;
    }
    const record = (r: Omit<RouteRecord, "receivedAtMs">) =>
      options.onRecord?.({ receivedAtMs, ...r });
    const tried = new Set<string>();
    let retries = 0;
    let last: { status: number; error: string; backend: RouterBackend | null } = {
      status: 503,
      error: "no ready replica",
      backend: null,
    };
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const candidates = options.backends().filter((b) => !tried.has(b.id));
      const id = pickLeastOutstanding(
        candidates.map((b) => ({ id: b.id, outstanding: outstanding.get(b.id) ?? 0 })),
        cursor++,
      );
      const backend = candidates.find((b) => b.id === id);
      if (!backend) break;
      tried.add(backend.id);
      bump(backend.id, 1);
      // Not `req.signal`: Deno (legacy mode) also aborts it after a successful response. A
      // client that goes away cancels the response body instead, which aborts this.
      const upstreamAbort = new AbortController();
      let upstream: Response;
      try {
        upstream = await fetch(`${backend.url}${path}`, {
          method: "POST",
          headers,
          body,
          signal: upstreamAbort.signal,
        });
      } catch (err) {
        bump(backend.id, -1);
        last = { status: 502, error: (err as Error).message, backend };
        retries++;
        continue;
      }
      if (upstream.status === 503 && leaving(backend.id)) {
        // The replica started draining after it was picked: nothing was produced, try another.
        await upstream.body?.cancel();
        bump(backend.id, -1);
        last = { status: 503, error: "replica draining", backend };
        retries++;
        continue;
      }
      return relay(upstream, backend, { record, retries, receivedAtMs, abort: upstreamAbort });
    }
    const byScaleDown = last.backend !== null && leaving(last.backend.id);
    record({
      ...empty(last.backend),
      status: last.status,
      outcome: "failed",
      error: last.error,
      failedByScaleDown: byScaleDown,
      retries,
    });
    log.warn("route-failed", { status: last.status, error: last.error, retries });
    return json(last.status, errorBody(last.error, "ServiceUnavailableError"));
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

  function relay(
    upstream: Response,
    backend: RouterBackend,
    ctx: {
      record: (r: Omit<RouteRecord, "receivedAtMs">) => void;
      retries: number;
      receivedAtMs: number;
      abort: AbortController;
    },
  ): Response {
    const isStream = (upstream.headers.get("content-type") ?? "").includes("text/event-stream");
    const meter = createStreamMeter(isStream, now);
    let finished = false;
    const finish = (outcome: "ok" | "failed" | "cancelled", error?: string) => {
      if (finished) return;
      finished = true;
      bump(backend.id, -1);
      const m = meter.end();
      const ok = outcome === "ok" && upstream.ok && m.complete;
      const result = outcome === "ok" && !ok ? "failed" : outcome;
      const why = error ??
        (upstream.ok ? m.streamError ?? "stream ended without [DONE]" : `HTTP ${upstream.status}`);
      ctx.record({
        replicaId: backend.id,
        variant: backend.variant,
        status: upstream.status,
        outcome: result,
        ...(result === "failed" && why ? { error: why } : {}),
        failedByScaleDown: result === "failed" && leaving(backend.id),
        ttftMs: m.firstTokenAtMs === null ? null : m.firstTokenAtMs - ctx.receivedAtMs,
        itlMs: m.gapsMs.length > 0 ? m.gapsMs.reduce((a, b) => a + b, 0) / m.gapsMs.length : null,
        tokens: m.tokens,
        retries: ctx.retries,
      });
    };
    const headers: Record<string, string> = { "x-wva-replica": backend.id };
    for (const h of FORWARD_RESPONSE) {
      const v = upstream.headers.get(h);
      if (v !== null) headers[h] = v;
    }
    if (upstream.body === null) {
      finish("ok");
      return new Response(null, { status: upstream.status, headers });
    }
    const reader = upstream.body.getReader();
    const body = new ReadableStream<Uint8Array>({
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
          finish(ctx.abort.signal.aborted ? "cancelled" : "failed", (err as Error).message);
          ctl.error(err);
        }
      },
      cancel(reason) {
        finish("cancelled");
        ctx.abort.abort();
        return reader.cancel(reason).catch(() => {});
      },
    });
    return new Response(body, { status: upstream.status, headers });
  }

  const server = Deno.serve({
    hostname: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && (path === "/v1/chat/completions" || path === "/v1/completions")) {
      return proxy(req, path);
    }
    if (req.method === "GET" && path === "/v1/models") {
      return json(200, {
        object: "list",
        data: [{ id: options.modelId, object: "model", owned_by: "wva-demo" }],
      });
    }
    if (req.method === "GET" && (path === "/health" || path === "/health/ready")) {
      const ready = options.backends().length > 0;
      return json(ready || path === "/health" ? 200 : 503, {
        status: ready ? "ready" : "no replica",
      });
    }
    return json(404, { detail: "Not Found" });
  });
  const port = server.addr.port;
  const host = server.addr.hostname;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    outstanding: (id) => outstanding.get(id) ?? 0,
    async stop() {
      await server.shutdown();
    },
  };
}
