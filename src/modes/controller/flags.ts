/**
 * The flags of `wva controller`: per flag, the config key it sets and the environment variable
 * (the reference controller's names) that sets the same key. The schema, the defaults and the
 * cross-field rules are in ./options.ts; `loadConfig` (src/runtime/config) layers flags over
 * the environment over the `--config` file over the defaults.
 *
 * @module
 */
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, switchFlag, valueFlag } from "../../runtime/config/table.ts";
import { ControllerConfigSchema } from "./options.ts";

/** Every flag of `wva controller`. */
export const CONTROLLER_FLAGS: readonly FlagRow[] = [
  valueFlag("kubeconfig", "kubeconfig", "FILE", "Kubeconfig file", {
    env: "KUBECONFIG",
    defaultText: "~/.kube/config or in-cluster",
  }),
  valueFlag("context", "context", "NAME", "Kubeconfig context to use"),
  switchFlag("in-cluster", "inCluster", "Use the pod's service account"),
  valueFlag("namespace", "namespace", "NS", "Namespace of the ConfigMaps and Lease", {
    env: "POD_NAMESPACE",
    defaultText: "the context's",
  }),
  valueFlag("watch-namespace", "watchNamespace", "NS", "Only VAs of this namespace", {
    env: "WATCH_NAMESPACE",
    defaultText: "all",
  }),
  valueFlag("prometheus-url", "prometheusUrl", "URL", "Prometheus base URL (required)", {
    env: "PROMETHEUS_BASE_URL",
  }),
  valueFlag("prometheus-ca-file", "prometheusCaFile", "FILE", "CA of Prometheus' certificate", {
    env: "PROMETHEUS_CA_CERT_PATH",
  }),
  switchFlag(
    "prometheus-insecure-skip-verify",
    "prometheusInsecureSkipVerify",
    "Skip TLS verification of Prometheus",
    { env: "PROMETHEUS_TLS_INSECURE_SKIP_VERIFY" },
  ),
  valueFlag("prometheus-token", "prometheusToken", "TOKEN", "Bearer token", {
    env: "PROMETHEUS_BEARER_TOKEN",
  }),
  valueFlag("prometheus-token-file", "prometheusTokenFile", "FILE", "Bearer token file", {
    env: "PROMETHEUS_TOKEN_PATH",
  }),
  valueFlag("prometheus-timeout", "prometheusTimeoutMs", "DUR", "Per-query timeout", {
    defaultText: "10s",
  }),
  valueFlag(
    "metrics-window",
    "metricsWindowMs",
    "DUR",
    "Window of max_over_time/rate in the queries",
    {
      defaultText: "60s",
    },
  ),
  valueFlag("stale-after", "staleAfterMs", "DUR", "Ignore replica metrics older than this", {
    defaultText: "60s",
  }),
  valueFlag(
    "warmup",
    "warmupMs",
    "DUR",
    "A new replica counts as pending for this long after Ready",
    {
      defaultText: "90s",
    },
  ),
  valueFlag("interval", "intervalMs", "DUR", "Cycle interval", {
    env: "GLOBAL_OPT_INTERVAL",
    defaultText: "30s",
  }),
  valueFlag("debounce", "debounceMs", "DUR", "Delay of a change-triggered cycle", {
    defaultText: "1s",
  }),
  valueFlag(
    "controller-instance",
    "controllerInstance",
    "NAME",
    "Discover only scalers labelled wva.llmd.ai/controller-instance=NAME",
    { env: "CONTROLLER_INSTANCE" },
  ),
  valueFlag(
    "analyzer",
    "analyzer",
    "NAME",
    "saturation-v1 | saturation-v2 | queueing-model | throughput",
    {
      env: "WVA_ANALYZER",
      defaultText: "saturation-v1",
    },
  ),
  switchFlag("limiter", "limiter", "Cap scale-ups by the GPU inventory", {
    env: "WVA_LIMITED_MODE",
  }),
  switchFlag("scale-to-zero", "scaleToZero", "Allow scale-to-zero unless configured per model", {
    env: "WVA_SCALE_TO_ZERO",
  }),
  switchFlag("direct-scale", "directScale", "Also set the targets' replicas via /scale", {
    env: "WVA_DIRECT_SCALE",
  }),
  valueFlag("status-refresh", "statusRefreshMs", "DUR", "Rewrite an unchanged VA status after", {
    defaultText: "60s",
  }),
  switchFlag("leader-elect", "leaderElect", "Elect a leader through a Lease", {
    env: "LEADER_ELECT",
  }),
  valueFlag("lease-name", "leaseName", "NAME", "Lease name", {
    env: "LEADER_ELECTION_ID",
    defaultText: "wva-controller-leader",
  }),
  valueFlag("identity", "identity", "ID", "Identity in the Lease", {
    env: "POD_NAME",
    defaultText: "hostname-pid",
  }),
  valueFlag("lease-duration", "leaseDurationMs", "DUR", "Lease duration", { defaultText: "15s" }),
  valueFlag(
    "renew-deadline",
    "renewDeadlineMs",
    "DUR",
    "Leader gives up after failing to renew for",
    {
      defaultText: "10s",
    },
  ),
  valueFlag("retry-period", "retryPeriodMs", "DUR", "Lease retry period", { defaultText: "2s" }),
  valueFlag("metrics-addr", "metricsAddr", "ADDR", "Serve /metrics on [host]:port", {
    env: "METRICS_BIND_ADDRESS",
    defaultText: ":8080",
  }),
  valueFlag("health-addr", "healthAddr", "ADDR", "Serve /healthz, /readyz on", {
    env: "HEALTH_PROBE_BIND_ADDRESS",
    defaultText: ":8081",
  }),
  valueFlag("log-level", "logLevel", "LEVEL", "debug | info | warn | error", {
    env: "LOG_LEVEL",
    defaultText: "info",
  }),
  valueFlag("config", undefined, "FILE", "YAML/JSON config file (camelCase keys)"),
];

/** How `wva controller` resolves its configuration. */
export const CONTROLLER_CONFIG: ConfigSpec<typeof ControllerConfigSchema> = {
  schema: ControllerConfigSchema,
  flags: CONTROLLER_FLAGS,
  source: "controller config",
  fileFlag: "config",
};
