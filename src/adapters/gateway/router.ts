/**
 * The inference gateway: an HTTP server in front of OpenAI-compatible model servers (docs/gateway.md).
 * `POST /v1/chat/completions` and `POST /v1/completions` go, by the body's `model`, to the ready
 * endpoint of that model with the least outstanding requests (select.ts); when none is ready or
 * all are at their limit, the request waits in the model's bounded queue (flow_control.ts).
 * Responses stream through unchanged and are measured on the way (relay.ts). `GET /metrics`
 * exposes the queue, running requests and dispatches per model (metrics.ts) — the signal for
 * scale-from-zero. Endpoints come from an {@linkcode EndpointSource} (endpoints.ts).
 *
 * Scale-down safety: `ready()` is read on every request, so an endpoint that is leaving gets no
 * new request. A request that still raced to a leaving endpoint (503 from a draining server, or
 * connection refused) has not produced a byte yet and goes to another endpoint, waiting in the
 * queue if there is none. A request that fails anyway while its endpoint is leaving is counted
 * as `failedByScaleDown` — the number the demo promises to keep at zero.
 *
 * @module
 */
import { errorResponse } from "../../../emulator/http/errors.ts";
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import type { EndpointSource } from "./endpoints.ts";
import {
  closeQueues,
  type GatewayState,
  pumpAll,
  queued,
  type QueueLimits,
} from "./flow_control.ts";
import { createGatewayMetrics, type GatewayMetrics, type ModelGauges } from "./metrics.ts";
import { proxy, type RouteRecord } from "./proxy.ts";
import { poolSaturation } from "./select.ts";

export type { RouteRecord };

/** Options of {@linkcode startGateway}. */
export interface GatewayOptions {
  /** Where the ready endpoints of each model come from. */
  readonly endpoints: EndpointSource;
  /** Listen address. @default "127.0.0.1" */
  readonly host?: string;
  /** Listen port. @default 0 (any free port) */
  readonly port?: number;
  /** Endpoints tried per request. @default 3 */
  readonly maxAttempts?: number;
  /**
   * Requests an endpoint may hold before it counts as saturated; with all endpoints of a model
   * saturated, requests queue. @default Infinity (no limit: requests queue only with no endpoint)
   */
  readonly maxOutstandingPerEndpoint?: number;
  /** Bounds of each model's queue. @default {maxRequests: 1000, maxBytes: 64 MiB, maxWaitMs: 30000} */
  readonly queue?: Partial<QueueLimits>;
  /** The `inference_pool` (and `name`) label of a model's series. @default the model name */
  readonly poolOf?: (model: string) => string;
  /** Called once per request when it ends (ok, failed or cancelled), for the demo's report. */
  readonly onRecord?: (record: RouteRecord) => void;
  /** Monotonic ms for latency and waits. @default performance.now */
  readonly nowMs?: () => number;
  /** Requests that failed on every attempt. @default NULL_LOGGER */
  readonly logger?: Logger;
}

/** A running gateway. */
export interface GatewayHandle {
  /** Base URL without `/v1`. */
  readonly url: string;
  /** The port it listens on (the one chosen when `port` was 0). */
  readonly port: number;
  /** Requests sent to an endpoint and not finished. */
  outstanding(endpointId: string): number;
  /** Requests waiting for an endpoint of `model`, and their body bytes. */
  queued(model: string): { requests: number; bytes: number };
  /** The `/metrics` exposition text. */
  metrics(): Promise<string>;
  /** Refuses queued requests (503), closes the listener (in-flight responses are cut). */
  stop(): Promise<void>;
}

/** Defaults of {@linkcode GatewayOptions.queue}. */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = {
  maxRequests: 1000,
  maxBytes: 64 * 1024 * 1024,
  maxWaitMs: 30_000,
};

/** Starts the gateway. */
export function startGateway(options: GatewayOptions): GatewayHandle {
  const poolOf = options.poolOf ?? ((m: string) => m);
  const metrics = createGatewayMetrics(() => snapshot(s), poolOf);
  const s: GatewayState = {
    source: options.endpoints,
    limit: options.maxOutstandingPerEndpoint ?? Infinity,
    queueLimits: { ...DEFAULT_QUEUE_LIMITS, ...options.queue },
    maxAttempts: options.maxAttempts ?? 3,
    poolOf,
    counters: metrics,
    onRecord: options.onRecord,
    nowMs: options.nowMs ?? (() => performance.now()),
    log: options.logger ?? NULL_LOGGER,
    outstanding: new Map(),
    running: new Map(),
    queues: new Map(),
    cursor: 0,
    closed: false,
  };
  const unsubscribe = s.source.subscribe(() => pumpAll(s));
  const server = Deno.serve({
    hostname: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, (req) => handle(s, metrics, req));
  const { port, hostname: host } = server.addr;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    outstanding: (id) => s.outstanding.get(id) ?? 0,
    queued: (model) => queued(s, model),
    metrics: () => metrics.render(),
    async stop() {
      unsubscribe();
      closeQueues(s);
      await server.shutdown();
    },
  };
}

/** Every served model's gauges now (and models that still hold requests). */
function snapshot(s: GatewayState): ModelGauges[] {
  const models = new Set([...s.source.models(), ...s.queues.keys()]);
  return [...models].map((model) => {
    const q = queued(s, model);
    const running = s.running.get(model) ?? 0;
    const ready = s.source.ready(model);
    return {
      model,
      pool: s.poolOf(model),
      queuedRequests: q.requests,
      queuedBytes: q.bytes,
      running,
      readyEndpoints: ready,
      saturation: poolSaturation(running, ready.length, s.limit),
    };
  });
}

/** Dispatches by method and path: completions are proxied; models, health and metrics answered here. */
async function handle(s: GatewayState, metrics: GatewayMetrics, req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (req.method === "POST" && (path === "/v1/chat/completions" || path === "/v1/completions")) {
    return await proxy(s, req, path);
  }
  if (req.method === "GET" && path === "/v1/models") {
    const data = s.source.models().map((id) => ({ id, object: "model", owned_by: "wva" }));
    return Response.json({ object: "list", data });
  }
  if (req.method === "GET" && (path === "/health" || path === "/health/ready")) {
    const ready = s.source.models().some((m) => s.source.ready(m).length > 0);
    const status = ready || path === "/health" ? 200 : 503;
    return Response.json({ status: ready ? "ready" : "no ready endpoint" }, { status });
  }
  if (req.method === "GET" && path === "/metrics") {
    return new Response(await metrics.render(), {
      headers: { "content-type": metrics.contentType },
    });
  }
  return errorResponse(404, `no route for ${req.method} ${path}`);
}
