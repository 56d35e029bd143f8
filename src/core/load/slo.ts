/**
 * Latency SLOs and goodput. A request is *good* when it succeeded and meets every bound given:
 *
 * - `ttft`: time to first token ≤ bound;
 * - `itl`: the request's mean inter-token gap ≤ bound (the averaged sense WVA's `slo-itl` uses);
 * - `tpot`: (e2e − ttft) / (outputTokens − 1) ≤ bound (vLLM bench's TPOT; equals `itl` when the
 *   server streams one token per chunk);
 * - `maxitl`: the longest single gap ≤ bound (no stall longer than this);
 * - `e2e`: end-to-end latency ≤ bound.
 *
 * Bounds on gaps pass when the request has no gaps (one output token). Goodput is the count of
 * good requests, reported as a fraction of those sent and as a rate per second.
 *
 * @module
 */
import { z } from "zod";
import { maxItlMs, meanItlMs, type RequestRecord } from "./record.ts";
import { parseDurationMs, UNIT_DURATION } from "../util/coerce.ts";
import { InputError } from "../util/validate.ts";

/** zod schema of an SLO: upper bounds in ms; absent keys are not checked. */
export const SloSchema = z.object({
  ttftMs: z.number().positive().optional(),
  itlMs: z.number().positive().optional(),
  tpotMs: z.number().positive().optional(),
  maxItlMs: z.number().positive().optional(),
  e2eMs: z.number().positive().optional(),
});

/** Upper bounds in ms; absent keys are not checked. */
export type Slo = z.infer<typeof SloSchema>;

const KEYS: Readonly<Record<string, keyof Slo>> = {
  ttft: "ttftMs",
  itl: "itlMs",
  tpot: "tpotMs",
  maxitl: "maxItlMs",
  e2e: "e2eMs",
  e2el: "e2eMs",
};

/**
 * Parses `ttft=500ms,itl=50ms` (keys ttft, itl, tpot, maxitl, e2e; a bare number means ms).
 *
 * @throws {InputError} on an unknown key or a bad duration
 * @example
 * ```ts
 * import { parseSlo } from "./slo.ts";
 * const slo = parseSlo("ttft=0.5s,itl=50", "--slo");
 * if (slo.ttftMs !== 500 || slo.itlMs !== 50) throw new Error("bad");
 * ```
 */
export function parseSlo(text: string, what = "--slo"): Slo {
  const out: Record<string, number> = {};
  for (const item of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq).trim().toLowerCase();
    const field = KEYS[key];
    if (eq < 0 || field === undefined) {
      throw new InputError(
        `${what}: cannot read "${item}" (use ttft=, itl=, tpot=, maxitl= or e2e=, e.g. ttft=500ms)`,
      );
    }
    const value = item.slice(eq + 1).trim();
    out[field] = /^[\d.]+$/.test(value)
      ? parseDurationMs(`${value}ms`, UNIT_DURATION, `${what} ${key}`)
      : parseDurationMs(value, UNIT_DURATION, `${what} ${key}`);
  }
  return out as Slo;
}

/** True when the SLO sets no bound (goodput then counts every success). */
export function isEmptySlo(slo: Slo): boolean {
  return Object.values(slo).every((v) => v === undefined);
}

function within(value: number | null, bound: number | undefined): boolean {
  return bound === undefined || value === null || value <= bound;
}

/** Whether one request counts towards goodput under `slo`. */
export function isGood(record: RequestRecord, slo: Slo): boolean {
  if (!record.ok) return false;
  if (slo.ttftMs !== undefined && (record.ttftMs === null || record.ttftMs > slo.ttftMs)) {
    return false;
  }
  return within(meanItlMs(record), slo.itlMs) && within(record.tpotMs, slo.tpotMs) &&
    within(maxItlMs(record), slo.maxItlMs) && within(record.e2eMs, slo.e2eMs);
}

/** Renders an SLO back to its flag form, e.g. `ttft=500ms,itl=50ms` (`none` when empty). */
export function formatSlo(slo: Slo): string {
  const order: ReadonlyArray<[string, keyof Slo]> = [
    ["ttft", "ttftMs"],
    ["itl", "itlMs"],
    ["tpot", "tpotMs"],
    ["maxitl", "maxItlMs"],
    ["e2e", "e2eMs"],
  ];
  const parts = order.filter(([, f]) => slo[f] !== undefined).map(([k, f]) => `${k}=${slo[f]}ms`);
  return parts.length ? parts.join(",") : "none";
}
