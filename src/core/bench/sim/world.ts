/**
 * Builds the state of one arm's run (see types.ts) and the virtual-clock timer helpers.
 *
 * @module
 */
import { Deque } from "../../../../emulator/engine/deque.ts";
import { MinHeap } from "../../../../emulator/engine/min_heap.ts";
import { createRng } from "../../util/rng.ts";
import type { RequestPlan } from "../load/plan.ts";
import type { RunModel } from "../scenario/expand.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { IndexedHeap } from "./indexed_heap.ts";
import { PromStore } from "./prom_store.ts";
import type {
  GpuPool,
  ModelRt,
  Pod,
  Records,
  Timer,
  VariantRt,
  World,
  WorldSettings,
} from "./types.ts";

function settingsOf(scenario: Scenario, plan: RequestPlan): WorldSettings {
  const timeoutMs = scenario.client.timeoutSec * 1000;
  const lastArrival = plan.count > 0 ? plan.atMs[plan.count - 1]! : 0;
  return {
    loadingDelayMs: scenario.cluster.loadingDelaySec * 1000,
    readinessProbeMs: scenario.cluster.readinessProbeSec * 1000,
    drainGraceMs: scenario.cluster.drainGraceSec * 1000,
    scrapeIntervalMs: scenario.cluster.scrapeIntervalSec * 1000,
    scrapeOffsetMs: scenario.cluster.scrapeOffsetSec === undefined
      ? undefined
      : scenario.cluster.scrapeOffsetSec * 1000,
    lookbackMs: scenario.cluster.lookbackSec * 1000,
    timeoutMs,
    queueTtlMs: (scenario.gateway.queueTtlSec ?? scenario.client.timeoutSec) * 1000,
    metricDelayMs: scenario.faults.metricDelaySec * 1000,
    timelineStepMs: scenario.cluster.timelineStepSec * 1000,
    endMs: Math.max(plan.loadEndMs, lastArrival + timeoutMs) + 1,
  };
}

function records(n: number): Records {
  return {
    status: new Uint8Array(n),
    podOf: new Int32Array(n).fill(-1),
    ttftMs: new Float64Array(n).fill(NaN),
    itlMs: new Float64Array(n).fill(NaN),
    e2eMs: new Float64Array(n).fill(NaN),
    variantOf: new Int16Array(n).fill(-1),
  };
}

/** A fresh world for one arm: no pods yet (the arm's start creates them). */
export function createWorld(
  scenario: Scenario,
  models: readonly RunModel[],
  plan: RequestPlan,
  seed: number,
): World {
  const settings = settingsOf(scenario, plan);
  const variants: VariantRt[] = [];
  const modelRts: ModelRt[] = models.map((m, index) => {
    const rt: ModelRt = {
      index,
      name: m.name,
      slo: m.slo,
      variants: [],
      routable: [],
      queue: new Deque<number>(),
      queued: 0,
      queuedBytes: 0,
      cursor: 0,
      arrivals: 0,
      dispatched: 0,
      ttlArmed: false,
    };
    for (const spec of m.variants) {
      const v: VariantRt = {
        index: variants.length,
        name: spec.name,
        spec,
        model: rt,
        specReplicas: 0,
        pods: [],
        podSeq: 0,
      };
      rt.variants.push(v);
      variants.push(v);
    }
    return rt;
  });
  const gpus = new Map<string, GpuPool>();
  for (const [accel, total] of Object.entries(scenario.inventory ?? {})) {
    gpus.set(accel, { total, free: total, waiting: [] });
  }
  const maxWindowMs = 10 * 60_000;
  return {
    nowMs: 0,
    scenario,
    settings,
    plan,
    rng: createRng(seed),
    models: modelRts,
    variants,
    pods: [],
    gpus,
    podHeap: new IndexedHeap<Pod>(),
    timers: new MinHeap<Timer>(),
    records: records(plan.count),
    prom: new PromStore(settings.lookbackMs, Math.max(maxWindowMs, settings.lookbackMs)),
    scaleEvents: [],
    gpuMs: 0,
    costMs: 0,
    podSeq: 0,
    cursor: { next: 0, late: 0 },
  };
}

/** Runs `run` at `atMs` on the virtual clock (not before now). */
export function at(w: World, atMs: number, run: () => void): void {
  w.timers.push({ run }, Math.max(atMs, w.nowMs));
}

/** Runs `run` at `firstMs` and then every `periodMs` until the run ends. */
export function every(w: World, firstMs: number, periodMs: number, run: () => void): void {
  const tick = () => {
    run();
    if (w.nowMs + periodMs <= w.settings.endMs) at(w, w.nowMs + periodMs, tick);
  };
  at(w, firstMs, tick);
}

/** The next time ≥ now on the grid `offsetMs + k·periodMs` (a scrape or sync phase). */
export function nextOnGrid(nowMs: number, periodMs: number, offsetMs: number): number {
  const k = Math.ceil((nowMs - offsetMs) / periodMs);
  return offsetMs + Math.max(0, k) * periodMs;
}
