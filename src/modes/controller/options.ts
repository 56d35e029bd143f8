/**
 * `wva controller`'s configuration: one zod schema for the config file, the environment and the
 * flags (./flags.ts names them). Precedence (lowest first): defaults, the config file
 * (`--config`, YAML or JSON, the camelCase keys below), environment variables (the reference
 * controller's names), flags. Durations take `500ms`, `30s`, `2m` or a number of milliseconds.
 *
 * @module
 */
import { z } from "zod";
import { booleanSchema, durationMsSchema, type DurationSyntax } from "../../core/util/coerce.ts";
import { parseOrThrow } from "../../core/util/validate.ts";
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
  /** Discover only the annotated scalers labelled `wva.llmd.ai/controller-instance=<this>`. */
  controllerInstance: z.string().min(1).optional(),
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

/**
 * Validates a configuration given as one object (library callers and tests; the CLI goes through
 * `loadConfig` with ./flags.ts) or throws `ConfigError` listing every problem.
 */
export function resolveControllerConfig(
  input: unknown,
  source = "controller config",
): ControllerConfig {
  return Object.freeze(parseOrThrow(ControllerConfigSchema, input, source));
}

/** Splits `host:port` (`:8080` = all interfaces). */
export function parseAddr(value: string): { readonly hostname: string; readonly port: number } {
  const i = value.lastIndexOf(":");
  const host = value.slice(0, i).replace(/^\[|\]$/g, "");
  return { hostname: host === "" ? "0.0.0.0" : host, port: Number(value.slice(i + 1)) };
}
