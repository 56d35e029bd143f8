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

/** Runs until `signal` aborts (then releases the Lease if held). Never throws for API errors. */
export async function runLeaderElection(options: LeaderElectionOptions): Promise<void> {
  const { kube, clock, signal, identity } = options;
  const log = options.logger ?? NULL_LOGGER;
  const leaseMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryMs = options.retryPeriodMs ?? 2_000;
  const path = `/apis/coordination.k8s.io/v1/namespaces/${
    encodeURIComponent(options.namespace)
  }/leases`;
  const leasePath = `${path}/${encodeURIComponent(options.name)}`;
  let leading = false;
  let lastRenewMs = 0;
  let observed = "";
  let observedAtMs = clock.nowMs();
  let current: Lease | undefined;

  function spec(now: number, prev: LeaseSpec | undefined, takeover: boolean): LeaseSpec {
    return {
      holderIdentity: identity,
      leaseDurationSeconds: Math.max(1, Math.round(leaseMs / 1000)),
      acquireTime: takeover ? toMicroTime(now) : prev?.acquireTime ?? toMicroTime(now),
      renewTime: toMicroTime(now),
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (takeover && prev?.holderIdentity ? 1 : 0),
    };
  }

  async function tryAcquireOrRenew(): Promise<boolean> {
    const now = clock.nowMs();
    try {
      current = await kube.transport.json<Lease>(leasePath, { signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      current = await kube.transport.json<Lease>(path, {
        method: "POST",
        signal,
        body: {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: options.name, namespace: options.namespace },
          spec: spec(now, undefined, true),
        },
      });
      return true;
    }
    const s = current.spec ?? {};
    const record = JSON.stringify([s.holderIdentity, s.renewTime, s.leaseTransitions]);
    if (record !== observed) {
      observed = record;
      observedAtMs = now;
    }
    const mine = s.holderIdentity === identity;
    const expired = !s.holderIdentity || now >= observedAtMs + leaseMs;
    if (!mine && !expired) return false;
    current = await kube.transport.json<Lease>(leasePath, {
      method: "PUT",
      signal,
      body: { ...current, spec: spec(now, s, !mine) },
    });
    observed = JSON.stringify([
      current.spec?.holderIdentity,
      current.spec?.renewTime,
      current.spec?.leaseTransitions,
    ]);
    observedAtMs = now;
    return true;
  }

  function setLeading(value: boolean): void {
    if (value === leading) return;
    leading = value;
    log.info(value ? "leader-acquired" : "leader-lost", { identity, lease: options.name });
    if (value) options.onStartedLeading();
    else options.onStoppedLeading();
  }

  while (!signal.aborted) {
    try {
      const ok = await tryAcquireOrRenew();
      if (ok) lastRenewMs = clock.nowMs();
      if (ok) setLeading(true);
      else if (leading) setLeading(false);
    } catch (err) {
      if (signal.aborted) break;
      if (!isConflict(err)) log.warn("leader-election-error", { error: err });
      if (leading && clock.nowMs() - lastRenewMs >= renewDeadlineMs) setLeading(false);
    }
    try {
      await clock.sleep(retryMs, signal);
    } catch {
      break;
    }
  }
  if (leading) {
    setLeading(false);
    await release();
  }

  async function release(): Promise<void> {
    if (!current || current.spec?.holderIdentity !== identity) return;
    try {
      await kube.transport.json(leasePath, {
        method: "PUT",
        body: {
          ...current,
          spec: { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1 },
        },
      });
      log.info("leader-released", { identity, lease: options.name });
    } catch (err) {
      log.warn("leader-release-failed", { error: err });
    }
  }
}
