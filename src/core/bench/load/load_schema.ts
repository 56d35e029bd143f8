/**
 * The `load:` block of a bench scenario, as one zod schema over the load plan's own parsers
 * (src/core/load): exactly one of
 *
 * - `rpm: [[seconds, requests-per-minute], …]` — the seeds' schedule;
 * - `stages: "60s@2rps,2m@2..10rps"` (or a list of such strings / `{duration, rate}` objects);
 * - `jobs: [{startSec, ratePerSec, durationSec}, …]` — overlapping jobs, each its own arrival
 *   process (the paper-like ramp: 20, 30 and 15 req/s started at 0, 120 and 240 s);
 * - `trace: {path, format}` — replay of a file with a timestamp, input and output tokens per row
 *   (CSV with a header, or JSONL); the runner reads the file and hands its text to the plan.
 *
 * plus the arrival process, token-length distributions (`128`, `64..256`, `normal:128:32`),
 * `scale`, a factor on every rate (for a trace: time is compressed by it), and `drawAs`: with
 * `loadgen`, the requests are the very ones `wva loadgen --seed S` (and `wva demo --seed S`)
 * sends on the same schedule, one for one (load/plan.ts).
 *
 * @module
 */
import { z } from "zod";
import { ArrivalProcessSchema } from "../../load/arrivals.ts";
import { type LengthDist, LengthDistSchema, parseLengthSpec } from "../../load/lengths.ts";
import {
  parseRpmList,
  parseStagesSpec,
  type Stage,
  stagesFromDocument,
} from "../../load/schedule.ts";

/** Parses a value with a load-plan parser, turning its error into a zod issue on this field. */
function via<T>(parse: (v: never) => T) {
  return (v: unknown, ctx: z.RefinementCtx): T => {
    try {
      return parse(v as never);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  };
}

/** A token-length distribution as text (`128`, `64..256`, `normal:128:32`), number or object. */
export const LengthSchema = z.union([
  z.number().int().positive().transform((tokens): LengthDist => ({ kind: "fixed", tokens })),
  z.string().transform(via((s: string) => parseLengthSpec(s, "tokens"))),
  LengthDistSchema,
]);

const StagesSchema = z.union([z.string(), z.array(z.unknown())]).transform(
  via((v: string | unknown[]) =>
    typeof v === "string" ? parseStagesSpec(v, "stages") : stagesFromDocument(v, "stages")
  ),
);

const RpmSchema = z.array(z.tuple([z.number(), z.number()])).transform(
  via((pairs: [number, number][]) => parseRpmList(JSON.stringify(pairs), "rpm")),
);

/** One job of overlapping jobs: a constant rate from `startSec` for `durationSec`. */
export const JobSchema = z.strictObject({
  startSec: z.number().min(0),
  ratePerSec: z.number().positive(),
  durationSec: z.number().positive(),
});

/** A trace file to replay. */
export const TraceRefSchema = z.strictObject({
  path: z.string().min(1),
  /** @default by the file extension (`.csv` → csv, anything else → jsonl) */
  format: z.enum(["csv", "jsonl"]).optional(),
  /** Unit of the timestamp column. @default "s" */
  timeUnit: z.enum(["s", "ms"]).default("s"),
});

/** A trace file reference. */
export type TraceRef = z.output<typeof TraceRefSchema>;

/** The load of one model. */
export const LoadSchema = z.strictObject({
  rpm: RpmSchema.optional(),
  stages: StagesSchema.optional(),
  jobs: z.array(JobSchema).min(1).optional(),
  trace: TraceRefSchema.optional(),
  arrival: ArrivalProcessSchema.default("poisson"),
  /** CV of the gaps for `gamma` arrivals. */
  cv: z.number().positive().finite().default(1),
  promptTokens: LengthSchema.default({ kind: "fixed", tokens: 128 }),
  outputTokens: LengthSchema.default({ kind: "fixed", tokens: 128 }),
  /** Factor on every rate. */
  scale: z.number().positive().finite().default(1),
  /**
   * How the plan draws this load's arrivals and lengths from the seed: `bench` (its own streams
   * per model) or `loadgen` (as `wva loadgen --seed <scenario seed>` does; `stages` or `rpm` only).
   */
  drawAs: z.enum(["bench", "loadgen"]).default("bench"),
}).check((ctx) => {
  const given = (["rpm", "stages", "jobs", "trace"] as const).filter((k) =>
    ctx.value[k] !== undefined
  );
  if (given.length !== 1) {
    ctx.issues.push({
      code: "custom",
      input: given,
      path: [],
      message: `give exactly one of rpm, stages, jobs or trace (got ${
        given.length ? given.join(", ") : "none"
      })`,
    });
  }
  if (ctx.value.drawAs === "loadgen" && (ctx.value.jobs || ctx.value.trace)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value.drawAs,
      path: ["drawAs"],
      message: "loadgen draws one schedule: give stages or rpm",
    });
  }
});

/** A model's load after parsing. */
export type Load = z.output<typeof LoadSchema>;

/** A load as written. */
export type LoadInput = z.input<typeof LoadSchema>;

/** The schedules of a load that is not a trace: one per job (a single one for rpm/stages). */
export function loadSchedules(
  load: Load,
): readonly { readonly startMs: number; readonly stages: readonly Stage[] }[] {
  const scale = (stages: readonly Stage[]) =>
    stages.map((s) => ({
      ...s,
      fromRatePerSec: s.fromRatePerSec * load.scale,
      toRatePerSec: s.toRatePerSec * load.scale,
    }));
  if (load.jobs) {
    return load.jobs.map((j) => ({
      startMs: j.startSec * 1000,
      stages: scale([{
        durationMs: j.durationSec * 1000,
        fromRatePerSec: j.ratePerSec,
        toRatePerSec: j.ratePerSec,
      }]),
    }));
  }
  const stages = load.rpm ?? load.stages;
  return stages ? [{ startMs: 0, stages: scale(stages) }] : [];
}
