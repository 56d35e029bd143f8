/**
 * One replica of the local pool: a real emulator server on its own loopback port, with the
 * lifecycle of a Kubernetes pod — `loading` (the model-loading delay; readiness probe failing),
 * `ready` (routable), `draining` (out of the router, in-flight requests finishing), `stopped`.
 *
 * Readiness is observed the way a kubelet does it: by probing `GET /health/ready` until it answers
 * 200, never by reading the server's internals.
 *
 * @module
 */
import type { EmulatorOptions } from "../../../emulator/mod.ts";

/** Lifecycle states of a replica. */
export type ReplicaState = "loading" | "ready" | "draining" | "stopped";

/** The server behind a replica (an emulator handle, or a fake in tests). */
export interface ReplicaServer {
  /** Base URL without `/v1`. */
  readonly url: string;
  /** Readiness false, new requests 503, in-flight requests finish, then close. */
  drain(): Promise<void>;
  /** Close now (in-flight requests are aborted). */
  stop(): Promise<void>;
}

/** Starts a server for a replica (default: `startEmulator`). */
export type ReplicaStarter = (options: EmulatorOptions) => Promise<ReplicaServer>;

/** A replica as the pool exposes it (a copy; mutating it changes nothing). */
export interface ReplicaInfo {
  /** Unique id, never reused: `<variant>-<n>`. */
  readonly id: string;
  readonly variant: string;
  /** Base URL; empty until the server has bound its port. */
  readonly url: string;
  readonly state: ReplicaState;
  readonly createdAtMs: number;
  readonly readyAtMs?: number | undefined;
  readonly drainStartedAtMs?: number | undefined;
  readonly stoppedAtMs?: number | undefined;
}

/** Mutable record the pool keeps per replica. */
export interface ReplicaRecord {
  readonly id: string;
  /** Creation order across the pool (ids end with it). */
  readonly seq: number;
  readonly variant: string;
  url: string;
  state: ReplicaState;
  readonly createdAtMs: number;
  readyAtMs?: number;
  drainStartedAtMs?: number;
  stoppedAtMs?: number;
  server?: ReplicaServer;
  /** Resolves when the server has started (or failed to). */
  started?: Promise<void>;
  /** True while a readiness probe is in flight. */
  probing?: boolean;
}

/** A read-only copy of a record. */
export function replicaInfo(r: ReplicaRecord): ReplicaInfo {
  return {
    id: r.id,
    variant: r.variant,
    url: r.url,
    state: r.state,
    createdAtMs: r.createdAtMs,
    readyAtMs: r.readyAtMs,
    drainStartedAtMs: r.drainStartedAtMs,
    stoppedAtMs: r.stoppedAtMs,
  };
}

/** True when the replica holds its GPUs (a draining pod still occupies its devices). */
export function holdsGpus(r: { readonly state: ReplicaState }): boolean {
  return r.state !== "stopped";
}

/** True when the replica counts toward the variant's replicas (not leaving). */
export function isActive(r: { readonly state: ReplicaState }): boolean {
  return r.state === "loading" || r.state === "ready";
}

/** Probes `GET {url}/health/ready` once; true on HTTP 200. */
export async function probeReady(
  url: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<boolean> {
  const doFetch = options.fetch ?? fetch;
  try {
    const res = await doFetch(`${url}/health/ready`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 1000),
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Orders replicas for removal: loading ones first (newest first; they serve nothing), then ready
 * ones with the least outstanding work (newest first on ties), like a ReplicaSet prefers
 * not-ready and younger pods. Pure.
 */
export function removalOrder(
  replicas: readonly ReplicaRecord[],
  outstanding: (id: string) => number,
): ReplicaRecord[] {
  const rank = (r: ReplicaRecord) => (r.state === "loading" ? 0 : 1);
  return replicas.filter(isActive).sort((a, b) =>
    rank(a) - rank(b) || outstanding(a.id) - outstanding(b.id) || b.seq - a.seq
  );
}
