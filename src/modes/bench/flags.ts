/**
 * The flags of `wva bench` and their schema (the one flags → config path of every mode):
 * `--scenario` names the scenario file (read and checked by `parseScenario`), the others
 * select arms, override the seed or the sweep, shorten the load and pick the outputs.
 *
 * @module
 */
import { z } from "zod";
import { SweepSchema } from "../../core/bench/scenario/scenario.ts";
import { parseNumber } from "../../core/util/coerce.ts";
import { InputError } from "../../core/util/validate.ts";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, switchFlag, valueFlag } from "../../runtime/config/table.ts";

/** What `wva bench` runs with. */
export const BenchCliSchema = z.strictObject({
  scenario: z.string({ error: "is required" }).min(1, "is required"),
  out: z.string().min(1).optional(),
  arms: z.array(z.string().min(1)).min(1, "names no arm").optional(),
  seed: z.number().int().optional(),
  sweep: SweepSchema.optional(),
  loadSeconds: z.number().positive().optional(),
  markdown: z.boolean().default(false),
  plain: z.boolean().default(false),
});

/** The resolved command line. */
export type BenchCli = z.output<typeof BenchCliSchema>;

/** `a,b` → `["a", "b"]`. */
export function readList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * `loadingDelaySec=30,60,120` → `{parameter, values}`.
 *
 * @throws {InputError} naming `what` when the text is not `PARAM=v1,v2,…` with numbers
 */
export function readSweep(text: string, what: string): { parameter: string; values: number[] } {
  const eq = text.indexOf("=");
  if (eq <= 0) {
    throw new InputError(`${what}: expected PARAM=v1,v2,… (got ${JSON.stringify(text)})`);
  }
  const values = readList(text.slice(eq + 1)).map((v) => parseNumber(v, "number", what));
  return { parameter: text.slice(0, eq).trim(), values };
}

/** Every flag of `wva bench`. */
export const BENCH_FLAGS: readonly FlagRow[] = [
  valueFlag("scenario", "scenario", "FILE", "Scenario (YAML or JSON): models, load, arms, …", {
    short: "s",
  }),
  valueFlag("out", "out", "DIR", "Write summary.json and report.html here"),
  valueFlag("arms", "arms", "A,B", "Run only these arms of the scenario", { read: readList }),
  valueFlag("seed", "seed", "N", "Seed of the requests (overrides the scenario's)", {
    read: (text, what) => parseNumber(text, "integer", what),
  }),
  valueFlag(
    "sweep",
    "sweep",
    "PARAM=V1,V2",
    "Run every arm at each value of loadScale, loadingDelaySec or scrapeIntervalSec",
    { read: readSweep },
  ),
  valueFlag("load-seconds", "loadSeconds", "N", "Replay only the first N seconds of the load", {
    read: (text, what) => parseNumber(text, "positive", what),
  }),
  switchFlag("markdown", "markdown", "Print the tables as Markdown (the README's bench section)"),
  switchFlag("plain", "plain", "Plain progress lines instead of the redrawn view"),
];

/** How `wva bench` resolves its command line. */
export const BENCH_CONFIG: ConfigSpec<typeof BenchCliSchema> = {
  schema: BenchCliSchema,
  flags: BENCH_FLAGS,
  source: "command line",
};
