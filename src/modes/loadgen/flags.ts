/**
 * `wva loadgen` flags and their translation into {@linkcode LoadgenInput}. Every mistake becomes
 * a `UsageError` with one line that names the flag and the bad text (exit 2).
 *
 * @module
 */
import { parseDurationMs, readNumber, UNIT_DURATION } from "../../core/util/coerce.ts";
import { InputError } from "../../core/util/validate.ts";
import { readConfigFile } from "../../runtime/config/load.ts";
import {
  type FlagSpecs,
  type FlagValues,
  stringFlag,
  UsageError,
} from "../../runtime/cli/flags.ts";
import { parseLengthSpec } from "../../core/load/lengths.ts";
import { BaseUrlSchema, type LoadgenInput } from "../../core/load/options.ts";
import {
  constantSchedule,
  parseRpmList,
  parseStagesSpec,
  type Stage,
  stagesFromDocument,
} from "../../core/load/schedule.ts";
import { parseSlo } from "../../core/load/slo.ts";
import { parseRatePerSec } from "../../core/load/units.ts";

/** The flags of `wva loadgen`. */
export const LOADGEN_FLAGS: FlagSpecs = {
  url: {
    type: "string",
    arg: "URL",
    description: "API base URL ending in /v1",
    defaultText: "http://localhost:8000/v1",
  },
  model: {
    type: "string",
    arg: "NAME",
    description: "Model name to send",
    defaultText: "the first model of GET <url>/models",
  },
  api: { type: "string", arg: "chat|completions", description: "Endpoint", defaultText: "chat" },
  rate: {
    type: "string",
    arg: "RATE",
    description:
      "Constant rate (2rps, 120rpm; a bare number is per MINUTE as in loadgen.py) or the seeds' list '[[seconds, rpm], ...]'",
  },
  duration: {
    type: "string",
    arg: "DUR",
    description: "Length of a constant --rate (e.g. 5m)",
    defaultText: "until Ctrl-C",
  },
  stages: {
    type: "string",
    arg: "SPEC|FILE",
    description: "Stages '60s@2rps,2m@2..10rps' (ramps with ..) or a YAML/JSON file",
  },
  arrival: {
    type: "string",
    arg: "KIND",
    description: "constant (alias deterministic) | poisson | gamma",
    defaultText: "poisson",
  },
  cv: {
    type: "string",
    arg: "N",
    description: "Burstiness for gamma: CV of gaps (1 = poisson)",
    defaultText: "1",
  },
  seed: {
    type: "string",
    arg: "N",
    description: "Seed for arrivals and lengths",
    defaultText: "0",
  },
  "prompt-tokens": {
    type: "string",
    arg: "DIST",
    description: "128 | 64..256 | normal:128:32[:MIN:MAX]",
    defaultText: "128",
  },
  "output-tokens": {
    type: "string",
    arg: "DIST",
    description: "Same forms; sent as max_tokens with ignore_eos",
    defaultText: "128",
  },
  "no-stream": { type: "boolean", description: "Ask for whole answers (TTFT = E2E, no ITL)" },
  timeout: { type: "string", arg: "DUR", description: "Per-request timeout", defaultText: "60s" },
  drain: {
    type: "string",
    arg: "DUR",
    description: "Wait this long for in-flight requests after the schedule",
    defaultText: "30s",
  },
  header: {
    type: "string",
    arg: "'K: V'",
    multiple: true,
    description: "Extra HTTP header (repeatable)",
  },
  "api-key": { type: "string", arg: "KEY", description: "Sends Authorization: Bearer KEY" },
  slo: {
    type: "string",
    arg: "SPEC",
    description: "Goodput bounds, e.g. ttft=500ms,itl=50ms (keys ttft itl tpot maxitl e2e)",
  },
  "max-concurrency": {
    type: "string",
    arg: "N",
    description: "Cap on requests in flight; sends that find it full are dropped and counted",
  },
  out: {
    type: "string",
    arg: "DIR",
    description: "Write summary.json, requests.jsonl, report.html",
  },
  progress: {
    type: "string",
    arg: "MODE",
    description: "auto | tty | plain | none",
    defaultText: "auto",
  },
  json: { type: "boolean", description: "Print summary.json to stdout instead of the table" },
};

const NUMBER_KINDS = {
  int: [(v: number) => Number.isInteger(v), "an integer"],
  count: [(v: number) => Number.isInteger(v) && v >= 1, "a whole number ≥ 1"],
  positive: [(v: number) => v > 0, "a number > 0"],
} as const;

function num(
  values: FlagValues,
  name: string,
  kind: keyof typeof NUMBER_KINDS,
): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const v = readNumber(text);
  const [check, what] = NUMBER_KINDS[kind];
  if (v === undefined || !check(v)) {
    throw new UsageError(`--${name}: expected ${what}, got "${text}"`);
  }
  return v;
}

async function schedule(values: FlagValues): Promise<readonly Stage[]> {
  const rate = stringFlag(values, "rate"), stages = stringFlag(values, "stages");
  const duration = stringFlag(values, "duration");
  if (rate !== undefined && stages !== undefined) {
    throw new UsageError("give either --rate or --stages, not both");
  }
  if (stages !== undefined) {
    if (duration !== undefined) {
      throw new UsageError("--duration applies to a constant --rate only");
    }
    if (/\.(ya?ml|json)$/i.test(stages.trim())) {
      return stagesFromDocument(await readConfigFile(stages.trim()), stages.trim());
    }
    return parseStagesSpec(stages);
  }
  if (rate === undefined) {
    throw new UsageError(
      "give a schedule: --rate 2rps --duration 1m, or --stages 60s@2rps,60s@4rps",
    );
  }
  if (rate.trim().startsWith("[")) {
    if (duration !== undefined) {
      throw new UsageError("--duration applies to a constant --rate only");
    }
    return parseRpmList(rate);
  }
  const perSec = parseRatePerSec(rate, "--rate", { defaultUnit: "rpm" });
  return constantSchedule(
    perSec,
    duration === undefined ? Infinity : positiveDurationMs(duration, "--duration"),
  );
}

function positiveDurationMs(text: string, what: string): number {
  const ms = parseDurationMs(text, UNIT_DURATION, what);
  if (ms <= 0) throw new UsageError(`${what}: must be longer than 0, got "${text}"`);
  return ms;
}

function headers(values: FlagValues): Record<string, string> {
  const out: Record<string, string> = {};
  const list = values.header;
  for (const h of Array.isArray(list) ? list : []) {
    const colon = h.indexOf(":");
    if (colon <= 0) throw new UsageError(`--header: expected "Name: value", got "${h}"`);
    out[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const key = stringFlag(values, "api-key");
  if (key !== undefined) out["Authorization"] = `Bearer ${key}`;
  return out;
}

function arrival(values: FlagValues): "constant" | "poisson" | "gamma" | undefined {
  const a = stringFlag(values, "arrival");
  if (a === undefined) return undefined;
  if (a === "deterministic" || a === "constant") return "constant";
  if (a === "poisson" || a === "gamma") return a;
  throw new UsageError(`--arrival: expected constant, poisson or gamma, got "${a}"`);
}

function api(values: FlagValues): "chat" | "completions" | undefined {
  const a = stringFlag(values, "api");
  if (a === undefined || a === "chat" || a === "completions") return a;
  throw new UsageError(`--api: expected chat or completions, got "${a}"`);
}

/**
 * Turns parsed flags into load settings (files named by `--stages` are read here).
 *
 * @throws {UsageError} for any bad flag value, with one line naming it
 */
export async function inputFromFlags(values: FlagValues): Promise<LoadgenInput> {
  try {
    const url = stringFlag(values, "url") ?? "http://localhost:8000/v1";
    if (!BaseUrlSchema.safeParse(url).success) {
      throw new UsageError(
        `--url: must be an http(s) URL ending in /v1, e.g. http://localhost:8000/v1 (got "${url}")`,
      );
    }
    const optional = <T>(key: string, v: T | undefined): Record<string, T> =>
      v === undefined ? {} : { [key]: v };
    const timeout = stringFlag(values, "timeout"), drain = stringFlag(values, "drain");
    const prompt = stringFlag(values, "prompt-tokens"),
      output = stringFlag(values, "output-tokens");
    const slo = stringFlag(values, "slo");
    return {
      url,
      stages: await schedule(values),
      headers: headers(values),
      stream: values["no-stream"] !== true,
      ...optional("model", stringFlag(values, "model")),
      ...optional("api", api(values)),
      ...optional("arrival", arrival(values)),
      ...optional("cv", num(values, "cv", "positive")),
      ...optional("seed", num(values, "seed", "int")),
      ...optional("promptTokens", prompt && parseLengthSpec(prompt, "--prompt-tokens")),
      ...optional("outputTokens", output && parseLengthSpec(output, "--output-tokens")),
      ...optional("timeoutMs", timeout && positiveDurationMs(timeout, "--timeout")),
      ...optional("drainMs", drain && parseDurationMs(drain, UNIT_DURATION, "--drain")),
      ...optional("slo", slo && parseSlo(slo)),
      ...optional("maxConcurrency", num(values, "max-concurrency", "count")),
    } as LoadgenInput;
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  }
}
