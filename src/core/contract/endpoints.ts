/**
 * The gateway's endpoint-discovery port: through it the inference gateway
 * (src/adapters/gateway/) learns, per target model, which model servers are ready now.
 * Implementations: the local one over the demo's replica pool (src/adapters/gateway/endpoints.ts)
 * and the Kubernetes one over Services and EndpointSlices (src/adapters/kubernetes/endpoints/).
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
