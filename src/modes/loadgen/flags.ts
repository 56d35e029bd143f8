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
import type { FlagRow } from "../../runtime/config/table.ts";
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
  {
    flag: "url",
    path: "url",
    arg: "URL",
    description: "API base URL ending in /v1",
    defaultText: "http://localhost:8000/v1",
  },
  {
    flag: "model",
    path: "model",
    arg: "NAME",
    description: "Model name to send",
    defaultText: "the first model of GET <url>/models",
  },
  {
    flag: "api",
    path: "api",
    arg: "chat|completions",
    description: "Endpoint",
    defaultText: "chat",
  },
  {
    flag: "rate",
    arg: "RATE",
    description:
      "Constant rate (2rps, 120rpm; a bare number is per MINUTE as in loadgen.py) or the seeds' list '[[seconds, rpm], ...]'",
  },
  {
    flag: "duration",
    arg: "DUR",
    description: "Length of a constant --rate (e.g. 5m)",
    defaultText: "until Ctrl-C",
  },
  {
    flag: "stages",
    arg: "SPEC|FILE",
    description: "Stages '60s@2rps,2m@2..10rps' (ramps with ..) or a YAML/JSON file",
  },
  {
    flag: "arrival",
    path: "arrival",
    read: (text) => (text === "deterministic" ? "constant" : text),
    arg: "KIND",
    description: "constant (alias deterministic) | poisson | gamma",
    defaultText: "poisson",
  },
  {
    flag: "cv",
    path: "cv",
    read: number("positive"),
    arg: "N",
    description: "Burstiness for gamma: CV of gaps (1 = poisson)",
    defaultText: "1",
  },
  {
    flag: "seed",
    path: "seed",
    read: number("integer"),
    arg: "N",
    description: "Seed for arrivals and lengths",
    defaultText: "0",
  },
  {
    flag: "prompt-tokens",
    path: "promptTokens",
    read: parseLengthSpec,
    arg: "DIST",
    description: "128 | 64..256 | normal:128:32[:MIN:MAX]",
    defaultText: "128",
  },
  {
    flag: "output-tokens",
    path: "outputTokens",
    read: parseLengthSpec,
    arg: "DIST",
    description: "Same forms; sent as max_tokens with ignore_eos",
    defaultText: "128",
  },
  {
    flag: "no-stream",
    kind: "switch",
    path: "stream",
    sets: false,
    description: "Ask for whole answers (TTFT = E2E, no ITL)",
  },
  {
    flag: "timeout",
    path: "timeoutMs",
    read: positiveDurationMs,
    arg: "DUR",
    description: "Per-request timeout",
    defaultText: "60s",
  },
  {
    flag: "drain",
    path: "drainMs",
    read: (text, what) => parseDurationMs(text, UNIT_DURATION, what),
    arg: "DUR",
    description: "Wait this long for in-flight requests after the schedule",
    defaultText: "30s",
  },
  {
    flag: "header",
    kind: "list",
    arg: "'K: V'",
    description: "Extra HTTP header (repeatable)",
  },
  { flag: "api-key", arg: "KEY", description: "Sends Authorization: Bearer KEY" },
  {
    flag: "slo",
    path: "slo",
    read: parseSlo,
    arg: "SPEC",
    description: "Goodput bounds, e.g. ttft=500ms,itl=50ms (keys ttft itl tpot maxitl e2e)",
  },
  {
    flag: "max-concurrency",
    path: "maxConcurrency",
    read: number("count"),
    arg: "N",
    description: "Cap on requests in flight; sends that find it full are dropped and counted",
  },
  {
    flag: "out",
    path: "out",
    arg: "DIR",
    description: "Write summary.json, requests.jsonl, report.html",
  },
  {
    flag: "progress",
    path: "progress",
    arg: "MODE",
    description: "auto | tty | plain | none",
    defaultText: "auto",
  },
  {
    flag: "json",
    kind: "switch",
    path: "json",
    description: "Print summary.json to stdout instead of the table",
  },
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
