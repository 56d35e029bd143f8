/**
 * The mutable state of one arm's run on the virtual clock: models (each with its gateway pool and
 * queue), variants (each a Deployment), pods (each with its own batching engine once loaded), the
 * GPU inventory and the per-request outcome arrays. Everything here is plain data; the functions
 * that change it live beside it (pods.ts, gateway.ts, requests.ts, loop.ts).
 *
 * @module
 */
import type { Engine } from "../../../../emulator/engine/engine.ts";
import type { MinHeap } from "../../../../emulator/engine/min_heap.ts";
import type { Deque } from "../../../../emulator/engine/deque.ts";
import type { Slo } from "../../load/slo.ts";
import type { Rng } from "../../util/rng.ts";
import type { RequestPlan } from "../load/plan.ts";
import type { Variant } from "../scenario/model.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { HeapItem, IndexedHeap } from "./indexed_heap.ts";
import type { PromStore } from "./prom_store.ts";

/** Pod lifecycle: Pending (no GPU) → Loading (not Ready, no metrics) → Ready → Draining → Gone. */
export const PENDING = 0, LOADING = 1, READY = 2, DRAINING = 3, GONE = 4, STUCK = 5;

/** Request outcome codes (`Records.status`). */
export const PLANNED = 0,
  QUEUED = 1,
  RUNNING = 2,
  OK = 3,
  ERROR = 4,
  RATE_LIMITED = 5,
  TIMEOUT = 6,
  SHED = 7;

/** One pod of a variant. */
export interface Pod extends HeapItem {
  readonly id: number;
  readonly name: string;
  readonly variant: VariantRt;
  state: number;
  readonly createdMs: number;
  boundMs: number;
  readyMs: number;
  deletedMs: number;
  goneMs: number;
  engine: Engine | undefined;
  /** Requests the gateway sent here that have not finished. */
  outstanding: number;
  readonly scrapeLost: boolean;
  readonly neverStarts: boolean;
  /** vLLM counters, exported at each scrape. */
  readonly counters: PodCounters;
}

/** The cumulative counters a vLLM pod exports. */
export interface PodCounters {
  success: number;
  promptTokens: number;
  generationTokens: number;
  ttftSumSec: number;
  ttftCount: number;
  itlSumSec: number;
  itlCount: number;
}

/** A change of a Deployment's replicas. */
export interface ScaleEvent {
  readonly atMs: number;
  readonly variant: string;
  readonly from: number;
  readonly to: number;
  readonly by: string;
}

/** One variant: a Deployment of pods. */
export interface VariantRt {
  readonly index: number;
  /** Unique name (copies of a model get a suffix). */
  readonly name: string;
  readonly spec: Variant;
  readonly model: ModelRt;
  specReplicas: number;
  /** Pods that are not gone, in creation order. */
  readonly pods: Pod[];
  podSeq: number;
}

/** One model: its variants and the gateway's pool and queue for it. */
export interface ModelRt {
  readonly index: number;
  readonly name: string;
  readonly slo: Slo;
  readonly variants: VariantRt[];
  /** Ready pods the gateway may pick, by id. */
  readonly routable: Pod[];
  /** Request ids waiting in the gateway, FIFO (entries no longer QUEUED are skipped). */
  readonly queue: Deque<number>;
  queued: number;
  /** Bytes of the queued prompts (4 per prompt token), as the EPP's `queue_bytes`. */
  queuedBytes: number;
  cursor: number;
  /** Requests that reached the gateway (every one, whatever became of it). */
  arrivals: number;
  /** Requests the gateway sent to a pod (the EPP's successful scheduling attempts). */
  dispatched: number;
  ttlArmed: boolean;
}

/** GPUs of one accelerator type and the pods waiting for them (FIFO). */
export interface GpuPool {
  readonly total: number;
  free: number;
  readonly waiting: Pod[];
}

/** Per-request outcomes, indexed like the plan. */
export interface Records {
  readonly status: Uint8Array;
  readonly podOf: Int32Array;
  readonly ttftMs: Float64Array;
  readonly itlMs: Float64Array;
  readonly e2eMs: Float64Array;
  readonly variantOf: Int16Array;
}

/** A timer callback on the virtual clock. */
export interface Timer {
  readonly run: () => void;
}

/** Settings of a run derived from the scenario (ms). */
export interface WorldSettings {
  readonly loadingDelayMs: number;
  /** Period of the readiness probe (0: Ready as soon as loaded). */
  readonly readinessProbeMs: number;
  readonly drainGraceMs: number;
  readonly scrapeIntervalMs: number;
  /** One scrape offset for every target; undefined: a random one per target. */
  readonly scrapeOffsetMs: number | undefined;
  readonly lookbackMs: number;
  readonly timeoutMs: number;
  readonly queueTtlMs: number;
  readonly metricDelayMs: number;
  readonly timelineStepMs: number;
  /** When the run stops: every request is resolved by then. */
  readonly endMs: number;
}

/** The whole run. */
export interface World {
  nowMs: number;
  readonly scenario: Scenario;
  readonly settings: WorldSettings;
  readonly plan: RequestPlan;
  readonly rng: Rng;
  readonly models: readonly ModelRt[];
  readonly variants: readonly VariantRt[];
  readonly pods: Pod[];
  readonly gpus: Map<string, GpuPool>;
  readonly podHeap: IndexedHeap<Pod>;
  readonly timers: MinHeap<Timer>;
  readonly records: Records;
  readonly prom: PromStore;
  readonly scaleEvents: ScaleEvent[];
  /** GPU-milliseconds and cost-milliseconds (cost/hour × ms) held within the load window. */
  gpuMs: number;
  costMs: number;
  podSeq: number;
  /** Where the event loop stopped: next arrival and oldest request not yet resolved. */
  readonly cursor: { next: number; late: number };
}
