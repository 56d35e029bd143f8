/**
 * The figures of one arm's run, with one definition for every arm (docs/bench.md):
 *
 * - requests: planned requests (all of them reach the gateway); completed: answered in full;
 *   failed = requests − completed, split into errors (server error, killed by scale-down, prompt
 *   too large), 429 (gateway queue or a replica's queue full), timeouts (the client gave up) and
 *   shed (waited longer than the gateway queue's TTL).
 * - SLO attainment: share of *all* requests that completed within the TTFT bound (ttft01), the
 *   ITL bound (itl01; the request's mean inter-token gap, as wva's loadgen counts it), and both
 *   plus E2E when given (all01). A failed request misses every bound.
 * - goodput: requests that completed within every bound, per second of the load window.
 * - GPU-hours and cost: GPUs bound to pods (from scheduling to removal: loading and draining
 *   included), and replica cost per hour over the same time, within the load window.
 * - replicas over time: Deployment spec and Ready pods, summed over variants, per timeline step;
 * - scale events: changes of a Deployment's replicas; reaction to a step: for each step up of the
 *   target rate, the time to the first scale-up and to the first new Ready pod of that model.
 *
 * @module
 */
import { summarize, type Summary } from "../util/stats.ts";
import type { ArmRun } from "./run.ts";
import { ERROR, OK, RATE_LIMITED, SHED, TIMEOUT } from "./sim/types.ts";

/** Reaction to one step up of the load. */
export interface StepReaction {
  readonly model: string;
  readonly stepAtSec: number;
  /** Seconds to the first scale-up of the model's variants after the step (null: none). */
  readonly scaleUpSec: number | null;
  /** Seconds to the first pod of the model that became Ready after the step (null: none). */
  readonly readySec: number | null;
}

/** The figures of one arm. */
export interface ArmFigures {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly virtualSeconds: number;
  readonly loadSeconds: number;
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
  readonly failures: {
    readonly errors: number;
    readonly rateLimited: number;
    readonly timeouts: number;
    readonly shed: number;
  };
  readonly sloAttainment: {
    readonly ttft01: number;
    readonly itl01: number;
    readonly all01: number;
  };
  readonly goodputPerSec: number;
  readonly throughputPerSec: number;
  readonly latencyMs: { readonly ttft: Summary; readonly itl: Summary; readonly e2e: Summary };
  readonly gpuHours: number;
  readonly cost: number;
  /** GPU-hours / load hours: the mean number of GPUs held. */
  readonly meanGpus: number;
  readonly maxReplicas: number;
  /** Replicas over time, summed over every variant: Deployment spec and Ready pods. */
  readonly replicas: {
    readonly tSec: readonly number[];
    readonly spec: readonly number[];
    readonly ready: readonly number[];
  };
  readonly scaleEvents: { readonly up: number; readonly down: number };
  readonly reactions: readonly StepReaction[];
  readonly podsCreated: number;
  readonly podsStuck: number;
}

function counts(run: ArmRun) {
  const { status, ttftMs, itlMs, e2eMs } = run.records;
  const plan = run.plan;
  let completed = 0,
    errors = 0,
    rateLimited = 0,
    timeouts = 0,
    shed = 0,
    okTtft = 0,
    okItl = 0,
    good = 0;
  const ttft: number[] = [], itl: number[] = [], e2e: number[] = [];
  for (let i = 0; i < plan.count; i++) {
    const s = status[i];
    if (s === ERROR) errors++;
    else if (s === RATE_LIMITED) rateLimited++;
    else if (s === TIMEOUT) timeouts++;
    else if (s === SHED) shed++;
    if (s !== OK) continue;
    completed++;
    const slo = run.models[plan.model[i]!]!.slo;
    const t = ttftMs[i]!, g = itlMs[i]!, e = e2eMs[i]!;
    ttft.push(t);
    if (!Number.isNaN(g)) itl.push(g);
    e2e.push(e);
    const tOk = slo.ttftMs === undefined || t <= slo.ttftMs;
    const gap = Number.isNaN(g) ||
      ((slo.itlMs === undefined || g <= slo.itlMs) &&
        (slo.tpotMs === undefined || g <= slo.tpotMs));
    if (tOk) okTtft++;
    if (gap) okItl++;
    if (tOk && gap && (slo.e2eMs === undefined || e <= slo.e2eMs)) good++;
  }
  return { completed, errors, rateLimited, timeouts, shed, okTtft, okItl, good, ttft, itl, e2e };
}

/**
 * `summarize` of a large sample: a typed numeric sort first (much faster than a comparator
 * sort), after which summarize's own sort meets sorted input and is linear.
 */
function summary(values: number[]): Summary {
  return summarize(Array.from(Float64Array.from(values).sort()));
}

function reactions(run: ArmRun): StepReaction[] {
  const out: StepReaction[] = [];
  run.models.forEach((m, i) => {
    const names = new Set(m.variants.map((v) => v.name));
    for (const stepMs of run.plan.models[i]!.stepsUpMs) {
      const up = run.scaleEvents.find((e) =>
        e.atMs >= stepMs && e.to > e.from && names.has(e.variant)
      );
      const ready = run.readyEvents.find((e) => e.atMs >= stepMs && e.model === m.name);
      out.push({
        model: m.name,
        stepAtSec: stepMs / 1000,
        scaleUpSec: up ? (up.atMs - stepMs) / 1000 : null,
        readySec: ready ? (ready.atMs - stepMs) / 1000 : null,
      });
    }
  });
  return out;
}

function replicasOverTime(run: ArmRun): ArmFigures["replicas"] {
  const tl = run.timeline;
  const sum = (col: "spec" | "ready") =>
    tl.tSec.map((_, i) => tl.variants.reduce((s, v) => s + v[col][i]!, 0));
  return { tSec: tl.tSec, spec: sum("spec"), ready: sum("ready") };
}

/** Computes an arm's figures. */
export function armFigures(run: ArmRun): ArmFigures {
  const c = counts(run);
  const n = run.plan.count;
  const loadSec = run.plan.loadEndMs / 1000;
  const share = (x: number) => (n > 0 ? x / n : 0);
  const specMax = Math.max(0, ...run.timeline.variants.map((v) => Math.max(0, ...v.spec)));
  return {
    name: run.arm.name,
    label: run.arm.label ?? run.arm.name,
    type: run.arm.type,
    virtualSeconds: run.settings.endMs / 1000,
    loadSeconds: loadSec,
    requests: n,
    completed: c.completed,
    failed: n - c.completed,
    failures: { errors: c.errors, rateLimited: c.rateLimited, timeouts: c.timeouts, shed: c.shed },
    sloAttainment: { ttft01: share(c.okTtft), itl01: share(c.okItl), all01: share(c.good) },
    goodputPerSec: loadSec > 0 ? c.good / loadSec : 0,
    throughputPerSec: loadSec > 0 ? c.completed / loadSec : 0,
    latencyMs: { ttft: summary(c.ttft), itl: summary(c.itl), e2e: summary(c.e2e) },
    gpuHours: run.gpuHours,
    cost: run.cost,
    meanGpus: loadSec > 0 ? run.gpuHours / (loadSec / 3600) : 0,
    maxReplicas: specMax,
    replicas: replicasOverTime(run),
    scaleEvents: {
      up: run.scaleEvents.filter((e) => e.to > e.from).length,
      down: run.scaleEvents.filter((e) => e.to < e.from).length,
    },
    reactions: reactions(run),
    podsCreated: run.podsCreated,
    podsStuck: run.podsStuck,
  };
}
