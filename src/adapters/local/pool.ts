/**
 * The local replica pool: the demo's "cluster". Each variant is a set of replicas, each a real
 * emulator server on its own loopback port; a GPU inventory limits how many can run at once.
 * The pool implements two ports of the control cycle (src/core/contract/ports.ts):
 *
 * - {@linkcode ClusterReader}: variants, replicas (current = desired count as a Deployment's
 *   `spec.replicas`, ready, pending = loading + unschedulable) and the GPU inventory;
 * - {@linkcode DecisionSink}: each outcome's desired count resizes its variant.
 *
 * Reconciling a variant works like a ReplicaSet on a small cluster: missing replicas start when
 * GPUs are free (otherwise they stay pending as "unschedulable"); surplus replicas are removed
 * loading-first, then the least busy. A removed replica is taken out of the router *first*
 * (state `draining`, so it gets no new request), then drained (in-flight requests finish), then
 * stopped; it holds its GPUs until it has stopped.
 *
 * @module
 */
import { startEmulator } from "../../../emulator/mod.ts";
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import {
  freeGpus as freeOf,
  type GpuInventory,
  replicasThatFit,
} from "../../core/contract/gpus.ts";
import type {
  ActuationResult,
  ClusterReader,
  ClusterSnapshot,
  CycleReport,
  DecisionSink,
} from "../../core/contract/ports.ts";
import { type Clock, systemClock } from "../../runtime/clock.ts";
import {
  holdsGpus,
  isActive,
  probeReady,
  removalOrder,
  type ReplicaInfo,
  replicaInfo,
  type ReplicaRecord,
  type ReplicaStarter,
} from "./replica.ts";
import { type PoolEvent, type VariantStatus, variantStatus } from "./status.ts";
import type { LocalVariantSpec } from "./variant_spec.ts";

/** Options of {@linkcode createLocalPool}. */
export interface LocalPoolOptions {
  readonly variants: readonly LocalVariantSpec[];
  /** GPUs per accelerator; absent = unlimited. */
  readonly inventory?: GpuInventory | undefined;
  /** Model-loading time of a new replica (the emulator's startup delay). */
  readonly loadingDelayMs: number;
  /** Readiness probe period. @default 250 */
  readonly probeIntervalMs?: number;
  /** Longest wait for in-flight requests when draining. @default 120000 */
  readonly drainTimeoutMs?: number;
  /** Seeds the emulators (each replica gets seed + its number). @default 0 */
  readonly seed?: number;
  /** Timestamps of events. @default systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly onEvent?: (event: PoolEvent) => void;
  /** Outstanding requests per replica (from the router), to remove the least busy. */
  readonly outstanding?: (replicaId: string) => number;
  /** @default startEmulator */
  readonly startReplica?: ReplicaStarter;
  /** Used by the readiness probe. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The pool. */
export interface LocalPool extends ClusterReader, DecisionSink {
  /** Starts the initial replicas and the readiness probe. */
  start(): void;
  /** Sets a variant's desired replica count and reconciles at once. */
  scale(variant: string, replicas: number): void;
  replicas(): readonly ReplicaInfo[];
  /** The replicas a router may send to: ready ones. */
  routable(): readonly ReplicaInfo[];
  stateOf(replicaId: string): ReplicaInfo["state"] | undefined;
  variants(): readonly VariantStatus[];
  /** GPUs per accelerator, as configured. */
  readonly inventory: GpuInventory | undefined;
  /** Resolves true when every desired replica is ready, false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** Drains and stops every replica; resolves when all have stopped. */
  close(): Promise<void>;
}

/** Creates a pool (call `start()` to launch the initial replicas). */
export function createLocalPool(options: LocalPoolOptions): LocalPool {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? NULL_LOGGER;
  const starter: ReplicaStarter = options.startReplica ?? ((o) => startEmulator(o));
  const outstanding = options.outstanding ?? (() => 0);
  const specs = new Map(options.variants.map((v) => [v.name, v]));
  const desired = new Map(options.variants.map((v) => [v.name, 0]));
  const records: ReplicaRecord[] = [];
  const stopping = new Set<Promise<void>>();
  let seq = 0;
  let probeTimer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const emit = (e: Omit<PoolEvent, "atMs">) => options.onEvent?.({ atMs: clock.nowMs(), ...e });
  const ofVariant = (name: string) => records.filter((r) => r.variant === name);

  function freeGpus(accelerator: string): number {
    if (options.inventory?.[accelerator] === undefined) return Infinity;
    const holders = [...specs.values()].map((s) => ({
      ...s,
      replicas: ofVariant(s.name).filter(holdsGpus).length,
    }));
    return freeOf(options.inventory, holders)[accelerator]!;
  }

  function launch(spec: LocalVariantSpec): void {
    const n = seq++;
    const r: ReplicaRecord = {
      id: `${spec.name}-${n}`,
      seq: n,
      variant: spec.name,
      url: "",
      state: "loading",
      createdAtMs: clock.nowMs(),
    };
    records.push(r);
    emit({ kind: "replica-starting", variant: spec.name, replica: r.id });
    r.started = starter({
      ...spec.emulator,
      host: "127.0.0.1",
      port: 0,
      model: spec.modelId,
      startupDelayMs: options.loadingDelayMs,
      drainTimeoutMs: options.drainTimeoutMs ?? 120_000,
      seed: (options.seed ?? 0) + n,
    }).then((server) => {
      r.server = server;
      r.url = server.url;
      if (r.state === "draining") void finishDrain(r);
    }, (err) => {
      log.error("replica-start-failed", { replica: r.id, error: (err as Error).message });
      // No immediate retry (it would fail again at once): the next scale() call retries.
      markStopped(r, `start failed: ${(err as Error).message}`, false);
    });
  }

  function markStopped(r: ReplicaRecord, detail?: string, retry = true): void {
    if (r.state === "stopped") return;
    r.state = "stopped";
    r.stoppedAtMs = clock.nowMs();
    emit({ kind: "replica-stopped", variant: r.variant, replica: r.id, detail });
    // Its GPUs are free now: a replica waiting for them may start.
    if (retry && !closed) reconcileAll();
  }

  async function finishDrain(r: ReplicaRecord): Promise<void> {
    const server = r.server;
    if (!server) return; // not bound yet: drained as soon as it is (see launch)
    const p = server.drain().catch((err) => {
      log.warn("replica-drain-failed", { replica: r.id, error: (err as Error).message });
    }).then(() => markStopped(r));
    stopping.add(p);
    await p;
    stopping.delete(p);
  }

  function remove(r: ReplicaRecord): void {
    // Out of the router first: `routable()` only lists ready replicas.
    r.state = "draining";
    r.drainStartedAtMs = clock.nowMs();
    emit({ kind: "replica-draining", variant: r.variant, replica: r.id });
    void finishDrain(r);
  }

  function reconcile(spec: LocalVariantSpec): void {
    if (closed) return;
    const active = ofVariant(spec.name).filter(isActive);
    const want = desired.get(spec.name)!;
    if (want < active.length) {
      for (const r of removalOrder(active, outstanding).slice(0, active.length - want)) remove(r);
      return;
    }
    let missing = want - active.length;
    while (
      missing > 0 &&
      replicasThatFit(freeGpus(spec.accelerator), spec.gpusPerReplica) >= 1
    ) {
      launch(spec);
      missing--;
    }
  }

  function reconcileAll(): void {
    for (const spec of specs.values()) reconcile(spec);
  }

  async function probe(): Promise<void> {
    for (const r of records) {
      if (r.state !== "loading" || !r.url || r.probing) continue;
      r.probing = true;
      const ok = await probeReady(r.url, options.fetch ? { fetch: options.fetch } : {});
      r.probing = false;
      if (ok && r.state === "loading") {
        r.state = "ready";
        r.readyAtMs = clock.nowMs();
        emit({ kind: "replica-ready", variant: r.variant, replica: r.id });
      }
    }
  }

  function scale(variant: string, replicas: number): void {
    const spec = specs.get(variant);
    if (!spec) throw new Error(`unknown variant ${variant}`);
    const to = Math.max(0, Math.floor(replicas));
    const from = desired.get(variant)!;
    if (from === to) return reconcile(spec);
    desired.set(variant, to);
    emit({ kind: "scaled", variant, detail: `${from} → ${to}` });
    reconcile(spec);
  }

  function variants(): VariantStatus[] {
    return [...specs.values()].map((spec) =>
      variantStatus(spec, desired.get(spec.name)!, ofVariant(spec.name), freeGpus(spec.accelerator))
    );
  }

  function snapshot(): Promise<ClusterSnapshot> {
    return Promise.resolve({
      variants: variants().map((s) => ({
        namespace: s.spec.namespace,
        name: s.spec.name,
        modelId: s.spec.modelId,
        accelerator: s.spec.accelerator,
        costPerReplica: s.spec.costPerReplica,
        gpusPerReplica: s.spec.gpusPerReplica,
        minReplicas: s.spec.minReplicas,
        maxReplicas: s.spec.maxReplicas,
        currentReplicas: s.desired,
        readyReplicas: s.ready,
        pendingReplicas: s.loading + s.unschedulable,
        replicaIds: ofVariant(s.spec.name).filter(isActive).map((r) => r.id),
        perf: s.spec.perf,
        engine: s.spec.engine,
        kvCapacityTokens: s.spec.kvCapacityTokens,
        problems: [],
      })),
      ...(options.inventory ? { inventory: options.inventory } : {}),
    });
  }

  function apply(report: CycleReport): Promise<ActuationResult> {
    let applied = 0;
    const errors: { variant: string; message: string }[] = [];
    for (const v of report.variants) {
      if (v.desiredReplicas === undefined) continue;
      if (!specs.has(v.name)) {
        errors.push({ variant: v.name, message: "not a variant of this pool" });
        continue;
      }
      scale(v.name, v.desiredReplicas);
      applied++;
    }
    return Promise.resolve({ applied, errors });
  }

  async function whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = clock.nowMs() + timeoutMs;
    for (;;) {
      if (variants().every((v) => v.ready >= v.desired)) return true;
      if (clock.nowMs() >= deadline) return false;
      await clock.sleep(50);
    }
  }

  return {
    inventory: options.inventory,
    start() {
      for (const spec of specs.values()) scale(spec.name, spec.initialReplicas);
      const every = options.probeIntervalMs ?? 250;
      probeTimer = setInterval(() => void probe(), every);
    },
    scale,
    replicas: () => records.map(replicaInfo),
    routable: () => records.filter((r) => r.state === "ready").map(replicaInfo),
    stateOf: (id) => records.find((r) => r.id === id)?.state,
    variants,
    snapshot,
    apply,
    whenReady,
    async close() {
      closed = true;
      if (probeTimer !== undefined) clearInterval(probeTimer);
      await Promise.all(records.map((r) => r.started));
      for (const r of records) if (isActive(r)) remove(r);
      while (stopping.size > 0) await Promise.all([...stopping]);
    },
  };
}
