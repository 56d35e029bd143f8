/**
 * Seeded arrival times for an open-loop load: every send time is an absolute offset from the run
 * start, computed up front from the schedule, so a slow send never shifts the ones after it.
 *
 * Method (time rescaling): draw a unit-rate renewal process in "operational time" u (gaps of
 * exactly 1 for `constant`, Exp(1) for `poisson`, Gamma(1/cv², cv²) for `gamma`), then map each u
 * through the inverse of the cumulative rate Λ(t) = ∫₀ᵗ rate. For a constant process this gives
 * exactly ⌈Λ(T)⌉ requests (the first at t = 0); for poisson it is an exact non-homogeneous Poisson
 * process, ramps included; gamma keeps the burstiness (CV of gaps) at every rate.
 *
 * @module
 */
import { z } from "zod";
import type { Rng } from "../util/rng.ts";
import type { Stage } from "./schedule.ts";

/** Inter-arrival process names. */
export const ArrivalProcessSchema = z.enum(["constant", "poisson", "gamma"], {
  error: "expected constant, poisson or gamma",
});

/** `constant` (evenly spaced), `poisson` (exponential gaps) or `gamma` (bursty, CV ≠ 1). */
export type ArrivalProcess = z.infer<typeof ArrivalProcessSchema>;

/** One planned request. */
export interface Arrival {
  /** 0-based sequence number. */
  readonly index: number;
  /** Send time in ms from the run start. */
  readonly atMs: number;
  /** Index of the stage the send time falls in. */
  readonly stage: number;
}

/** Options for {@linkcode arrivals}. */
export interface ArrivalOptions {
  readonly process: ArrivalProcess;
  /** Coefficient of variation of the gaps for `gamma` (1 = poisson, > 1 burstier). @default 1 */
  readonly cv?: number;
  /** Seeded source; only `poisson` and `gamma` draw from it. */
  readonly rng: Rng;
}

interface StageSpan {
  readonly startSec: number;
  readonly durationSec: number;
  readonly r0: number;
  readonly slope: number;
  readonly areaStart: number;
  readonly area: number;
}

function spans(stages: readonly Stage[]): StageSpan[] {
  const out: StageSpan[] = [];
  let startSec = 0;
  let areaStart = 0;
  for (const s of stages) {
    const durationSec = s.durationMs / 1000;
    const slope = Number.isFinite(durationSec)
      ? (s.toRatePerSec - s.fromRatePerSec) / durationSec
      : 0;
    const area = ((s.fromRatePerSec + s.toRatePerSec) / 2) * durationSec;
    out.push({ startSec, durationSec, r0: s.fromRatePerSec, slope, areaStart, area });
    startSec += durationSec;
    areaStart += area;
  }
  return out;
}

/** Seconds into a stage at which its cumulative rate reaches `du` (inverse of r0·t + slope·t²/2). */
function invertWithin(span: StageSpan, du: number): number {
  const disc = Math.max(0, span.r0 * span.r0 + 2 * span.slope * du);
  const denom = span.r0 + Math.sqrt(disc);
  const t = denom > 0 ? (2 * du) / denom : 0;
  return Math.min(Math.max(0, t), span.durationSec);
}

function gapSampler(options: ArrivalOptions): () => number {
  if (options.process === "constant") return () => 1;
  if (options.process === "poisson") return () => options.rng.exponential(1);
  const cv = options.cv ?? 1;
  if (!(cv > 0) || !Number.isFinite(cv)) {
    throw new RangeError(`Cannot draw gamma arrivals: cv must be > 0, current value is ${cv}`);
  }
  const shape = 1 / (cv * cv);
  return () => options.rng.gamma(shape, 1 / shape);
}

/** Tolerance on operational time so that e.g. 80/60·120 = 159.99999… still yields 160 sends. */
const EPS = 1e-9;

/**
 * Yields the planned arrivals of `stages` in time order; infinite stages yield forever.
 *
 * @example
 * ```ts
 * import { arrivals } from "./arrivals.ts";
 * import { createRng } from "../util/rng.ts";
 * const stages = [{ durationMs: 10_000, fromRatePerSec: 20, toRatePerSec: 20 }];
 * const n = [...arrivals(stages, { process: "constant", rng: createRng(1) })].length;
 * if (n !== 200) throw new Error(`got ${n}`);
 * ```
 */
export function* arrivals(
  stages: readonly Stage[],
  options: ArrivalOptions,
): Generator<Arrival, void, undefined> {
  const list = spans(stages);
  const gap = gapSampler(options);
  let u = options.process === "constant" ? 0 : gap();
  let stage = 0;
  let index = 0;
  while (stage < list.length) {
    const span = list[stage]!;
    const du = u - span.areaStart;
    if (du >= span.area - EPS) {
      stage++;
      continue;
    }
    const atSec = span.startSec + invertWithin(span, Math.max(0, du));
    yield { index, atMs: atSec * 1000, stage };
    index++;
    u += gap();
  }
}

/** The first `limit` arrivals (all of them when the schedule is finite and `limit` omitted). */
export function planArrivals(
  stages: readonly Stage[],
  options: ArrivalOptions,
  limit = Infinity,
): readonly Arrival[] {
  const out: Arrival[] = [];
  for (const a of arrivals(stages, options)) {
    if (out.length >= limit) break;
    out.push(a);
  }
  return out;
}
