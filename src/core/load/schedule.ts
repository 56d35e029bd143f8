/**
 * Rate schedules: a list of stages, each a duration with a rate that is constant or ramps
 * linearly from `fromRatePerSec` to `toRatePerSec`. Three textual forms parse into it:
 *
 * - the seeds' `loadgen.py` form `[[120, 60], [120, 80]]` (seconds, requests per MINUTE);
 * - stages with units `60s@2rps,120s@10rps`, ramps `60s@2..10rps` or `60s@2rps..10rps`;
 * - a YAML/JSON document (`stages:` list of such strings or `{duration, rate}` /
 *   `{duration, from, to}` objects), parsed by the shell and handed to {@linkcode stagesFromDocument}.
 *
 * @module
 */
import { z } from "zod";
import { parseDurationMs, UNIT_DURATION } from "../util/coerce.ts";
import { InputError } from "../util/validate.ts";
import { parseRatePerSec } from "./units.ts";

/** One stage of a schedule. Rates in requests per second; a ramp when from ≠ to. */
export interface Stage {
  readonly durationMs: number;
  readonly fromRatePerSec: number;
  readonly toRatePerSec: number;
}

/** zod schema of a {@linkcode Stage}, for stages that arrive as structured data. */
export const StageSchema = z.object({
  /** Infinity for an open-ended constant rate (runs until stopped). */
  durationMs: z.number().positive().or(z.literal(Infinity)),
  fromRatePerSec: z.number().nonnegative().finite(),
  toRatePerSec: z.number().nonnegative().finite(),
});

function checkStages(stages: readonly Stage[], what: string): readonly Stage[] {
  if (stages.length === 0) throw new InputError(`${what}: the schedule has no stages`);
  stages.forEach((s, i) => {
    if (!(s.durationMs > 0)) {
      throw new InputError(`${what}: stage ${i + 1} has a zero duration`);
    }
  });
  if (stages.every((s) => s.fromRatePerSec === 0 && s.toRatePerSec === 0)) {
    throw new InputError(`${what}: every stage has rate 0, nothing would be sent`);
  }
  return Object.freeze(stages.map((s) => Object.freeze({ ...s })));
}

/**
 * Parses the seeds' JSON form `[[seconds, rpm], ...]` (as WVA's loadgen.py: the rate is per
 * MINUTE, despite that tool's help text).
 *
 * @throws {InputError} when the text is not such a list
 */
export function parseRpmList(text: string, what = "--rate"): readonly Stage[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError(`${what}: "${text}" is not a JSON list like [[120, 60], [120, 80]]`);
  }
  const pairs = z.array(z.tuple([z.number().finite(), z.number().finite()])).safeParse(doc);
  if (!pairs.success) {
    throw new InputError(
      `${what}: expected a list of [seconds, requests-per-minute] pairs, got ${text}`,
    );
  }
  const stages = pairs.data.map(([sec, rpm], i) => {
    if (sec <= 0 || rpm < 0) {
      throw new InputError(
        `${what}: pair ${i + 1} [${sec}, ${rpm}] needs seconds > 0 and rpm ≥ 0`,
      );
    }
    return { durationMs: sec * 1000, fromRatePerSec: rpm / 60, toRatePerSec: rpm / 60 };
  });
  return checkStages(stages, what);
}

/** Parses one `DURATION@RATE` or `DURATION@FROM..TO` stage; a bare ramp start takes the end's unit. */
export function parseStageSpec(text: string, what: string): Stage {
  const at = text.indexOf("@");
  if (at < 0) {
    throw new InputError(`${what}: stage "${text}" must look like 60s@2rps or 60s@2..10rps`);
  }
  const durationMs = parseDurationMs(
    text.slice(0, at).trim(),
    UNIT_DURATION,
    `${what}: stage "${text}"`,
  );
  const rateText = text.slice(at + 1).trim();
  const dots = rateText.indexOf("..");
  if (dots < 0) {
    const rate = parseRatePerSec(rateText, `${what}: stage "${text}"`);
    return { durationMs, fromRatePerSec: rate, toRatePerSec: rate };
  }
  const toText = rateText.slice(dots + 2).trim();
  const toRatePerSec = parseRatePerSec(toText, `${what}: stage "${text}"`);
  const fromText = rateText.slice(0, dots).trim();
  const toUnit = /[a-z/]+$/i.exec(toText)?.[0]?.toLowerCase();
  const fromRatePerSec = parseRatePerSec(fromText, `${what}: stage "${text}"`, {
    ...(toUnit === "rpm" || toUnit === "rps" ? { defaultUnit: toUnit } : {}),
  });
  return { durationMs, fromRatePerSec, toRatePerSec };
}

/**
 * Parses `--stages` text: comma-separated {@linkcode parseStageSpec} items.
 *
 * @example
 * ```ts
 * import { parseStagesSpec } from "./schedule.ts";
 * const s = parseStagesSpec("60s@2rps,2m@2..10rps", "--stages");
 * if (s.length !== 2 || s[1]!.toRatePerSec !== 10) throw new Error("bad");
 * ```
 */
export function parseStagesSpec(text: string, what = "--stages"): readonly Stage[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return checkStages(items.map((item) => parseStageSpec(item, what)), what);
}

function stageFromObject(item: Record<string, unknown>, i: number, what: string): Stage {
  const where = `${what}: stages[${i}]`;
  const duration = item.duration;
  if (typeof duration !== "string") {
    throw new InputError(`${where}: "duration" must be text with a unit such as "60s"`);
  }
  const durationMs = parseDurationMs(duration, UNIT_DURATION, where);
  const read = (key: string): number | undefined => {
    const v = item[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" && typeof v !== "number") {
      throw new InputError(`${where}: "${key}" must be a rate such as "2rps"`);
    }
    return parseRatePerSec(String(v), `${where}.${key}`);
  };
  const rate = read("rate");
  const from = read("from");
  const to = read("to");
  if (rate !== undefined && from === undefined && to === undefined) {
    return { durationMs, fromRatePerSec: rate, toRatePerSec: rate };
  }
  if (rate === undefined && from !== undefined && to !== undefined) {
    return { durationMs, fromRatePerSec: from, toRatePerSec: to };
  }
  throw new InputError(`${where}: give either "rate" or both "from" and "to"`);
}

/**
 * Reads stages from a parsed YAML/JSON document: a list, or an object with a `stages` list; each
 * item is a stage string (`"60s@2rps"`) or an object `{duration, rate}` / `{duration, from, to}`.
 *
 * @throws {InputError} naming the stage index and field on any problem
 */
export function stagesFromDocument(doc: unknown, what: string): readonly Stage[] {
  const list = Array.isArray(doc)
    ? doc
    : doc !== null && typeof doc === "object" && Array.isArray((doc as { stages?: unknown }).stages)
    ? (doc as { stages: unknown[] }).stages
    : undefined;
  if (!list) throw new InputError(`${what}: expected a "stages:" list`);
  const stages = list.map((item: unknown, i: number) => {
    if (typeof item === "string") return parseStageSpec(item, `${what}: stages[${i}]`);
    if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      return stageFromObject(item as Record<string, unknown>, i, what);
    }
    throw new InputError(`${what}: stages[${i}] must be "60s@2rps" or {duration, rate}`);
  });
  return checkStages(stages, what);
}

/** One constant-rate stage (`--rate 5rps --duration 60s`). */
export function constantSchedule(ratePerSec: number, durationMs: number): readonly Stage[] {
  return checkStages(
    [{ durationMs, fromRatePerSec: ratePerSec, toRatePerSec: ratePerSec }],
    "--rate",
  );
}

/** Total schedule length in ms. */
export function scheduleDurationMs(stages: readonly Stage[]): number {
  let total = 0;
  for (const s of stages) total += s.durationMs;
  return total;
}

/** Start offsets (ms from the run start) of each stage. */
export function stageStartsMs(stages: readonly Stage[]): readonly number[] {
  const starts: number[] = [];
  let t = 0;
  for (const s of stages) {
    starts.push(t);
    t += s.durationMs;
  }
  return starts;
}

/** Index of the stage active at `tMs` (the last stage at or after the end; -1 before 0). */
export function stageIndexAt(stages: readonly Stage[], tMs: number): number {
  if (tMs < 0) return -1;
  let t = 0;
  for (let i = 0; i < stages.length; i++) {
    t += stages[i]!.durationMs;
    if (tMs < t) return i;
  }
  return stages.length - 1;
}

/** Target rate (requests/s) at `tMs` from the run start; 0 outside the schedule. */
export function targetRateAt(stages: readonly Stage[], tMs: number): number {
  let start = 0;
  for (const s of stages) {
    if (tMs >= start && tMs < start + s.durationMs) {
      const f = (tMs - start) / s.durationMs;
      return s.fromRatePerSec + (s.toRatePerSec - s.fromRatePerSec) * f;
    }
    start += s.durationMs;
  }
  return 0;
}

/** Expected number of requests sent in [0, tMs) — the integral of the target rate. */
export function expectedCountUntil(stages: readonly Stage[], tMs: number): number {
  let start = 0;
  let total = 0;
  for (const s of stages) {
    if (tMs <= start) break;
    const spanMs = Math.min(s.durationMs, tMs - start);
    const endRate = s.fromRatePerSec +
      (s.toRatePerSec - s.fromRatePerSec) *
        (Number.isFinite(s.durationMs) ? spanMs / s.durationMs : 0);
    total += ((s.fromRatePerSec + endRate) / 2) * (spanMs / 1000);
    start += s.durationMs;
  }
  return total;
}
