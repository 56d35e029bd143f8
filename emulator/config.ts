/**
 * The emulator's configuration: one zod schema that is the source of truth for the YAML/JSON
 * file, the environment, the flags, `startEmulator(options)` and the admin API.
 *
 * Precedence (lowest first): schema defaults, the preset, the config file, `WVA_EMULATOR_*`
 * environment variables, flags. Durations accept a number of milliseconds or a string such as
 * `"500ms"`, `"2s"`, `"1m"`.
 *
 * @module
 */
import { z } from "zod";
import {
  booleanSchema,
  durationMsSchema,
  type DurationSyntax,
  numberSchema,
} from "../src/core/util/coerce.ts";
import { parseOrThrow } from "../src/core/util/validate.ts";
import { INFERENCE_ENGINES } from "../src/core/api/engine.ts";
import { PRESET_NAMES, PRESETS } from "./presets.ts";

const DURATION: DurationSyntax = { units: ["ms", "s", "m"], bareUnit: "ms" };
const num = numberSchema;
const bool = () => booleanSchema();
const durationMs = () => durationMsSchema({ syntax: DURATION, examples: "500ms, 2s or 1m" });

const BLOCK_SIZES: readonly number[] = [8, 16, 32, 64, 128];

/** A text list (`a,b=/p`) or an array of such texts and objects, as one array of objects. */
function splitLoraModules(v: unknown): unknown {
  const split = (t: string) => t.split(/[,\s]+/).filter(Boolean).map(loraModuleOf);
  if (typeof v === "string") return split(v);
  if (!Array.isArray(v)) return v;
  return v.flatMap((item) => (typeof item === "string" ? split(item) : [item]));
}

/** `name` or `name=path` as an adapter. */
function loraModuleOf(text: string): { name: string; path?: string } {
  const eq = text.indexOf("=");
  if (eq < 0) return { name: text };
  const path = text.slice(eq + 1);
  return path === "" ? { name: text.slice(0, eq) } : { name: text.slice(0, eq), path };
}

/** Failure types that can be injected. */
export const FAILURE_TYPES = ["rate_limit", "server_error", "overloaded", "stall"] as const;

/** One injectable failure: 429, 500, 503, or a stall before the first token. */
export type FailureType = typeof FAILURE_TYPES[number];

const OutputLengthSchema = z.strictObject({
  /** `exact`: a request's max_tokens is its output length; `sample`: draw, capped by max_tokens. */
  mode: z.enum(["exact", "sample"]).default("exact"),
  kind: z.enum(["fixed", "uniform", "normal", "exponential"]).default("normal"),
  meanTokens: num(z.number().positive()).default(128),
  sdTokens: num(z.number().nonnegative()).default(64),
  minTokens: num(z.number().int().positive()).default(1),
  maxTokens: num(z.number().int().positive()).default(1024),
});

const FailureSchema = z.strictObject({
  /** Share of requests (0..1) that get a random failure from `types`. */
  rate01: num(z.number().min(0).max(1)).default(0),
  types: z.preprocess(
    (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v),
    z.array(z.enum(FAILURE_TYPES)).min(1),
  ).default([...FAILURE_TYPES]),
  /** How long a "stall" holds back the first token. */
  stallMs: durationMs().default(10_000),
});

const BaseSchema = z.strictObject({
  port: num(z.number().int().min(0).max(65535)).default(8000),
  host: z.string().min(1).default("127.0.0.1"),
  /** Served model name: the `model` label, `/v1/models` id and the name requests must use. */
  model: z.string().min(1).default("default/default"),
  preset: z.enum(PRESET_NAMES).default("A100"),
  alphaMs: num(z.number().nonnegative()).optional(),
  betaMs: num(z.number().nonnegative()).optional(),
  gammaMs: num(z.number().nonnegative()).optional(),
  deltaMs: num(z.number().nonnegative()).optional(),
  prefillScalesWithBatch: bool().default(false),
  jitterCv: num(z.number().min(0).max(1)).default(0),
  maxNumSeqs: num(z.number().int().positive()).default(256),
  maxModelLen: num(z.number().int().positive()).default(4096),
  kvCacheBlocks: num(z.number().int().positive()).optional(),
  blockSize: num(
    z.number().refine((n) => BLOCK_SIZES.includes(n), "must be one of 8, 16, 32, 64, 128"),
  ).default(16),
  preemption: bool().default(true),
  kvWatermark01: num(z.number().min(0).max(0.5)).default(0.01),
  maxWaitingQueue: num(z.number().int().nonnegative()).default(1000),
  startupDelayMs: durationMs().default(0),
  drainTimeoutMs: durationMs().default(30_000),
  seed: num(z.number().int()).default(0),
  outputLength: OutputLengthSchema.prefault({}),
  failure: FailureSchema.prefault({}),
  /**
   * Which engine's metric names `/metrics` serves: `vllm` (`vllm:` series) or `sglang`
   * (`sglang:` series only; emulator/sglang_metrics.ts). The API and the model are the same.
   */
  engine: z.enum(INFERENCE_ENGINES).default("vllm"),
  /** Also export `vllm:gpu_cache_usage_perc` and `vllm:time_per_output_token_seconds`. */
  deprecatedMetrics: bool().default(false),
  /** Value of the `engine` label (vLLM's data-parallel rank). */
  engineLabel: z.string().default("0"),
  maxBodyBytes: num(z.number().int().positive()).default(4 * 1024 * 1024),
  /** Longest wait for a request body to arrive; a slower client gets 408. */
  bodyTimeoutMs: durationMs().default(30_000),
  /**
   * A non-streaming response that finishes within this time is sent whole; a longer one sends
   * its status and headers at this point and its body when it finishes (0 = headers at once).
   */
  responseHoldMs: durationMs().default(100),
  /** Share of chat requests with tools and `tool_choice: "auto"` that call a tool. */
  toolCallRate01: num(z.number().min(0).max(1)).default(0.5),
  /** Cache prompt prefixes in the KV cache: shared prefixes skip prefill (vLLM's default is on). */
  enablePrefixCaching: bool().default(false),
  /**
   * LoRA adapters served besides the base model (each is an extra model name): names,
   * `name=path` (vLLM's `--lora-modules` spelling), comma-separated lists of them, or
   * `{name, path}` objects.
   */
  loraModules: z.preprocess(
    splitLoraModules,
    z.array(z.strictObject({ name: z.string().min(1), path: z.string().optional() })),
  ).default([]),
  /** Most distinct LoRA adapters in one running batch (vLLM `--max-loras`). */
  maxLoras: num(z.number().int().positive()).default(1),
  /** P/D: fixed time to receive a prompt's KV from a prefill server (`do_remote_prefill`). */
  kvTransferLatencyMs: durationMs().default(2),
  /** P/D: KV receive time per prompt token (ms). */
  kvTransferMsPerToken: num(z.number().nonnegative()).default(0.002),
  /** Serve `/metrics` (all zeros) while the model loads, as llm-d-inference-sim does. */
  metricsWhileLoading: bool().default(false),
  /** Listen backlog (pending connections); the kernel caps it at net.core.somaxconn. */
  listenBacklog: num(z.number().int().min(1).max(65535)).default(4096),
  /**
   * Replicas served by one process (`wva emulator --replicas N`): replica i listens on
   * `port + i` (each on a free port when port is 0), with `engine` label and seed offset by i.
   */
  replicas: num(z.number().int().min(1).max(256)).default(1),
  /**
   * Model milliseconds per wall millisecond: every model duration (steps, prefill, KV transfer,
   * stalls, startup delay, drain timeout, response hold) takes 1/timeScale of it in wall time;
   * the body timeout stays wall time, and latency histograms report model time.
   */
  timeScale: num(z.number().positive().max(1000)).default(1),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** The config schema; its output has every latency field filled from the preset. */
export const EmulatorConfigSchema = BaseSchema.transform((c) => {
  const p = PRESETS[c.preset];
  return {
    ...c,
    alphaMs: c.alphaMs ?? p.alphaMs,
    betaMs: c.betaMs ?? p.betaMs,
    gammaMs: c.gammaMs ?? p.gammaMs,
    deltaMs: c.deltaMs ?? p.deltaMs,
    kvCacheBlocks: c.kvCacheBlocks ?? p.kvCacheBlocks,
  };
}).check((ctx) => {
  const c = ctx.value;
  if (c.maxModelLen > c.kvCacheBlocks * c.blockSize) {
    ctx.issues.push({
      code: "custom",
      input: c.maxModelLen,
      path: ["maxModelLen"],
      message: `${c.maxModelLen} tokens must fit in the KV cache (kvCacheBlocks × blockSize = ${
        c.kvCacheBlocks * c.blockSize
      } tokens); lower maxModelLen or raise kvCacheBlocks`,
    });
  }
  if (c.port > 0 && c.port + c.replicas - 1 > 65535) {
    ctx.issues.push({
      code: "custom",
      input: c.replicas,
      path: ["replicas"],
      message: `${c.replicas} replicas from port ${c.port} would pass port 65535`,
    });
  }
  if (c.outputLength.minTokens > c.outputLength.maxTokens) {
    ctx.issues.push({
      code: "custom",
      input: c.outputLength.minTokens,
      path: ["outputLength", "minTokens"],
      message: "must not exceed outputLength.maxTokens",
    });
  }
});

/** What callers may pass (every field optional, durations as ms or strings). */
export type EmulatorOptions = z.input<typeof EmulatorConfigSchema>;

/** The resolved, validated configuration. */
export type EmulatorConfig = Readonly<z.output<typeof EmulatorConfigSchema>>;

/**
 * Validates options and fills defaults and the preset.
 *
 * @throws {ConfigError} listing every problem with its field and value.
 */
export function resolveEmulatorConfig(options: unknown = {}, source?: string): EmulatorConfig {
  return Object.freeze(parseOrThrow(EmulatorConfigSchema, options ?? {}, source));
}

/** The fields the admin API may change at run time (all optional). */
export const AdminPatchSchema = z.strictObject({
  alphaMs: num(z.number().nonnegative()),
  betaMs: num(z.number().nonnegative()),
  gammaMs: num(z.number().nonnegative()),
  deltaMs: num(z.number().nonnegative()),
  prefillScalesWithBatch: bool(),
  jitterCv: num(z.number().min(0).max(1)),
  maxNumSeqs: num(z.number().int().positive()),
  maxWaitingQueue: num(z.number().int().nonnegative()),
  outputLength: OutputLengthSchema.partial(),
  failure: FailureSchema.partial(),
}).partial();

/** A validated admin change. */
export type AdminPatch = z.output<typeof AdminPatchSchema>;

/** Settings that the admin API can read and change. */
export type RuntimeSettings = Pick<
  EmulatorConfig,
  | "alphaMs"
  | "betaMs"
  | "gammaMs"
  | "deltaMs"
  | "prefillScalesWithBatch"
  | "jitterCv"
  | "maxNumSeqs"
  | "maxWaitingQueue"
  | "outputLength"
  | "failure"
>;

/** Drops keys whose value is undefined (zod's partial objects carry them). */
export function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** The run-time settings part of a configuration. */
export function runtimeSettingsOf(c: EmulatorConfig): RuntimeSettings {
  return Object.freeze({
    alphaMs: c.alphaMs,
    betaMs: c.betaMs,
    gammaMs: c.gammaMs,
    deltaMs: c.deltaMs,
    prefillScalesWithBatch: c.prefillScalesWithBatch,
    jitterCv: c.jitterCv,
    maxNumSeqs: c.maxNumSeqs,
    maxWaitingQueue: c.maxWaitingQueue,
    outputLength: c.outputLength,
    failure: c.failure,
  });
}
