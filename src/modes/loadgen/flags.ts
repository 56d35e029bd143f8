/**
 * `wva loadgen` flags: the config path each sets in {@linkcode LoadgenCliSchema} (the load
 * settings of `src/core/load/options.ts` plus the output flags), and how its text is read. The
 * schedule (`--rate`, `--duration`, `--stages`) and the headers (`--header`, `--api-key`) combine
 * several flags, so they are derived here and handed to `loadConfig` with the other flags. Every
 * mistake is one line naming the flag and the bad text (exit 2).
 *
 * @module
 */
import { z } from "zod";
import { parseDurationMs, parseNumber, UNIT_DURATION } from "../../core/util/coerce.ts";
import { InputError } from "../../core/util/validate.ts";
import { type FlagValues, stringFlag } from "../../runtime/cli/flags.ts";
import { loadConfig, readConfigFile } from "../../runtime/config/load.ts";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, switchFlag, valueFlag } from "../../runtime/config/table.ts";
import { parseLengthSpec } from "../../core/load/lengths.ts";
import { BaseUrlSchema, LoadgenOptionsSchema } from "../../core/load/options.ts";
import {
  constantSchedule,
  parseRpmList,
  parseStagesSpec,
  type Stage,
  stagesFromDocument,
} from "../../core/load/schedule.ts";
import { parseSlo } from "../../core/load/slo.ts";
import { parseRatePerSec } from "../../core/load/units.ts";

/** The load settings plus what only the command line has: the default URL and the outputs. */
export const LoadgenCliSchema = LoadgenOptionsSchema.extend({
  url: BaseUrlSchema.prefault("http://localhost:8000/v1"),
  progress: z.enum(["auto", "tty", "plain", "none"], {
    error: "expected auto, tty, plain or none",
  }).default("auto"),
  out: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

/** The resolved command line of `wva loadgen`. */
export type LoadgenCliConfig = z.output<typeof LoadgenCliSchema>;

function positiveDurationMs(text: string, what: string): number {
  const ms = parseDurationMs(text, UNIT_DURATION, what);
  if (ms <= 0) throw new InputError(`${what}: must be longer than 0, got "${text}"`);
  return ms;
}

const number = (rule: "integer" | "count" | "positive") => (text: string, what: string) =>
  parseNumber(text, rule, what);

/** Every flag of `wva loadgen`. */
export const LOADGEN_FLAGS: readonly FlagRow[] = [
  valueFlag("url", "url", "URL", "API base URL ending in /v1", {
    defaultText: "http://localhost:8000/v1",
  }),
  valueFlag("model", "model", "NAME", "Model name to send", {
    defaultText: "the first model of GET <url>/models",
  }),
  valueFlag("api", "api", "chat|completions", "Endpoint", { defaultText: "chat" }),
  valueFlag(
    "rate",
    undefined,
    "RATE",
    "Constant rate (2rps, 120rpm; a bare number is per MINUTE as in loadgen.py) or the seeds' list '[[seconds, rpm], ...]'",
  ),
  valueFlag("duration", undefined, "DUR", "Length of a constant --rate (e.g. 5m)", {
    defaultText: "until Ctrl-C",
  }),
  valueFlag(
    "stages",
    undefined,
    "SPEC|FILE",
    "Stages '60s@2rps,2m@2..10rps' (ramps with ..) or a YAML/JSON file",
  ),
  valueFlag("arrival", "arrival", "KIND", "constant (alias deterministic) | poisson | gamma", {
    read: (text) => (text === "deterministic" ? "constant" : text),
    defaultText: "poisson",
  }),
  valueFlag("cv", "cv", "N", "Burstiness for gamma: CV of gaps (1 = poisson)", {
    read: number("positive"),
    defaultText: "1",
  }),
  valueFlag("seed", "seed", "N", "Seed for arrivals and lengths", {
    read: number("integer"),
    defaultText: "0",
  }),
  valueFlag("prompt-tokens", "promptTokens", "DIST", "128 | 64..256 | normal:128:32[:MIN:MAX]", {
    read: parseLengthSpec,
    defaultText: "128",
  }),
  valueFlag(
    "output-tokens",
    "outputTokens",
    "DIST",
    "Same forms; sent as max_tokens with ignore_eos",
    {
      read: parseLengthSpec,
      defaultText: "128",
    },
  ),
  switchFlag("no-stream", "stream", "Ask for whole answers (TTFT = E2E, no ITL)", { sets: false }),
  valueFlag("timeout", "timeoutMs", "DUR", "Per-request timeout", {
    read: positiveDurationMs,
    defaultText: "60s",
  }),
  valueFlag("drain", "drainMs", "DUR", "Wait this long for in-flight requests after the schedule", {
    read: (text, what) => parseDurationMs(text, UNIT_DURATION, what),
    defaultText: "30s",
  }),
  { flag: "header", kind: "list", arg: "'K: V'", description: "Extra HTTP header (repeatable)" },
  valueFlag("api-key", undefined, "KEY", "Sends Authorization: Bearer KEY"),
  valueFlag(
    "slo",
    "slo",
    "SPEC",
    "Goodput bounds, e.g. ttft=500ms,itl=50ms (keys ttft itl tpot maxitl e2e)",
    {
      read: parseSlo,
    },
  ),
  valueFlag(
    "max-concurrency",
    "maxConcurrency",
    "N",
    "Cap on requests in flight; sends that find it full are dropped and counted",
    { read: number("count") },
  ),
  valueFlag("out", "out", "DIR", "Write summary.json, requests.jsonl, report.html"),
  valueFlag("progress", "progress", "MODE", "auto | tty | plain | none", { defaultText: "auto" }),
  switchFlag("json", "json", "Print summary.json to stdout instead of the table"),
];

/** How `wva loadgen` resolves its command line (no config file, no environment). */
export const LOADGEN_CONFIG: ConfigSpec<typeof LoadgenCliSchema> = {
  schema: LoadgenCliSchema,
  flags: LOADGEN_FLAGS,
  source: "command line",
};

async function schedule(values: FlagValues): Promise<readonly Stage[]> {
  const rate = stringFlag(values, "rate"), stages = stringFlag(values, "stages");
  const duration = stringFlag(values, "duration");
  if (rate !== undefined && stages !== undefined) {
    throw new InputError("give either --rate or --stages, not both");
  }
  const onlyConstant = () => {
    if (duration !== undefined) {
      throw new InputError("--duration applies to a constant --rate only");
    }
  };
  if (stages !== undefined) {
    onlyConstant();
    const path = stages.trim();
    if (/\.(ya?ml|json)$/i.test(path)) return stagesFromDocument(await readConfigFile(path), path);
    return parseStagesSpec(stages);
  }
  if (rate === undefined) {
    throw new InputError(
      "give a schedule: --rate 2rps --duration 1m, or --stages 60s@2rps,60s@4rps",
    );
  }
  if (rate.trim().startsWith("[")) {
    onlyConstant();
    return parseRpmList(rate);
  }
  const perSec = parseRatePerSec(rate, "--rate", { defaultUnit: "rpm" });
  return constantSchedule(
    perSec,
    duration === undefined ? Infinity : positiveDurationMs(duration, "--duration"),
  );
}

function headers(values: FlagValues): Record<string, string> {
  const out: Record<string, string> = {};
  const list = values.header;
  for (const h of Array.isArray(list) ? list : []) {
    const colon = h.indexOf(":");
    if (colon <= 0) throw new InputError(`--header: expected "Name: value", got "${h}"`);
    out[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const key = stringFlag(values, "api-key");
  if (key !== undefined) out["Authorization"] = `Bearer ${key}`;
  return out;
}

/**
 * The load settings and outputs from parsed flags (files named by `--stages` are read here).
 *
 * @throws {InputError} for a bad schedule or header, `ConfigError` for any other bad value: one
 *   line naming the flag each
 */
export async function loadgenConfig(values: FlagValues): Promise<Readonly<LoadgenCliConfig>> {
  const derived = { stages: await schedule(values), headers: headers(values) };
  return await loadConfig(LOADGEN_CONFIG, values, { derived });
}
