/**
 * Endpoint discovery for the gateway: the local implementation the demo feeds from its replica
 * pool. The port itself ({@linkcode EndpointSource}, its contract in the JSDoc) is in
 * src/core/contract/endpoints.ts, so that other adapters (the Kubernetes one over EndpointSlices,
 * src/adapters/kubernetes/endpoints/) implement it without importing this adapter.
 *
 * @module
 */
import type { Endpoint, EndpointSource } from "../../core/contract/endpoints.ts";

export type { Endpoint, EndpointSource };

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
