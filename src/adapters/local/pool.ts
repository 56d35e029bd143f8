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
  /** The variants, each a set of replicas of one shape (names unique). */
  readonly variants: readonly LocalVariantSpec[];
  /** GPUs per accelerator; absent = unlimited. */
  readonly inventory?: GpuInventory | undefined;
  /** Model-loading time of a new replica in ms (the emulator's startup delay). */
  readonly loadingDelayMs: number;
  /** Readiness probe period in ms. @default 250 */
  readonly probeIntervalMs?: number;
  /** Longest wait for in-flight requests when draining, in ms. @default 120000 */
  readonly drainTimeoutMs?: number;
  /** Seeds the emulators (each replica gets seed + its number). @default 0 */
  readonly seed?: number;
  /** Timestamps of events. @default systemClock */
  readonly clock?: Clock;
  /** Start and drain failures. @default NULL_LOGGER */
  readonly logger?: Logger;
  /** Each lifecycle change (scaled, starting, ready, draining, stopped), for the view and report. */
  readonly onEvent?: (event: PoolEvent) => void;
  /** Outstanding requests per replica (from the router), to remove the least busy. */
  readonly outstanding?: (replicaId: string) => number;
  /** Starts a replica's server (tests pass a fake). @default startEmulator */
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
  /** Every replica ever started, stopped ones included (copies), in creation order. */
  replicas(): readonly ReplicaInfo[];
  /** The replicas a router may send to: ready ones. */
  routable(): readonly ReplicaInfo[];
  /** A replica's lifecycle state (the router attributes failures with it). */
  stateOf(replicaId: string): ReplicaInfo["state"] | undefined;
  /** Per-variant counts now (desired, loading, ready, draining, unschedulable, GPUs). */
  variants(): readonly VariantStatus[];
  /** GPUs per accelerator, as configured. */
  readonly inventory: GpuInventory | undefined;
  /** Resolves true when every desired replica is ready, false after `timeoutMs` (ms). */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** Drains and stops every replica; resolves when all have stopped. */
  close(): Promise<void>;
}

/**
 * Everything the pool holds: the options with defaults applied, the desired count per variant,
 * every replica record ever created (stopped ones stay, for the report), the drains in flight,
 * the readiness-probe timer. Mutated only by the functions below, all on one event loop; a new
 * fault or rule adds a field here.
 */
interface PoolState {
  readonly options: LocalPoolOptions;
  readonly clock: Clock;
  readonly log: Logger;
  readonly starter: ReplicaStarter;
  /** Outstanding requests per replica (from the router). */
  readonly outstanding: (replicaId: string) => number;
  readonly specs: ReadonlyMap<string, LocalVariantSpec>;
  /** Desired replicas per variant (the last scale request). */
  readonly desired: Map<string, number>;
  readonly records: ReplicaRecord[];
  /** Drains in flight; `close()` waits for them. */
  readonly stopping: Set<Promise<void>>;
  /** Next replica number (ids are never reused). */
  seq: number;
  probeTimer: ReturnType<typeof setInterval> | undefined;
  /** Set by `close()`: no more reconciling or retries. */
  closed: boolean;
}

/** Creates a pool (call `start()` to launch the initial replicas). */
export function createLocalPool(options: LocalPoolOptions): LocalPool {
  const s: PoolState = {
    options,
    clock: options.clock ?? systemClock,
    log: options.logger ?? NULL_LOGGER,
    starter: options.startReplica ?? ((o) => startEmulator(o)),
    outstanding: options.outstanding ?? (() => 0),
    specs: new Map(options.variants.map((v) => [v.name, v])),
    desired: new Map(options.variants.map((v) => [v.name, 0])),
    records: [],
    stopping: new Set(),
    seq: 0,
    probeTimer: undefined,
    closed: false,
  };
  return {
    inventory: options.inventory,
    start: () => startPool(s),
    scale: (variant, replicas) => scale(s, variant, replicas),
    replicas: () => s.records.map(replicaInfo),
    routable: () => s.records.filter((r) => r.state === "ready").map(replicaInfo),
    stateOf: (id) => s.records.find((r) => r.id === id)?.state,
    variants: () => variants(s),
    snapshot: () => Promise.resolve(snapshot(s)),
    apply: (report) => Promise.resolve(apply(s, report)),
    whenReady: (timeoutMs) => whenReady(s, timeoutMs),
    close: () => closePool(s),
  };
}

function emit(s: PoolState, e: Omit<PoolEvent, "atMs">): void {
  s.options.onEvent?.({ atMs: s.clock.nowMs(), ...e });
}

function ofVariant(s: PoolState, name: string): ReplicaRecord[] {
  return s.records.filter((r) => r.variant === name);
}

/** GPUs of `accelerator` not held by any replica (Infinity without an inventory). */
function freeGpus(s: PoolState, accelerator: string): number {
  if (s.options.inventory?.[accelerator] === undefined) return Infinity;
  const holders = [...s.specs.values()].map((spec) => ({
    ...spec,
    replicas: s.records.filter((r) => r.variant === spec.name && holdsGpus(r)).length,
  }));
  return freeOf(s.options.inventory, holders)[accelerator]!;
}

/** Starts one replica of `spec` (state `loading` until the readiness probe answers). */
function launch(s: PoolState, spec: LocalVariantSpec): void {
  const n = s.seq++;
  const r: ReplicaRecord = {
    id: `${spec.name}-${n}`,
    seq: n,
    variant: spec.name,
    url: "",
    state: "loading",
    createdAtMs: s.clock.nowMs(),
  };
  s.records.push(r);
  emit(s, { kind: "replica-starting", variant: spec.name, replica: r.id });
  r.started = s.starter({
    ...spec.emulator,
    host: "127.0.0.1",
    port: 0,
    model: spec.modelId,
    startupDelayMs: s.options.loadingDelayMs,
    drainTimeoutMs: s.options.drainTimeoutMs ?? 120_000,
    seed: (s.options.seed ?? 0) + n,
  }).then((server) => {
    r.server = server;
    r.url = server.url;
    if (r.state === "draining") void finishDrain(s, r);
  }, (err) => {
    s.log.error("replica-start-failed", { replica: r.id, error: (err as Error).message });
    // No immediate retry (it would fail again at once): the next scale() call retries.
    markStopped(s, r, `start failed: ${(err as Error).message}`, false);
  });
}

function markStopped(s: PoolState, r: ReplicaRecord, detail?: string, retry = true): void {
  if (r.state === "stopped") return;
  r.state = "stopped";
  r.stoppedAtMs = s.clock.nowMs();
  emit(s, { kind: "replica-stopped", variant: r.variant, replica: r.id, detail });
  // Its GPUs are free now: a replica waiting for them may start.
  if (retry && !s.closed) reconcileAll(s);
}

async function finishDrain(s: PoolState, r: ReplicaRecord): Promise<void> {
  const server = r.server;
  if (!server) return; // not bound yet: drained as soon as it is (see launch)
  const p = server.drain().catch((err) => {
    s.log.warn("replica-drain-failed", { replica: r.id, error: (err as Error).message });
  }).then(() => markStopped(s, r));
  s.stopping.add(p);
  await p;
  s.stopping.delete(p);
}

function remove(s: PoolState, r: ReplicaRecord): void {
  // Out of the router first: `routable()` only lists ready replicas.
  r.state = "draining";
  r.drainStartedAtMs = s.clock.nowMs();
  emit(s, { kind: "replica-draining", variant: r.variant, replica: r.id });
  void finishDrain(s, r);
}

/** Moves a variant toward its desired count: removes the surplus, starts what GPUs allow. */
function reconcile(s: PoolState, spec: LocalVariantSpec): void {
  if (s.closed) return;
  const active = ofVariant(s, spec.name).filter(isActive);
  const want = s.desired.get(spec.name)!;
  if (want < active.length) {
    for (const r of removalOrder(active, s.outstanding).slice(0, active.length - want)) {
      remove(s, r);
    }
    return;
  }
  let missing = want - active.length;
  while (
    missing > 0 &&
    replicasThatFit(freeGpus(s, spec.accelerator), spec.gpusPerReplica) >= 1
  ) {
    launch(s, spec);
    missing--;
  }
}

function reconcileAll(s: PoolState): void {
  for (const spec of s.specs.values()) reconcile(s, spec);
}

/** Probes every bound loading replica once; one that answers becomes `ready`. */
async function probe(s: PoolState): Promise<void> {
  for (const r of s.records) {
    if (r.state !== "loading" || !r.url || r.probing) continue;
    r.probing = true;
    const ok = await probeReady(r.url, s.options.fetch ? { fetch: s.options.fetch } : {});
    r.probing = false;
    if (ok && r.state === "loading") {
      r.state = "ready";
      r.readyAtMs = s.clock.nowMs();
      emit(s, { kind: "replica-ready", variant: r.variant, replica: r.id });
    }
  }
}

function scale(s: PoolState, variant: string, replicas: number): void {
  const spec = s.specs.get(variant);
  if (!spec) throw new Error(`unknown variant ${variant}`);
  const to = Math.max(0, Math.floor(replicas));
  const from = s.desired.get(variant)!;
  if (from === to) return reconcile(s, spec);
  s.desired.set(variant, to);
  emit(s, { kind: "scaled", variant, detail: `${from} → ${to}` });
  reconcile(s, spec);
}

function variants(s: PoolState): VariantStatus[] {
  return [...s.specs.values()].map((spec) =>
    variantStatus(
      spec,
      s.desired.get(spec.name)!,
      ofVariant(s, spec.name),
      freeGpus(s, spec.accelerator),
    )
  );
}

/** The `ClusterReader` view: current = desired (as `spec.replicas`), pending = loading + unschedulable. */
function snapshot(s: PoolState): ClusterSnapshot {
  return {
    variants: variants(s).map((v) => ({
      namespace: v.spec.namespace,
      name: v.spec.name,
      modelId: v.spec.modelId,
      accelerator: v.spec.accelerator,
      costPerReplica: v.spec.costPerReplica,
      gpusPerReplica: v.spec.gpusPerReplica,
      minReplicas: v.spec.minReplicas,
      maxReplicas: v.spec.maxReplicas,
      currentReplicas: v.desired,
      readyReplicas: v.ready,
      pendingReplicas: v.loading + v.unschedulable,
      replicaIds: ofVariant(s, v.spec.name).filter(isActive).map((r) => r.id),
      perf: v.spec.perf,
      engine: v.spec.engine,
      kvCapacityTokens: v.spec.kvCapacityTokens,
      problems: [],
    })),
    ...(s.options.inventory ? { inventory: s.options.inventory } : {}),
  };
}

/** The `DecisionSink`: each outcome with a desired count scales its variant. */
function apply(s: PoolState, report: CycleReport): ActuationResult {
  let applied = 0;
  const errors: { variant: string; message: string }[] = [];
  for (const v of report.variants) {
    if (v.desiredReplicas === undefined) continue;
    if (!s.specs.has(v.name)) {
      errors.push({ variant: v.name, message: "not a variant of this pool" });
      continue;
    }
    scale(s, v.name, v.desiredReplicas);
    applied++;
  }
  return { applied, errors };
}

async function whenReady(s: PoolState, timeoutMs: number): Promise<boolean> {
  const deadline = s.clock.nowMs() + timeoutMs;
  for (;;) {
    if (variants(s).every((v) => v.ready >= v.desired)) return true;
    if (s.clock.nowMs() >= deadline) return false;
    await s.clock.sleep(50);
  }
}

function startPool(s: PoolState): void {
  for (const spec of s.specs.values()) scale(s, spec.name, spec.initialReplicas);
  const every = s.options.probeIntervalMs ?? 250;
  s.probeTimer = setInterval(() => void probe(s), every);
}

async function closePool(s: PoolState): Promise<void> {
  s.closed = true;
  if (s.probeTimer !== undefined) clearInterval(s.probeTimer);
  await Promise.all(s.records.map((r) => r.started));
  for (const r of s.records) if (isActive(r)) remove(s, r);
  while (s.stopping.size > 0) await Promise.all([...s.stopping]);
}
