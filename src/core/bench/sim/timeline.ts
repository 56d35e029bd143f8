/**
 * Samples of the cluster over time, every `timelineStepSec`: per variant the Deployment's replicas
 * and its pods by state, per model the gateway queue and the requests in the replicas.
 *
 * @module
 */
import { DRAINING, LOADING, PENDING, READY, STUCK, type World } from "./types.ts";
import { every } from "./world.ts";

/** Columns of one variant's timeline. */
export interface VariantTimeline {
  readonly variant: string;
  readonly model: string;
  readonly spec: number[];
  readonly ready: number[];
  /** Loading (or stuck) pods: GPU held, not serving. */
  readonly loading: number[];
  readonly pending: number[];
  readonly draining: number[];
}

/** Columns of one model's timeline. */
export interface ModelTimeline {
  readonly model: string;
  readonly queued: number[];
  readonly running: number[];
}

/** The sampled timelines of one run. */
export interface Timeline {
  readonly tSec: number[];
  readonly variants: VariantTimeline[];
  readonly models: ModelTimeline[];
}

/** Starts sampling; the returned object fills as the run goes. */
export function startTimeline(w: World): Timeline {
  const tl: Timeline = {
    tSec: [],
    variants: w.variants.map((v) => ({
      variant: v.name,
      model: v.model.name,
      spec: [],
      ready: [],
      loading: [],
      pending: [],
      draining: [],
    })),
    models: w.models.map((m) => ({ model: m.name, queued: [], running: [] })),
  };
  every(w, 0, w.settings.timelineStepMs, () => {
    tl.tSec.push(w.nowMs / 1000);
    w.variants.forEach((v, i) => {
      const row = tl.variants[i]!;
      const count = (states: readonly number[]) =>
        v.pods.filter((p) => states.includes(p.state)).length;
      row.spec.push(v.specReplicas);
      row.ready.push(count([READY]));
      row.loading.push(count([LOADING, STUCK]));
      row.pending.push(count([PENDING]));
      row.draining.push(count([DRAINING]));
    });
    w.models.forEach((m, i) => {
      let running = 0;
      for (const v of m.variants) for (const p of v.pods) running += p.outstanding;
      tl.models[i]!.queued.push(m.queued);
      tl.models[i]!.running.push(running);
    });
  });
  return tl;
}
