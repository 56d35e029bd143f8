/**
 * The flag table of `wva emulator`: each flag's config path, help text and default shown in
 * help. The same table gives the environment variable names (see `cli_config.ts`).
 *
 * @module
 */

/** One flag: its config path, and whether it is a switch (boolean) or takes a value. */
export interface FlagRow {
  readonly flag: string;
  readonly path: readonly string[];
  readonly arg?: string;
  readonly description: string;
  readonly defaultText?: string;
  /** For switches: the value written when the switch is given. */
  readonly switchValue?: boolean;
}

/** Every emulator flag except `--config`. */
export const EMULATOR_FLAGS: readonly FlagRow[] = [
  {
    flag: "port",
    path: ["port"],
    arg: "N",
    description: "Port to listen on (0 = any free port)",
    defaultText: "8000",
  },
  {
    flag: "host",
    path: ["host"],
    arg: "ADDR",
    description: "Address to bind (0.0.0.0 in a container)",
    defaultText: "127.0.0.1",
  },
  {
    flag: "model",
    path: ["model"],
    arg: "NAME",
    description: "Served model name",
    defaultText: "default/default",
  },
  {
    flag: "preset",
    path: ["preset"],
    arg: "GPU",
    description: "Latency preset: A100, H100, L40S, MI300X, G2",
    defaultText: "A100",
  },
  {
    flag: "alpha",
    path: ["alphaMs"],
    arg: "MS",
    description: "Decode step fixed time (ms)",
    defaultText: "preset",
  },
  {
    flag: "beta",
    path: ["betaMs"],
    arg: "MS",
    description: "Decode step time per sequence in the batch (ms)",
    defaultText: "preset",
  },
  {
    flag: "gamma",
    path: ["gammaMs"],
    arg: "MS",
    description: "Prefill fixed time (ms)",
    defaultText: "preset",
  },
  {
    flag: "delta",
    path: ["deltaMs"],
    arg: "MS",
    description: "Prefill time per prompt token (ms)",
    defaultText: "preset",
  },
  {
    flag: "prefill-scales-with-batch",
    path: ["prefillScalesWithBatch"],
    switchValue: true,
    description: "Multiply the prefill token term by the running count",
  },
  {
    flag: "jitter-cv",
    path: ["jitterCv"],
    arg: "X",
    description: "Normal jitter on step and prefill times (coefficient of variation)",
    defaultText: "0",
  },
  {
    flag: "max-num-seqs",
    path: ["maxNumSeqs"],
    arg: "N",
    description: "Most sequences in the running batch",
    defaultText: "256",
  },
  {
    flag: "max-model-len",
    path: ["maxModelLen"],
    arg: "N",
    description: "Context length (prompt + max_tokens) in tokens",
    defaultText: "4096",
  },
  {
    flag: "kv-cache-blocks",
    path: ["kvCacheBlocks"],
    arg: "N",
    description: "KV cache size in blocks",
    defaultText: "preset",
  },
  {
    flag: "block-size",
    path: ["blockSize"],
    arg: "N",
    description: "Tokens per KV block (8, 16, 32, 64, 128)",
    defaultText: "16",
  },
  {
    flag: "no-preemption",
    path: ["preemption"],
    switchValue: false,
    description: "Reserve prompt + output KV at admission instead of preempting",
  },
  {
    flag: "max-waiting-queue",
    path: ["maxWaitingQueue"],
    arg: "N",
    description: "Most waiting requests; more get HTTP 429",
    defaultText: "1000",
  },
  {
    flag: "startup-delay",
    path: ["startupDelayMs"],
    arg: "DUR",
    description: "Model-loading time before ready (e.g. 30s)",
    defaultText: "0",
  },
  {
    flag: "drain-timeout",
    path: ["drainTimeoutMs"],
    arg: "DUR",
    description: "Longest wait for in-flight requests on SIGTERM",
    defaultText: "30s",
  },
  {
    flag: "seed",
    path: ["seed"],
    arg: "N",
    description: "Seed for output lengths, jitter, failures and ids",
    defaultText: "0",
  },
  {
    flag: "output-mode",
    path: ["outputLength", "mode"],
    arg: "MODE",
    description: "exact: output = max_tokens; sample: draw, capped by max_tokens",
    defaultText: "exact",
  },
  {
    flag: "output-dist",
    path: ["outputLength", "kind"],
    arg: "KIND",
    description: "Output length distribution: fixed, uniform, normal, exponential",
    defaultText: "normal",
  },
  {
    flag: "output-mean",
    path: ["outputLength", "meanTokens"],
    arg: "N",
    description: "Mean output tokens of the distribution",
    defaultText: "128",
  },
  {
    flag: "output-sd",
    path: ["outputLength", "sdTokens"],
    arg: "N",
    description: "Standard deviation (normal)",
    defaultText: "64",
  },
  {
    flag: "output-min",
    path: ["outputLength", "minTokens"],
    arg: "N",
    description: "Smallest drawn output",
    defaultText: "1",
  },
  {
    flag: "output-max",
    path: ["outputLength", "maxTokens"],
    arg: "N",
    description: "Largest drawn output",
    defaultText: "1024",
  },
  {
    flag: "failure-rate",
    path: ["failure", "rate01"],
    arg: "X",
    description: "Share of requests (0..1) that fail on purpose",
    defaultText: "0",
  },
  {
    flag: "failure-types",
    path: ["failure", "types"],
    arg: "LIST",
    description: "Comma list: rate_limit, server_error, overloaded, stall",
    defaultText: "all",
  },
  {
    flag: "stall",
    path: ["failure", "stallMs"],
    arg: "DUR",
    description: "How long a 'stall' failure holds back the first token",
    defaultText: "10s",
  },
  {
    flag: "deprecated-metrics",
    path: ["deprecatedMetrics"],
    switchValue: true,
    description: "Also export gpu_cache_usage_perc and time_per_output_token_seconds",
  },
  {
    flag: "engine-label",
    path: ["engineLabel"],
    arg: "ID",
    description: "Value of the engine label",
    defaultText: "0",
  },
  {
    flag: "log-level",
    path: ["logLevel"],
    arg: "LEVEL",
    description: "debug, info, warn, error",
    defaultText: "info",
  },
];
