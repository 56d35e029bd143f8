/**
 * Leader election on a `coordination.k8s.io/v1` Lease, so that with several controller replicas
 * exactly one acts. The recipe of client-go's leaderelection:
 *
 * - every `retryPeriodMs` the candidate reads the Lease; it creates it when absent, renews it
 *   when it holds it, and takes it over when the holder is empty or the record has not changed
 *   for `leaseDurationMs` **as observed locally** (immune to clock skew between replicas);
 * - every write carries the Lease's resourceVersion, so two candidates cannot both win (409);
 * - a leader that cannot renew for `renewDeadlineMs` stops leading;
 * - on shutdown the leader releases the Lease (empty holder), so a standby takes over at its
 *   next retry instead of after a full lease duration.
 *
 * Times are written as MicroTime with six fractional digits (the apiserver rejects three).
 *
 * @module
 */
import { isConflict, isNotFound, type Kube, toMicroTime } from "./kube/mod.ts";
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import type { Clock } from "../../runtime/clock.ts";

/** Options of {@linkcode runLeaderElection}. */
export interface LeaderElectionOptions {
  readonly kube: Pick<Kube, "transport">;
  readonly namespace: string;
  /** Lease name. */
  readonly name: string;
  /** This replica's identity (pod name). */
  readonly identity: string;
  /** @default 15000 */
  readonly leaseDurationMs?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

interface LeaseSpec {
  holderIdentity?: string | undefined;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** The candidate's state between retries. */
interface ElectionState {
  readonly options: LeaderElectionOptions;
  readonly log: Logger;
  readonly leaseMs: number;
  readonly renewDeadlineMs: number;
  readonly retryMs: number;
  /** The Lease collection and the Lease itself. */
  readonly path: string;
  readonly leasePath: string;
  leading: boolean;
  lastRenewMs: number;
  /** The holder record last seen, and when it was first seen (local clock). */
  observed: string;
  observedAtMs: number;
  current: Lease | undefined;
}

function electionState(options: LeaderElectionOptions): ElectionState {
  const path = `/apis/coordination.k8s.io/v1/namespaces/${
    encodeURIComponent(options.namespace)
  }/leases`;
  return {
    options,
    log: options.logger ?? NULL_LOGGER,
    leaseMs: options.leaseDurationMs ?? 15_000,
    renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
    retryMs: options.retryPeriodMs ?? 2_000,
    path,
    leasePath: `${path}/${encodeURIComponent(options.name)}`,
    leading: false,
    lastRenewMs: 0,
    observed: "",
    observedAtMs: options.clock.nowMs(),
    current: undefined,
  };
}

function leaseSpec(
  state: ElectionState,
  now: number,
  prev: LeaseSpec | undefined,
  takeover: boolean,
): LeaseSpec {
  return {
    holderIdentity: state.options.identity,
    leaseDurationSeconds: Math.max(1, Math.round(state.leaseMs / 1000)),
    acquireTime: takeover ? toMicroTime(now) : prev?.acquireTime ?? toMicroTime(now),
    renewTime: toMicroTime(now),
    leaseTransitions: (prev?.leaseTransitions ?? 0) + (takeover && prev?.holderIdentity ? 1 : 0),
  };
}

function recordOf(spec: LeaseSpec | undefined): string {
  return JSON.stringify([spec?.holderIdentity, spec?.renewTime, spec?.leaseTransitions]);
}

/** Remembers the holder record and when it changed (the expiry is measured locally). */
function observe(state: ElectionState, spec: LeaseSpec | undefined, now: number): void {
  const record = recordOf(spec);
  if (record === state.observed) return;
  state.observed = record;
  state.observedAtMs = now;
}

/** Reads the Lease, creating it (and winning) when absent; undefined then. */
async function readOrCreate(state: ElectionState, now: number): Promise<Lease | undefined> {
  const { options } = state;
  const { kube, signal } = options;
  try {
    return await kube.transport.json<Lease>(state.leasePath, { signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    state.current = await kube.transport.json<Lease>(state.path, {
      method: "POST",
      signal,
      body: {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: options.name, namespace: options.namespace },
        spec: leaseSpec(state, now, undefined, true),
      },
    });
    return undefined;
  }
}

/** One attempt: create, renew or take over the Lease; true when this replica holds it. */
async function tryAcquireOrRenew(state: ElectionState): Promise<boolean> {
  const { kube, signal, clock, identity } = state.options;
  const now = clock.nowMs();
  const read = await readOrCreate(state, now);
  if (!read) return true;
  state.current = read;
  const s = read.spec ?? {};
  observe(state, s, now);
  const mine = s.holderIdentity === identity;
  const expired = !s.holderIdentity || now >= state.observedAtMs + state.leaseMs;
  if (!mine && !expired) return false;
  state.current = await kube.transport.json<Lease>(state.leasePath, {
    method: "PUT",
    signal,
    body: { ...read, spec: leaseSpec(state, now, s, !mine) },
  });
  state.observed = recordOf(state.current.spec);
  state.observedAtMs = now;
  return true;
}

function setLeading(state: ElectionState, value: boolean): void {
  if (value === state.leading) return;
  state.leading = value;
  const { identity, name } = state.options;
  state.log.info(value ? "leader-acquired" : "leader-lost", { identity, lease: name });
  if (value) state.options.onStartedLeading();
  else state.options.onStoppedLeading();
}

/** Gives the Lease up (empty holder) so a standby takes over at its next retry. */
async function release(state: ElectionState): Promise<void> {
  const { current } = state;
  const { identity, name, kube } = state.options;
  if (!current || current.spec?.holderIdentity !== identity) return;
  try {
    await kube.transport.json(state.leasePath, {
      method: "PUT",
      body: { ...current, spec: { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1 } },
    });
    state.log.info("leader-released", { identity, lease: name });
  } catch (err) {
    state.log.warn("leader-release-failed", { error: err });
  }
}

/** One round; false when the loop must stop (aborted). */
async function electOnce(state: ElectionState): Promise<boolean> {
  const { clock, signal } = state.options;
  try {
    const ok = await tryAcquireOrRenew(state);
    if (ok) state.lastRenewMs = clock.nowMs();
    if (ok) setLeading(state, true);
    else if (state.leading) setLeading(state, false);
  } catch (err) {
    if (signal.aborted) return false;
    if (!isConflict(err)) state.log.warn("leader-election-error", { error: err });
    if (state.leading && clock.nowMs() - state.lastRenewMs >= state.renewDeadlineMs) {
      setLeading(state, false);
    }
  }
  try {
    await clock.sleep(state.retryMs, signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs until `signal` aborts (then releases the Lease if held). Never throws for API errors. */
export async function runLeaderElection(options: LeaderElectionOptions): Promise<void> {
  const state = electionState(options);
  while (!options.signal.aborted && await electOnce(state));
  if (state.leading) {
    setLeading(state, false);
    await release(state);
  }
}
