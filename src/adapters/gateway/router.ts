/**
 * A small HTTP router in front of a pool of OpenAI-compatible replicas (the demo's "inference
 * gateway"). `POST /v1/chat/completions` and `POST /v1/completions` go to the ready replica with
 * the least outstanding requests (select.ts); responses stream through unchanged (SSE chunks are
 * forwarded as they arrive, with backpressure), and each is measured on the way (stream_meter.ts).
 * This file holds the listener and the dispatch; proxy.ts forwards one request and holds the
 * router's state record.
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
import { json, proxy, type RouterBackend, type RouteRecord, type RouterState } from "./proxy.ts";

export type { RouterBackend, RouteRecord };

/** Options of {@linkcode startRouter}. */
export interface RouterOptions {
  /** Replicas that may get new requests (ready, not draining). Read per request. */
  readonly backends: () => readonly RouterBackend[];
  /** Lifecycle state of a replica (`draining`, `stopped`, …) to attribute failures. */
  readonly stateOf?: (replicaId: string) => string | undefined;
  /** Served model id for `GET /v1/models`. */
  readonly modelId: string;
  /** Listen address (loopback: the demo's gateway is local). @default "127.0.0.1" */
  readonly host?: string;
  /** Listen port. @default 0 (any free port) */
  readonly port?: number;
  /** Replicas tried per request. @default 3 */
  readonly maxAttempts?: number;
  /** Called once per request when it ends (ok, failed or cancelled), for the demo's report. */
  readonly onRecord?: (record: RouteRecord) => void;
  /** Monotonic ms for latency. @default performance.now */
  readonly nowMs?: () => number;
  /** Requests that failed on every attempt. @default NULL_LOGGER */
  readonly logger?: Logger;
}

/** A running router. */
export interface RouterHandle {
  /** Base URL without `/v1`. */
  readonly url: string;
  /** The port it listens on (the one chosen when `port` was 0). */
  readonly port: number;
  /** Requests sent to a replica and not finished. */
  outstanding(replicaId: string): number;
  /** Closes the listener (in-flight responses are cut). */
  stop(): Promise<void>;
}

/** Starts the router. */
export function startRouter(options: RouterOptions): RouterHandle {
  const s: RouterState = {
    backends: options.backends,
    stateOf: options.stateOf,
    maxAttempts: options.maxAttempts ?? 3,
    onRecord: options.onRecord,
    nowMs: options.nowMs ?? (() => performance.now()),
    log: options.logger ?? NULL_LOGGER,
    outstanding: new Map(),
    cursor: 0,
  };
  const server = Deno.serve({
    hostname: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, (req) => handle(s, options.modelId, req));
  const port = server.addr.port;
  const host = server.addr.hostname;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    outstanding: (id) => s.outstanding.get(id) ?? 0,
    async stop() {
      await server.shutdown();
    },
  };
}

/** Dispatches by method and path: completions are proxied; models and health answered here. */
function handle(s: RouterState, modelId: string, req: Request): Response | Promise<Response> {
  const path = new URL(req.url).pathname;
  if (req.method === "POST" && (path === "/v1/chat/completions" || path === "/v1/completions")) {
    return proxy(s, req, path);
  }
  if (req.method === "GET" && path === "/v1/models") {
    return json(200, {
      object: "list",
      data: [{ id: modelId, object: "model", owned_by: "wva-demo" }],
    });
  }
  if (req.method === "GET" && (path === "/health" || path === "/health/ready")) {
    const ready = s.backends().length > 0;
    return json(ready || path === "/health" ? 200 : 503, {
      status: ready ? "ready" : "no replica",
    });
  }
  return json(404, { detail: "Not Found" });
}
