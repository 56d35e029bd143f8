/**
 * The demo's load schedules: named profiles that ramp up, hold, spike and fall back, sized for the
 * default variants (one A100 replica comfortably serves about 4 req/s of 128-token prompts and
 * 64-token answers, an H100 replica about twice that), or any stage list in the load generator's
 * syntax (`30s@2rps,60s@2..16rps,…`).
 *
 * | profile | length | shape |
 * |---|---|---|
 * | `quick` | 90 s | 2 req/s → ramp to 24 → hold → spike 34 → back to 2 |
 * | `standard` | 4 min 20 s | the same shape, slower and longer, then a second smaller wave |
 *
 * @module
 */
import type { Stage } from "../../core/load/schedule.ts";
import { parseStagesSpec } from "../../core/load/schedule.ts";

/** Named schedules in stage syntax. */
export const SCHEDULE_PROFILES: Readonly<Record<string, string>> = {
  quick: "6s@2rps,30s@2..24rps,14s@24rps,10s@34rps,30s@2rps",
  standard:
    "20s@2rps,60s@2..24rps,40s@24rps,20s@34rps,20s@24rps,40s@2rps,20s@2..12rps,20s@12rps,20s@2rps",
};

/** Names of the profiles. */
export const PROFILE_NAMES: readonly string[] = Object.keys(SCHEDULE_PROFILES);

/** A resolved schedule: the stages and how it was named. */
export interface ResolvedSchedule {
  /** Profile name, or `custom`. */
  readonly name: string;
  /** Stage syntax of the schedule. */
  readonly spec: string;
  readonly stages: readonly Stage[];
}

/**
 * Resolves a profile name or a stage list.
 *
 * @throws {import("../../core/util/validate.ts").InputError} when the text is neither
 */
export function resolveSchedule(text: string, what = "--schedule"): ResolvedSchedule {
  const named = Object.hasOwn(SCHEDULE_PROFILES, text.trim())
    ? SCHEDULE_PROFILES[text.trim()]
    : undefined;
  if (named !== undefined) {
    return { name: text.trim(), spec: named, stages: parseStagesSpec(named, what) };
  }
  return { name: "custom", spec: text.trim(), stages: parseStagesSpec(text, what) };
}
