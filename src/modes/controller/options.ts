/**
 * `wva controller`'s configuration: one zod schema for the config file, the environment and the
 * flags. Precedence (lowest first): defaults, the config file (`--config`, YAML or JSON, the
 * camelCase keys below), environment variables (the reference controller's names), flags.
 * Durations take `500ms`, `30s`, `2m` or a number of milliseconds.
 *
 * @module
 */
import { z } from "zod";
import { booleanSchema, durationMsSchema, type DurationSyntax } from "../../core/util/coerce.ts";
import { mergeLayers, parseOrThrow } from "../../core/util/validate.ts";
import { ANALYZER_NAMES } from "../../core/contract/types.ts";

const DURATION: DurationSyntax = { units: ["ms", "s", "m", "h"], bareUnit: "ms" };
const durationMs = (min: number) =>
  durationMsSchema({ syntax: DURATION, examples: "500ms, 30s or 2m", min });
const bool = () => booleanSchema({ loose: true });
const addr = z.string().regex(/^([^:]*|\[[^\]]+\]):\d{1,5}$/, "expected [host]:port, e.g. :8080");

/** The whole configuration. */
export const ControllerConfigSchema = z.strictObject({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  inCluster: bool().default(false),
  /** Namespace of the controller's ConfigMaps and Lease. */
  namespace: z.string().min(1).optional(),
  watchNamespace: z.string().min(1).optional(),
  prometheusUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
  prometheusCaFile: z.string().min(1).optional(),
  prometheusInsecureSkipVerify: bool().default(false),
  prometheusToken: z.string().min(1).optional(),
  prometheusTokenFile: z.string().min(1).optional(),
  prometheusTimeoutMs: durationMs(100).default(10_000),
  /** Window of max_over_time and rate in the queries. */
  metricsWindowMs: durationMs(1000).default(60_000),
  staleAfterMs: durationMs(1000).default(60_000),
  /** A replica Ready for less than this still counts as pending (its metrics lag). */
  warmupMs: durationMs(0).default(90_000),
  intervalMs: durationMs(100).default(30_000),
  debounceMs: durationMs(0).default(1000),
  analyzer: z.enum(ANALYZER_NAMES).default("saturation-v1"),
  limiter: bool().default(false),
  scaleToZero: bool().default(false),
  directScale: bool().default(false),
  statusRefreshMs: durationMs(1000).default(60_000),
  leaderElect: bool().default(false),
  leaseName: z.string().min(1).default("wva-controller-leader"),
  identity: z.string().min(1).optional(),
  leaseDurationMs: durationMs(1000).default(15_000),
  renewDeadlineMs: durationMs(500).default(10_000),
  retryPeriodMs: durationMs(100).default(2_000),
  metricsAddr: addr.default(":8080"),
  healthAddr: addr.default(":8081"),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
}).superRefine((c, ctx) => {
  if (c.renewDeadlineMs >= c.leaseDurationMs) {
    ctx.addIssue({
      code: "custom",
      path: ["renewDeadlineMs"],
      message: "must be below leaseDurationMs",
    });
  }
  if (c.retryPeriodMs >= c.renewDeadlineMs) {
    ctx.addIssue({
      code: "custom",
      path: ["retryPeriodMs"],
      message: "must be below renewDeadlineMs",
    });
  }
  const http = c.prometheusUrl.startsWith("http:");
  if (http && (c.prometheusCaFile || c.prometheusInsecureSkipVerify)) {
    ctx.addIssue({
      code: "custom",
      path: ["prometheusUrl"],
      message: "TLS options given but the URL is http://",
    });
  }
});

/** The validated configuration. */
export type ControllerConfig = z.infer<typeof ControllerConfigSchema>;

/** Environment variables and the keys they set (names as in the reference controller). */
export const ENV_KEYS: Readonly<Record<string, keyof ControllerConfig>> = {
  KUBECONFIG: "kubeconfig",
  POD_NAMESPACE: "namespace",
  WATCH_NAMESPACE: "watchNamespace",
  PROMETHEUS_BASE_URL: "prometheusUrl",
  PROMETHEUS_CA_CERT_PATH: "prometheusCaFile",
  PROMETHEUS_TLS_INSECURE_SKIP_VERIFY: "prometheusInsecureSkipVerify",
  PROMETHEUS_BEARER_TOKEN: "prometheusToken",
  PROMETHEUS_TOKEN_PATH: "prometheusTokenFile",
  GLOBAL_OPT_INTERVAL: "intervalMs",
  WVA_ANALYZER: "analyzer",
  WVA_LIMITED_MODE: "limiter",
  WVA_SCALE_TO_ZERO: "scaleToZero",
  WVA_DIRECT_SCALE: "directScale",
  LEADER_ELECT: "leaderElect",
  LEADER_ELECTION_ID: "leaseName",
  POD_NAME: "identity",
  METRICS_BIND_ADDRESS: "metricsAddr",
  HEALTH_PROBE_BIND_ADDRESS: "healthAddr",
  LOG_LEVEL: "logLevel",
};

/** The environment's settings, by config key (unset variables left out). */
export function configFromEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== "") out[key] = v;
  }
  return out;
}

/**
 * Validates the merged layers (file, env, flags; later wins) or throws `ConfigError` listing
 * every problem.
 */
export function resolveControllerConfig(
  layers: readonly Readonly<Record<string, unknown>>[],
  source = "controller config",
): ControllerConfig {
  return Object.freeze(parseOrThrow(ControllerConfigSchema, mergeLayers(...layers), source));
}

/** Splits `host:port` (`:8080` = all interfaces). */
export function parseAddr(value: string): { readonly hostname: string; readonly port: number } {
  const i = value.lastIndexOf(":");
  const host = value.slice(0, i).replace(/^\[|\]$/g, "");
  return { hostname: host === "" ? "0.0.0.0" : host, port: Number(value.slice(i + 1)) };
}
