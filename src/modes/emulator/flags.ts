/**
 * The flags of `wva emulator`: each flag's config path (keys as in docs/emulator.md), help text
 * and the default shown in help. Every flag with a path can also be set as the environment
 * variable `WVA_EMULATOR_<FLAG>`; the schema, defaults and cross-field rules are
 * `EmulatorConfigSchema` (emulator/config.ts). `loadConfig` (src/runtime/config) layers flags over
 * the environment over the `--config` file over the preset and the defaults.
 *
 * @module
 */
import { EmulatorConfigSchema } from "../../../emulator/config.ts";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, switchFlag, valueFlag } from "../../runtime/config/table.ts";

/** Prefix of the environment variables (`WVA_EMULATOR_MAX_NUM_SEQS=512`). */
export const EMULATOR_ENV_PREFIX = "WVA_EMULATOR_";

const value = (flag: string, path: string, arg: string, description: string, defaultText: string) =>
  valueFlag(flag, path, arg, description, { defaultText });

/** Engine features as in vLLM (prefix caching, LoRA, P/D) and llm-d-inference-sim (loading). */
const FEATURE_FLAGS: readonly FlagRow[] = [
  switchFlag(
    "enable-prefix-caching",
    "enablePrefixCaching",
    "Cache prompt prefixes: shared prefixes skip prefill (vLLM's default is on)",
  ),
  {
    ...valueFlag(
      "lora-modules",
      "loraModules",
      "LIST",
      "LoRA adapters as extra model names: name or name=path, comma-separated (repeatable)",
      { defaultText: "none" },
    ),
    kind: "list",
  },
  value("max-loras", "maxLoras", "N", "Most distinct LoRA adapters in the running batch", "1"),
  value(
    "kv-transfer-latency",
    "kvTransferLatencyMs",
    "DUR",
    "P/D: fixed KV receive time of a remote prefill",
    "2ms",
  ),
  value(
    "kv-transfer-ms-per-token",
    "kvTransferMsPerToken",
    "MS",
    "P/D: KV receive time per prompt token (ms)",
    "0.002",
  ),
  switchFlag(
    "metrics-while-loading",
    "metricsWhileLoading",
    "Serve /metrics (zeros) while the model loads, as llm-d-inference-sim does",
  ),
  value(
    "tool-call-rate",
    "toolCallRate01",
    "X",
    'Share (0..1) of tool_choice "auto" chat choices that call a tool',
    "0.5",
  ),
];

/** The HTTP server's limits. */
const HTTP_FLAGS: readonly FlagRow[] = [
  value(
    "response-hold",
    "responseHoldMs",
    "DUR",
    "Non-streaming answers done within this time are sent whole; later ones send headers first",
    "100ms",
  ),
  value(
    "body-timeout",
    "bodyTimeoutMs",
    "DUR",
    "Longest wait for a request body (then 408)",
    "30s",
  ),
  value("max-body-bytes", "maxBodyBytes", "N", "Largest request body in bytes (then 413)", "4 MiB"),
  value(
    "listen-backlog",
    "listenBacklog",
    "N",
    "Listen queue length (the kernel caps it at net.core.somaxconn)",
    "4096",
  ),
];

/** Every flag of `wva emulator`. */
export const EMULATOR_FLAGS: readonly FlagRow[] = [
  valueFlag("config", undefined, "FILE", "YAML or JSON config file (keys as in docs/emulator.md)"),
  value("port", "port", "N", "Port to listen on (0 = any free port)", "8000"),
  value("host", "host", "ADDR", "Address to bind (0.0.0.0 in a container)", "127.0.0.1"),
  value("model", "model", "NAME", "Served model name", "default/default"),
  value(
    "replicas",
    "replicas",
    "N",
    "Replicas on port, port+1, ... (engine label and seed + i)",
    "1",
  ),
  value(
    "time-scale",
    "timeScale",
    "K",
    "Run the model K times faster: durations / K (histograms in model time)",
    "1",
  ),
  value("preset", "preset", "GPU", "Latency preset: A100, H100, L40S, MI300X, G2", "A100"),
  value("alpha", "alphaMs", "MS", "Decode step fixed time (ms)", "preset"),
  value("beta", "betaMs", "MS", "Decode step time per sequence in the batch (ms)", "preset"),
  value("gamma", "gammaMs", "MS", "Prefill fixed time (ms)", "preset"),
  value("delta", "deltaMs", "MS", "Prefill time per prompt token (ms)", "preset"),
  switchFlag(
    "prefill-scales-with-batch",
    "prefillScalesWithBatch",
    "Multiply the prefill token term by the running count",
  ),
  value(
    "jitter-cv",
    "jitterCv",
    "X",
    "Normal jitter on step and prefill times (coefficient of variation)",
    "0",
  ),
  value("max-num-seqs", "maxNumSeqs", "N", "Most sequences in the running batch", "256"),
  value(
    "max-model-len",
    "maxModelLen",
    "N",
    "Context length (prompt + max_tokens) in tokens",
    "4096",
  ),
  value("kv-cache-blocks", "kvCacheBlocks", "N", "KV cache size in blocks", "preset"),
  value("block-size", "blockSize", "N", "Tokens per KV block (8, 16, 32, 64, 128)", "16"),
  switchFlag(
    "no-preemption",
    "preemption",
    "Reserve prompt + output KV at admission instead of preempting",
    { sets: false },
  ),
  value(
    "max-waiting-queue",
    "maxWaitingQueue",
    "N",
    "Most waiting requests; more get HTTP 429",
    "1000",
  ),
  value(
    "startup-delay",
    "startupDelayMs",
    "DUR",
    "Model-loading time before ready (e.g. 30s)",
    "0",
  ),
  value(
    "drain-timeout",
    "drainTimeoutMs",
    "DUR",
    "Longest wait for in-flight requests on SIGTERM",
    "30s",
  ),
  value("seed", "seed", "N", "Seed for output lengths, jitter, failures and ids", "0"),
  value(
    "output-mode",
    "outputLength.mode",
    "MODE",
    "exact: output = max_tokens; sample: draw, capped by max_tokens",
    "exact",
  ),
  value(
    "output-dist",
    "outputLength.kind",
    "KIND",
    "Output length distribution: fixed, uniform, normal, exponential",
    "normal",
  ),
  value(
    "output-mean",
    "outputLength.meanTokens",
    "N",
    "Mean output tokens of the distribution",
    "128",
  ),
  value("output-sd", "outputLength.sdTokens", "N", "Standard deviation (normal)", "64"),
  value("output-min", "outputLength.minTokens", "N", "Smallest drawn output", "1"),
  value("output-max", "outputLength.maxTokens", "N", "Largest drawn output", "1024"),
  value(
    "failure-rate",
    "failure.rate01",
    "X",
    "Share of requests (0..1) that fail on purpose",
    "0",
  ),
  value(
    "failure-types",
    "failure.types",
    "LIST",
    "Comma list: rate_limit, server_error, overloaded, stall",
    "all",
  ),
  value(
    "stall",
    "failure.stallMs",
    "DUR",
    "How long a 'stall' failure holds back the first token",
    "10s",
  ),
  value(
    "engine",
    "engine",
    "NAME",
    "Metric names /metrics serves: vllm (vllm: series) or sglang (sglang: series only)",
    "vllm",
  ),
  switchFlag(
    "deprecated-metrics",
    "deprecatedMetrics",
    "Also export gpu_cache_usage_perc and time_per_output_token_seconds",
  ),
  value("engine-label", "engineLabel", "ID", "Value of vLLM's engine label", "0"),
  ...FEATURE_FLAGS,
  ...HTTP_FLAGS,
  value("log-level", "logLevel", "LEVEL", "debug, info, warn, error", "info"),
];

/** How `wva emulator` resolves its configuration. */
export const EMULATOR_CONFIG: ConfigSpec<typeof EmulatorConfigSchema> = {
  schema: EmulatorConfigSchema,
  flags: EMULATOR_FLAGS,
  source: "emulator config",
  envPrefix: EMULATOR_ENV_PREFIX,
  fileFlag: "config",
};
