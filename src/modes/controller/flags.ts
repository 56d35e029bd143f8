/**
 * The flags of `wva controller` and the config key each sets (see src/modes/controller/options.ts for
 * the schema, the defaults and the environment variables).
 *
 * @module
 */
import type { FlagSpecs } from "../../runtime/cli/flags.ts";
import type { ControllerConfig } from "./options.ts";

/** One flag: its spec and the config key it sets. */
interface FlagEntry {
  /** Undefined for `--config`, which names the file layer itself. */
  readonly key: keyof ControllerConfig | undefined;
  readonly spec: FlagSpecs[string];
}

const s = (
  key: keyof ControllerConfig,
  arg: string,
  description: string,
  defaultText?: string,
): FlagEntry => ({
  key,
  spec: { type: "string", arg, description, ...(defaultText ? { defaultText } : {}) },
});
const b = (key: keyof ControllerConfig, description: string): FlagEntry => ({
  key,
  spec: { type: "boolean", description },
});

/** Flags by long name. */
export const CONTROLLER_FLAG_ENTRIES: Readonly<Record<string, FlagEntry>> = {
  "kubeconfig": s(
    "kubeconfig",
    "FILE",
    "Kubeconfig file [KUBECONFIG]",
    "~/.kube/config or in-cluster",
  ),
  "context": s("context", "NAME", "Kubeconfig context to use"),
  "in-cluster": b("inCluster", "Use the pod's service account"),
  "namespace": s(
    "namespace",
    "NS",
    "Namespace of the ConfigMaps and Lease [POD_NAMESPACE]",
    "the context's",
  ),
  "watch-namespace": s(
    "watchNamespace",
    "NS",
    "Only VAs of this namespace [WATCH_NAMESPACE]",
    "all",
  ),
  "prometheus-url": s(
    "prometheusUrl",
    "URL",
    "Prometheus base URL (required) [PROMETHEUS_BASE_URL]",
  ),
  "prometheus-ca-file": s(
    "prometheusCaFile",
    "FILE",
    "CA of Prometheus' certificate [PROMETHEUS_CA_CERT_PATH]",
  ),
  "prometheus-insecure-skip-verify": b(
    "prometheusInsecureSkipVerify",
    "Skip TLS verification of Prometheus [PROMETHEUS_TLS_INSECURE_SKIP_VERIFY]",
  ),
  "prometheus-token": s("prometheusToken", "TOKEN", "Bearer token [PROMETHEUS_BEARER_TOKEN]"),
  "prometheus-token-file": s(
    "prometheusTokenFile",
    "FILE",
    "Bearer token file [PROMETHEUS_TOKEN_PATH]",
  ),
  "prometheus-timeout": s("prometheusTimeoutMs", "DUR", "Per-query timeout", "10s"),
  "metrics-window": s(
    "metricsWindowMs",
    "DUR",
    "Window of max_over_time/rate in the queries",
    "60s",
  ),
  "stale-after": s("staleAfterMs", "DUR", "Ignore replica metrics older than this", "60s"),
  "warmup": s(
    "warmupMs",
    "DUR",
    "A new replica counts as pending for this long after Ready",
    "90s",
  ),
  "interval": s("intervalMs", "DUR", "Cycle interval [GLOBAL_OPT_INTERVAL]", "30s"),
  "debounce": s("debounceMs", "DUR", "Delay of a change-triggered cycle", "1s"),
  "analyzer": s(
    "analyzer",
    "NAME",
    "saturation-v1 | saturation-v2 | queueing-model [WVA_ANALYZER]",
    "saturation-v1",
  ),
  "limiter": b("limiter", "Cap scale-ups by the GPU inventory [WVA_LIMITED_MODE]"),
  "scale-to-zero": b(
    "scaleToZero",
    "Allow scale-to-zero unless configured per model [WVA_SCALE_TO_ZERO]",
  ),
  "direct-scale": b("directScale", "Also set the targets' replicas via /scale [WVA_DIRECT_SCALE]"),
  "status-refresh": s("statusRefreshMs", "DUR", "Rewrite an unchanged VA status after", "60s"),
  "leader-elect": b("leaderElect", "Elect a leader through a Lease [LEADER_ELECT]"),
  "lease-name": s("leaseName", "NAME", "Lease name [LEADER_ELECTION_ID]", "wva-controller-leader"),
  "identity": s("identity", "ID", "Identity in the Lease [POD_NAME]", "hostname-pid"),
  "lease-duration": s("leaseDurationMs", "DUR", "Lease duration", "15s"),
  "renew-deadline": s(
    "renewDeadlineMs",
    "DUR",
    "Leader gives up after failing to renew for",
    "10s",
  ),
  "retry-period": s("retryPeriodMs", "DUR", "Lease retry period", "2s"),
  "metrics-addr": s(
    "metricsAddr",
    "ADDR",
    "Serve /metrics on [host]:port [METRICS_BIND_ADDRESS]",
    ":8080",
  ),
  "health-addr": s(
    "healthAddr",
    "ADDR",
    "Serve /healthz, /readyz on [HEALTH_PROBE_BIND_ADDRESS]",
    ":8081",
  ),
  "log-level": s("logLevel", "LEVEL", "debug | info | warn | error [LOG_LEVEL]", "info"),
  "config": {
    key: undefined,
    spec: { type: "string", arg: "FILE", description: "YAML/JSON config file (camelCase keys)" },
  },
};

/** The specs for `parseFlags`. */
export const CONTROLLER_FLAGS: FlagSpecs = Object.fromEntries(
  Object.entries(CONTROLLER_FLAG_ENTRIES).map(([name, e]) => [name, e.spec]),
);

/** The config layer of parsed flags (`--config` excluded). */
export function configFromFlags(
  values: Readonly<Record<string, string | boolean | string[] | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(CONTROLLER_FLAG_ENTRIES)) {
    const v = values[name];
    if (e.key !== undefined && v !== undefined) out[e.key] = v;
  }
  return out;
}
