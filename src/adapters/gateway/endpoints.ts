/**
 * Endpoint discovery for the gateway: the narrow port through which it learns, per target model,
 * which model servers are ready now — and the local implementation the demo feeds from its
 * replica pool.
 *
 * ## The contract of an {@linkcode EndpointSource} (tests/contracts/gateway_endpoints_contract.ts checks it)
 *
 * 1. `models()` lists every model the source serves, in a stable order, whether or not an
 *    endpoint of it is ready (a model at 0 replicas is still served: requests for it queue).
 *    A model not listed is unknown: the gateway answers 404 for it.
 * 2. `ready(model)` is the set of endpoints that may get a new request now: ready and not on
 *    their way out. It is `[]` for a model at 0, a model whose endpoints are all loading, and an
 *    unknown model. It is synchronous and cheap (a cached snapshot): the gateway calls it for
 *    every request and every scrape. An endpoint appears under one model only.
 * 3. An {@linkcode Endpoint}'s `id` is unique across all models and stable for its life (a pod
 *    name; a replica id); `url` is `http://host:port` (or https), with no path and no trailing
 *    slash — the gateway appends `/v1/...`.
 * 4. `leaving(id)` is true once an endpoint that was ready is being removed (draining,
 *    terminating, stopped); it is then no longer in `ready()`. The gateway uses it to retry a
 *    refused request elsewhere and to attribute failures to a scale-down.
 * 5. `subscribe(listener)` calls `listener()` after any change of any model's ready set (an
 *    endpoint became ready, unready, leaving, or was removed), soon after the change (a
 *    Kubernetes watch: within seconds). Calls may be coalesced or spurious; the listener reads
 *    `ready()` again. The returned function unsubscribes; no call follows it.
 *
 * ## A Kubernetes implementation (src/adapters/kubernetes/, wired in a mode)
 * One Service per model (a configured `model → Service` map gives `models()`); watch the
 * EndpointSlices labelled `kubernetes.io/service-name=<service>`; an endpoint is ready when
 * `conditions.ready` is not false and `conditions.terminating` is not true, leaving when
 * `terminating` is true; `id` = `targetRef.name` (the pod), else `address:port`; `url` =
 * `http://<address>:<port>` with the slice's serving port (by name, e.g. `http`); `namespace` =
 * the slice's namespace; `variant` = the pod's `llm-d.ai/variant` label when known. Slices of a
 * Service are merged (an endpoint may move between slices); a watch error keeps the last
 * snapshot (stale routing beats none) and re-lists.
 *
 * @module
 */

/** One model server the gateway may send to. */
export interface Endpoint {
  /** Unique across the source and stable (pod name on Kubernetes, replica id locally). */
  readonly id: string;
  /** `http://host:port`, no path, no trailing slash. */
  readonly url: string;
  /** The variant (Deployment) it belongs to, copied into the gateway's records. */
  readonly variant?: string;
  /** Its namespace (the `namespace` label of the attempts counter). @default "" */
  readonly namespace?: string;
}

/** Where the gateway learns the ready endpoints of each model. See the module doc for the contract. */
export interface EndpointSource {
  /** Every model served, in a stable order (with or without ready endpoints). */
  models(): readonly string[];
  /** Endpoints of `model` that may get a new request now; `[]` when none or unknown. */
  ready(model: string): readonly Endpoint[];
  /** The endpoint is being removed (draining, terminating, stopped). */
  leaving(endpointId: string): boolean;
  /** Calls `listener` after any ready set changed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** Lists the ready endpoints of a model now (the demo passes its pool's ready replicas). */
export type ListEndpoints = (model: string) => readonly Endpoint[];

/** Options of {@linkcode createLocalEndpoints}. */
export interface LocalEndpointsOptions {
  /** The models served. */
  readonly models: readonly string[];
  /** Ready endpoints of a model (called per request: keep it cheap). */
  readonly list: ListEndpoints;
  /** Whether an endpoint is on its way out. @default () => false */
  readonly leaving?: (endpointId: string) => boolean;
}

/** A local source: the caller says when its endpoints changed. */
export interface LocalEndpoints extends EndpointSource {
  /** Tells subscribers that a ready set may have changed (call it on each pool event). */
  changed(): void;
}

/**
 * An {@linkcode EndpointSource} over a plain listing function. The demo wires its local pool:
 * `list` returns the pool's ready replicas of the model, `changed()` runs on each pool event.
 *
 * @example
 * ```ts
 * import { createLocalEndpoints } from "./endpoints.ts";
 * const up = [{ id: "a-0", url: "http://127.0.0.1:8001" }];
 * const source = createLocalEndpoints({ models: ["m"], list: (m) => (m === "m" ? up : []) });
 * let calls = 0;
 * source.subscribe(() => calls++);
 * source.changed();
 * if (source.ready("m").length !== 1 || source.ready("x").length !== 0 || calls !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function createLocalEndpoints(options: LocalEndpointsOptions): LocalEndpoints {
  const served = new Set(options.models);
  const listeners = new Set<() => void>();
  return {
    models: () => options.models,
    ready: (model) => (served.has(model) ? options.list(model) : []),
    leaving: options.leaving ?? (() => false),
    subscribe(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    changed() {
      for (const l of [...listeners]) l();
    },
  };
}
