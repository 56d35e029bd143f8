/**
 * The flags of `wva controller`: per flag, the config key it sets and the environment variable
 * (the reference controller's names) that sets the same key. The schema, the defaults and the
 * cross-field rules are in ./options.ts; `loadConfig` (src/runtime/config) layers flags over
 * the environment over the `--config` file over the defaults.
 *
 * @module
 */
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import type { FlagRow } from "../../runtime/config/table.ts";
import { ControllerConfigSchema } from "./options.ts";

type Extra = Pick<FlagRow, "env" | "defaultText">;

const value = (flag: string, path: string, arg: string, description: string, extra: Extra = {}) =>
  ({ flag, path, arg, description, ...extra }) satisfies FlagRow;
const toggle = (flag: string, path: string, description: string, env?: string) =>
  ({ flag, path, kind: "switch", description, ...(env ? { env } : {}) }) satisfies FlagRow;

/** Every flag of `wva controller`. */
export const CONTROLLER_FLAGS: readonly FlagRow[] = [
  value("kubeconfig", "kubeconfig", "FILE", "Kubeconfig file", {
    env: "KUBECONFIG",
    defaultText: "~/.kube/config or in-cluster",
  }),
  value("context", "context", "NAME", "Kubeconfig context to use"),
  toggle("in-cluster", "inCluster", "Use the pod's service account"),
  value("namespace", "namespace", "NS", "Namespace of the ConfigMaps and Lease", {
    env: "POD_NAMESPACE",
    defaultText: "the context's",
  }),
  value("watch-namespace", "watchNamespace", "NS", "Only VAs of this namespace", {
    env: "WATCH_NAMESPACE",
    defaultText: "all",
  }),
  value("prometheus-url", "prometheusUrl", "URL", "Prometheus base URL (required)", {
    env: "PROMETHEUS_BASE_URL",
  }),
  value("prometheus-ca-file", "prometheusCaFile", "FILE", "CA of Prometheus' certificate", {
    env: "PROMETHEUS_CA_CERT_PATH",
  }),
  toggle(
    "prometheus-insecure-skip-verify",
    "prometheusInsecureSkipVerify",
    "Skip TLS verification of Prometheus",
    "PROMETHEUS_TLS_INSECURE_SKIP_VERIFY",
  ),
  value("prometheus-token", "prometheusToken", "TOKEN", "Bearer token", {
    env: "PROMETHEUS_BEARER_TOKEN",
  }),
  value("prometheus-token-file", "prometheusTokenFile", "FILE", "Bearer token file", {
    env: "PROMETHEUS_TOKEN_PATH",
  }),
  value("prometheus-timeout", "prometheusTimeoutMs", "DUR", "Per-query timeout", {
    defaultText: "10s",
  }),
  value("metrics-window", "metricsWindowMs", "DUR", "Window of max_over_time/rate in the queries", {
    defaultText: "60s",
  }),
  value("stale-after", "staleAfterMs", "DUR", "Ignore replica metrics older than this", {
    defaultText: "60s",
  }),
  value("warmup", "warmupMs", "DUR", "A new replica counts as pending for this long after Ready", {
    defaultText: "90s",
  }),
  value("interval", "intervalMs", "DUR", "Cycle interval", {
    env: "GLOBAL_OPT_INTERVAL",
    defaultText: "30s",
  }),
  value("debounce", "debounceMs", "DUR", "Delay of a change-triggered cycle", {
    defaultText: "1s",
  }),
  value("analyzer", "analyzer", "NAME", "saturation-v1 | saturation-v2 | queueing-model", {
    env: "WVA_ANALYZER",
    defaultText: "saturation-v1",
  }),
  toggle("limiter", "limiter", "Cap scale-ups by the GPU inventory", "WVA_LIMITED_MODE"),
  toggle(
    "scale-to-zero",
    "scaleToZero",
    "Allow scale-to-zero unless configured per model",
    "WVA_SCALE_TO_ZERO",
  ),
  toggle(
    "direct-scale",
    "directScale",
    "Also set the targets' replicas via /scale",
    "WVA_DIRECT_SCALE",
  ),
  value("status-refresh", "statusRefreshMs", "DUR", "Rewrite an unchanged VA status after", {
    defaultText: "60s",
  }),
  toggle("leader-elect", "leaderElect", "Elect a leader through a Lease", "LEADER_ELECT"),
  value("lease-name", "leaseName", "NAME", "Lease name", {
    env: "LEADER_ELECTION_ID",
    defaultText: "wva-controller-leader",
  }),
  value("identity", "identity", "ID", "Identity in the Lease", {
    env: "POD_NAME",
    defaultText: "hostname-pid",
  }),
  value("lease-duration", "leaseDurationMs", "DUR", "Lease duration", { defaultText: "15s" }),
  value("renew-deadline", "renewDeadlineMs", "DUR", "Leader gives up after failing to renew for", {
    defaultText: "10s",
  }),
  value("retry-period", "retryPeriodMs", "DUR", "Lease retry period", { defaultText: "2s" }),
  value("metrics-addr", "metricsAddr", "ADDR", "Serve /metrics on [host]:port", {
    env: "METRICS_BIND_ADDRESS",
    defaultText: ":8080",
  }),
  value("health-addr", "healthAddr", "ADDR", "Serve /healthz, /readyz on", {
    env: "HEALTH_PROBE_BIND_ADDRESS",
    defaultText: ":8081",
  }),
  value("log-level", "logLevel", "LEVEL", "debug | info | warn | error", {
    env: "LOG_LEVEL",
    defaultText: "info",
  }),
  { flag: "config", arg: "FILE", description: "YAML/JSON config file (camelCase keys)" },
];

/** How `wva controller` resolves its configuration. */
export const CONTROLLER_CONFIG: ConfigSpec<typeof ControllerConfigSchema> = {
  schema: ControllerConfigSchema,
  flags: CONTROLLER_FLAGS,
  source: "controller config",
  fileFlag: "config",
};
