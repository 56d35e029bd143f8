/**
 * The gateway's flow control: a bounded FIFO queue per target model, in front of endpoint
 * selection. A request gets an endpoint at once when its model's queue is empty and a ready
 * endpoint has room (fewer outstanding requests than the per-endpoint limit); otherwise it waits
 * in the queue — bounded by count and bytes (overflow: 429) and by a maximum wait (then 503) —
 * until an endpoint becomes ready or free ({@linkcode pump}, run on every endpoint change and
 * every finished request). A client that goes away leaves the queue at once.
 *
 * All mutable state is one {@linkcode GatewayState} record, changed only by the functions here
 * and in proxy.ts, on one event loop. The choice of endpoint is pure (select.ts).
 *
 * @module
 */
import type { Logger } from "../../runtime/log.ts";
import type { Endpoint, EndpointSource } from "./endpoints.ts";
import type { GatewayCounters } from "./metrics.ts";
import type { RouteRecord } from "./proxy.ts";
import { pickEndpoint, planDispatch, type QueuedCandidate } from "./select.ts";

/** Bounds of each model's queue. */
export interface QueueLimits {
  /** Requests waiting per model; one more is refused with 429. */
  readonly maxRequests: number;
  /** Request-body bytes waiting per model; a request that would pass it is refused with 429. */
  readonly maxBytes: number;
  /** Longest wait for an endpoint (ms from arrival); then 503. */
  readonly maxWaitMs: number;
}

/** How a request left flow control (the EPP's outcome names, a metric label). */
export type FlowOutcome =
  | "Dispatched"
  | "RejectedCapacity"
  | "EvictedTTL"
  | "EvictedContextCancelled"
  | "EvictedOther";

/** What a request waiting for an endpoint gets. */
export type Grant =
  | { readonly endpoint: Endpoint }
  | { readonly refused: 429 | 503; readonly reason: string }
  | { readonly cancelled: true };

/** A queued request. */
interface Waiter extends QueuedCandidate {
  readonly bytes: number;
  /** Takes it out of the queue with this outcome and wakes it with `grant`. */
  readonly leave: (outcome: FlowOutcome, grant: Grant) => void;
}

/** One model's queue. */
interface ModelQueue {
  readonly waiters: Waiter[];
  bytes: number;
}

/** The gateway's settings (defaults applied) and its mutable state. */
export interface GatewayState {
  readonly source: EndpointSource;
  /** Outstanding requests an endpoint may hold (`Infinity`: no saturation limit). */
  readonly limit: number;
  readonly queueLimits: QueueLimits;
  /** Endpoints tried per request. */
  readonly maxAttempts: number;
  /** The `inference_pool` label of a model's series. */
  readonly poolOf: (model: string) => string;
  readonly counters: GatewayCounters;
  readonly onRecord: ((record: RouteRecord) => void) | undefined;
  /** Monotonic ms for latency and waits. */
  readonly nowMs: () => number;
  readonly log: Logger;
  /** Requests sent to each endpoint and not finished (the least-outstanding input). */
  readonly outstanding: Map<string, number>;
  /** Requests in flight to each model's endpoints. */
  readonly running: Map<string, number>;
  readonly queues: Map<string, ModelQueue>;
  /** Round-robin position among endpoints tied on outstanding requests. */
  cursor: number;
  /** Set by stop: queued requests were refused, new ones are. */
  closed: boolean;
}

/** What {@linkcode acquire} needs to know about the request. */
export interface AcquireRequest {
  readonly model: string;
  /** Request-body bytes (queue bytes). */
  readonly bytes: number;
  /** Endpoints that refused it already. */
  readonly exclude: ReadonlySet<string>;
  /** Arrival at the gateway (ms on `nowMs`): the maximum wait counts from here. */
  readonly sinceMs: number;
  /** A retry after a refused attempt: it was admitted already and goes to the front. */
  readonly retry: boolean;
  /**
   * Aborted when the client goes away. Read only when the request has to wait: Deno prints a
   * one-time warning once a request whose signal was read is answered (its legacy abort-on-
   * success), which only `--unstable-no-legacy-abort` silences.
   */
  readonly signal: () => AbortSignal;
}

/** Requests queued for `model` now, and their bytes. */
export function queued(s: GatewayState, model: string): { requests: number; bytes: number } {
  const q = s.queues.get(model);
  return { requests: q?.waiters.length ?? 0, bytes: q?.bytes ?? 0 };
}

function queueOf(s: GatewayState, model: string): ModelQueue {
  let q = s.queues.get(model);
  if (!q) s.queues.set(model, q = { waiters: [], bytes: 0 });
  return q;
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Counts a request as sent to `endpoint`. */
function take(s: GatewayState, model: string, endpoint: Endpoint): void {
  add(s.outstanding, endpoint.id, 1);
  add(s.running, model, 1);
}

/** A request sent to `endpoint` finished (or was refused): frees its slot, serves the queue. */
export function release(s: GatewayState, model: string, endpoint: Endpoint): void {
  add(s.outstanding, endpoint.id, -1);
  add(s.running, model, -1);
  pump(s, model);
}

/** The least busy ready endpoint of `model` with room, not in `exclude`. */
function pickFree(
  s: GatewayState,
  model: string,
  exclude: ReadonlySet<string>,
): Endpoint | undefined {
  const ready = s.source.ready(model);
  const id = pickEndpoint(
    ready.map((e) => ({ id: e.id, outstanding: s.outstanding.get(e.id) ?? 0 })),
    s.limit,
    s.cursor++,
    exclude,
  );
  return ready.find((e) => e.id === id);
}

/**
 * An endpoint for the request: at once when the queue is empty (or it is a retry) and one has
 * room; otherwise after waiting in the model's queue. Refused with 429 when the queue is full,
 * 503 after the maximum wait; `cancelled` when the client went away while waiting.
 */
export function acquire(s: GatewayState, r: AcquireRequest): Promise<Grant> {
  const outcome = (o: FlowOutcome) => {
    if (!r.retry) s.counters.flowOutcome(r.model, o, (s.nowMs() - r.sinceMs) / 1000);
  };
  const q = queueOf(s, r.model);
  if (s.closed) return Promise.resolve({ refused: 503, reason: "the gateway is stopping" });
  if (q.waiters.length === 0 || r.retry) {
    const endpoint = pickFree(s, r.model, r.exclude);
    if (endpoint) {
      take(s, r.model, endpoint);
      outcome("Dispatched");
      return Promise.resolve({ endpoint });
    }
  }
  const full = r.retry ? undefined : overflow(q, r.bytes, s.queueLimits);
  if (full !== undefined) {
    outcome("RejectedCapacity");
    return Promise.resolve({
      refused: 429,
      reason: `queue of model '${r.model}' is full: ${full}`,
    });
  }
  const signal = r.signal();
  if (signal.aborted) {
    outcome("EvictedContextCancelled");
    return Promise.resolve({ cancelled: true });
  }
  const granted = wait(s, q, { ...r, signal }, outcome);
  // Queued behind requests that cannot use the free endpoints (they were refused by them)?
  pump(s, r.model);
  return granted;
}

/** Why one more request of `bytes` does not fit in `q`, or undefined when it does. */
function overflow(q: ModelQueue, bytes: number, limits: QueueLimits): string | undefined {
  if (q.waiters.length >= limits.maxRequests) {
    return `${q.waiters.length} requests waiting (limit ${limits.maxRequests})`;
  }
  if (q.bytes + bytes > limits.maxBytes) {
    return `${q.bytes} + ${bytes} bytes would pass the limit of ${limits.maxBytes}`;
  }
  return undefined;
}

/** Queues the request until an endpoint is granted, the wait runs out, or the client leaves. */
function wait(
  s: GatewayState,
  q: ModelQueue,
  r: Omit<AcquireRequest, "signal"> & { readonly signal: AbortSignal },
  outcome: (o: FlowOutcome) => void,
): Promise<Grant> {
  const leftMs = Math.max(0, r.sinceMs + s.queueLimits.maxWaitMs - s.nowMs());
  return new Promise<Grant>((resolve) => {
    let left = false;
    const leave = (o: FlowOutcome, grant: Grant) => {
      if (left) return;
      left = true;
      clearTimeout(timer);
      r.signal.removeEventListener("abort", onAbort);
      const i = q.waiters.indexOf(waiter);
      if (i >= 0) {
        q.waiters.splice(i, 1);
        q.bytes -= waiter.bytes;
      }
      outcome(o);
      resolve(grant);
    };
    const onAbort = () => leave("EvictedContextCancelled", { cancelled: true });
    const timer = setTimeout(() =>
      leave("EvictedTTL", {
        refused: 503,
        reason: `no endpoint of model '${r.model}' was free within ${s.queueLimits.maxWaitMs} ms`,
      }), leftMs);
    const waiter: Waiter = { bytes: r.bytes, exclude: r.exclude, leave };
    r.signal.addEventListener("abort", onAbort, { once: true });
    if (r.retry) q.waiters.unshift(waiter);
    else q.waiters.push(waiter);
    q.bytes += r.bytes;
  });
}

/** Hands free endpoints of `model` to its queued requests, first come first served. */
export function pump(s: GatewayState, model: string): void {
  const q = s.queues.get(model);
  if (!q || q.waiters.length === 0) return;
  const ready = s.source.ready(model);
  if (ready.length === 0) return;
  const byId = new Map(ready.map((e) => [e.id, e]));
  const plan = planDispatch(
    q.waiters,
    ready.map((e) => ({ id: e.id, outstanding: s.outstanding.get(e.id) ?? 0 })),
    s.limit,
    s.cursor,
  );
  s.cursor += plan.length;
  const granted = plan.map((a) => ({ waiter: q.waiters[a.index]!, endpoint: byId.get(a.id)! }));
  for (const { waiter, endpoint } of granted) {
    take(s, model, endpoint);
    waiter.leave("Dispatched", { endpoint });
  }
}

/** Serves every model's queue (an endpoint set changed). */
export function pumpAll(s: GatewayState): void {
  for (const model of s.queues.keys()) pump(s, model);
}

/** Refuses every queued request (the gateway stops): they get 503 now, not at the wait's end. */
export function closeQueues(s: GatewayState): void {
  s.closed = true;
  for (const q of s.queues.values()) {
    for (const w of [...q.waiters]) {
      w.leave("EvictedOther", { refused: 503, reason: "the gateway is stopping" });
    }
  }
}
