/**
 * The request plan every arm replays: all arrivals of all models, merged in time order, with
 * their token counts, computed once per seed (so every arm sees the very same requests). Stored
 * in typed arrays: a one-hour trace at 20 req/s is 72 000 rows.
 *
 * @module
 */
import { arrivals } from "../../load/arrivals.ts";
import { sampleLength } from "../../load/lengths.ts";
import { type Stage, targetRateAt } from "../../load/schedule.ts";
import { createRng, type Rng } from "../../util/rng.ts";
import { type Load, loadSchedules } from "./load_schema.ts";
import { parseTrace, traceFormatOf } from "./trace.ts";

/** What the plan says about one model's load. */
export interface PlannedModel {
  readonly requests: number;
  /** Highest target rate (schedules) or busiest 60 s (traces), req/s. */
  readonly peakRatePerSec: number;
  /** Requests / load length, req/s. */
  readonly meanRatePerSec: number;
  readonly meanPromptTokens: number;
  readonly meanOutputTokens: number;
  /** Times (ms) where the target rate steps up by ≥ 20 % (job starts, stage edges). */
  readonly stepsUpMs: readonly number[];
}

/** Every planned request, sorted by arrival. */
export interface RequestPlan {
  readonly count: number;
  readonly atMs: Float64Array;
  readonly promptTokens: Int32Array;
  readonly outputTokens: Int32Array;
  readonly model: Uint16Array;
  /** End of the load: the schedules' end or the last trace arrival. */
  readonly loadEndMs: number;
  readonly models: readonly PlannedModel[];
}

interface ModelRows {
  readonly at: number[];
  readonly prompt: number[];
  readonly output: number[];
  readonly endMs: number;
  readonly planned: PlannedModel;
}

/** Total target rate of a set of schedules at `tMs`. */
function rateAt(schedules: ReturnType<typeof loadSchedules>, tMs: number): number {
  let r = 0;
  for (const s of schedules) r += targetRateAt(s.stages, tMs - s.startMs);
  return r;
}

function breakpoints(schedules: ReturnType<typeof loadSchedules>): number[] {
  const out = new Set<number>();
  for (const s of schedules) {
    let t = s.startMs;
    out.add(t);
    for (const st of s.stages) out.add(t += st.durationMs);
  }
  return [...out].sort((a, b) => a - b);
}

type Draws = Pick<ModelRows, "at" | "prompt" | "output">;

/** The bench's own draws: arrivals per schedule from forks of `rng`, then every length. */
function benchDraws(load: Load, schedules: ReturnType<typeof loadSchedules>, rng: Rng): Draws {
  const at: number[] = [];
  for (const s of schedules) {
    for (const a of arrivals(s.stages, { process: load.arrival, cv: load.cv, rng: rng.fork() })) {
      at.push(s.startMs + a.atMs);
    }
  }
  at.sort((a, b) => a - b);
  const lengths = rng.fork();
  const prompt = at.map(() => sampleLength(load.promptTokens, lengths));
  const output = at.map(() => sampleLength(load.outputTokens, lengths));
  return { at, prompt, output };
}

/**
 * The requests `wva loadgen --seed <seed>` sends on the one schedule (adapters/loadgen/runner.ts):
 * arrivals from the seed's first fork, then per request its prompt and its output length from
 * the second. tests/bench/realtime_agreement_test.ts checks this against the runner itself.
 */
function loadgenDraws(load: Load, stages: readonly Stage[], seed: number): Draws {
  const root = createRng(seed);
  const arrivalRng = root.fork(), lengthRng = root.fork();
  const at: number[] = [], prompt: number[] = [], output: number[] = [];
  for (const a of arrivals(stages, { process: load.arrival, cv: load.cv, rng: arrivalRng })) {
    at.push(a.atMs);
    prompt.push(sampleLength(load.promptTokens, lengthRng));
    output.push(sampleLength(load.outputTokens, lengthRng));
  }
  return { at, prompt, output };
}

function scheduleRows(load: Load, rng: Rng, seed: number): ModelRows {
  const schedules = loadSchedules(load);
  const { at, prompt, output } = load.drawAs === "loadgen"
    ? loadgenDraws(load, schedules[0]!.stages, seed)
    : benchDraws(load, schedules, rng);
  const points = breakpoints(schedules);
  const endMs = points[points.length - 1] ?? 0;
  let peak = 0;
  const stepsUpMs: number[] = [];
  for (const t of points) {
    const before = t > 0 ? rateAt(schedules, t - 1e-6) : 0;
    const after = rateAt(schedules, t);
    peak = Math.max(peak, before, after);
    if (t > 0 && after > before && after - before >= 0.2 * before) stepsUpMs.push(t);
  }
  return {
    at,
    prompt,
    output,
    endMs,
    planned: summarize(at, prompt, output, { endMs, peak, stepsUpMs }),
  };
}

function summarize(
  at: readonly number[],
  prompt: readonly number[],
  output: readonly number[],
  x: { endMs: number; peak: number; stepsUpMs: number[] },
): PlannedModel {
  const mean = (
    xs: readonly number[],
  ) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : 0);
  return {
    requests: at.length,
    peakRatePerSec: x.peak,
    meanRatePerSec: x.endMs > 0 ? at.length / (x.endMs / 1000) : 0,
    meanPromptTokens: mean(prompt),
    meanOutputTokens: mean(output),
    stepsUpMs: x.stepsUpMs,
  };
}

function traceRows(load: Load, text: string): ModelRows {
  const ref = load.trace!;
  const t = parseTrace(text, {
    format: ref.format ?? traceFormatOf(ref.path),
    timeUnit: ref.timeUnit,
    source: ref.path,
  });
  const at = Array.from(t.atMs, (ms) => ms / load.scale);
  const endMs = at[at.length - 1]! + 1;
  let peak = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= 60_000) j++;
    peak = Math.max(peak, (i - j + 1) / 60);
  }
  const prompt = Array.from(t.promptTokens), output = Array.from(t.outputTokens);
  return {
    at,
    prompt,
    output,
    endMs,
    planned: summarize(at, prompt, output, { endMs, peak, stepsUpMs: [] }),
  };
}

/**
 * Builds the plan of every model's load from one seed.
 *
 * @param traces file contents by trace path (the runner reads them)
 * @example
 * ```ts
 * import { buildRequestPlan } from "./plan.ts";
 * import { LoadSchema } from "./load_schema.ts";
 * const load = LoadSchema.parse({ jobs: [{ startSec: 0, ratePerSec: 2, durationSec: 10 }], arrival: "constant" });
 * const plan = buildRequestPlan([load], { seed: 1 });
 * if (plan.count !== 20) throw new Error(String(plan.count));
 * ```
 */
export function buildRequestPlan(
  loads: readonly Load[],
  options: { readonly seed: number; readonly traces?: ReadonlyMap<string, string> },
): RequestPlan {
  const root = createRng(options.seed);
  const rows = loads.map((load) => {
    const rng = root.fork();
    if (!load.trace) return scheduleRows(load, rng, options.seed);
    const text = options.traces?.get(load.trace.path);
    if (text === undefined) {
      throw new RangeError(`Cannot replay the trace: ${load.trace.path} was not read`);
    }
    return traceRows(load, text);
  });
  return mergeRows(rows);
}

function mergeRows(rows: readonly ModelRows[]): RequestPlan {
  const count = rows.reduce((s, r) => s + r.at.length, 0);
  const order: [number, number][] = [];
  rows.forEach((r, m) => r.at.forEach((_, i) => order.push([m, i])));
  order.sort((a, b) => rows[a[0]]!.at[a[1]]! - rows[b[0]]!.at[b[1]]! || a[0] - b[0] || a[1] - b[1]);
  const plan = {
    count,
    atMs: new Float64Array(count),
    promptTokens: new Int32Array(count),
    outputTokens: new Int32Array(count),
    model: new Uint16Array(count),
  };
  order.forEach(([m, i], k) => {
    const r = rows[m]!;
    plan.atMs[k] = r.at[i]!;
    plan.promptTokens[k] = r.prompt[i]!;
    plan.outputTokens[k] = r.output[i]!;
    plan.model[k] = m;
  });
  return {
    ...plan,
    loadEndMs: Math.max(0, ...rows.map((r) => r.endMs)),
    models: rows.map((r) => r.planned),
  };
}

/**
 * The plan cut to its first `endMs` of load (arrivals at or after it dropped, steps after it
 * forgotten): a shortened replay of the same requests (tests, quick looks). Peaks and means
 * stay the whole load's, so sized arms are sized as for the full run.
 */
export function truncatePlan(plan: RequestPlan, endMs: number): RequestPlan {
  if (endMs >= plan.loadEndMs) return plan;
  let count = 0;
  while (count < plan.count && plan.atMs[count]! < endMs) count++;
  return {
    count,
    atMs: plan.atMs.slice(0, count),
    promptTokens: plan.promptTokens.slice(0, count),
    outputTokens: plan.outputTokens.slice(0, count),
    model: plan.model.slice(0, count),
    loadEndMs: endMs,
    models: plan.models.map((m) => ({ ...m, stepsUpMs: m.stepsUpMs.filter((t) => t < endMs) })),
  };
}
