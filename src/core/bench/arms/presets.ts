/**
 * The baseline arms of baselines.md §7 and §5, as plain data (the same shape a scenario writes),
 * so a scenario can name one (`- hpa-fork`) or start from one and override fields
 * (`- {preset: keda-queue, name: keda-queue-8, scaledObject: {maxReplicaCount: 8}}`).
 *
 * Common to all (§7): min 1, max 10 replicas, HPA sync 15 s with a random phase, tolerance 0.1,
 * a fresh HPA/KEDA per run.
 *
 * | preset | source | signals | behaviour |
 * |---|---|---|---|
 * | `hpa-fork` | §7 B1 (§5 #1, the co-author fork) | Pods `num_requests_waiting` 2, `kv_cache_usage_perc` 0.8; gateway without flow control | up 4 pods/15 s window 0; down 1 pod/15 s window 0, Min |
 * | `hpa-default` | §7 B2 | same | none → legacy: ≤ max(2×, 4) per sync, 300 s down window |
 * | `keda-queue` | §7 B3 (§5 #4, llm-d's recommended) | Σ gateway queue 1, Σ gateway running 16 | up/down windows 300 s, 100 %/15 s; polling 15, cooldown 300 |
 * | `keda-saturation` | §5 #5 | max pool saturation 0.7, Σ running 16 | as keda-queue |
 * | `keda-queue-guard` | §5 #6 | formula max(queue/1, running/16) − pending, floored at replicas; target 1 | up window 0, down 300 s, 100 %/15 s; fallback 1 after 3 |
 * | `static-peak` / `static-mean` | — | none | sized for the peak / mean rate |
 * | `wva-v1`, `wva-v2`, `wva-queueing`, `wva-throughput` | wva's control cycle with each analyzer | `saturation-v1`, … (wva/cycle_decider.ts) | direct actuation every 30 s (`actuation: {mode: keda}` for the sample ScaledObject) |
 * | `wva-combined` | wva's multi-analyzer pipeline | saturation V2 + throughput (`settings.analyzers`): up on any, down on all | as above |
 *
 * The KEDA arms read the gateway's (EPP) series, which the cluster model exports; `max 10`
 * follows §7's common cap (llm-d ships 8 for the queue overlays).
 *
 * @module
 */

const PODS = (name: string, averageValue: number) => ({
  type: "Pods",
  pods: { metric: { name }, target: { type: "AverageValue", averageValue } },
});

/**
 * The HPA arms scale on vLLM's own waiting queue, so they run behind a gateway without flow
 * control (as the fork's runs did): with it, the backlog waits in the gateway where a Pods
 * metric cannot see it (docs/bench.md, "Flow control and the HPA arms").
 */
const NO_FLOW_CONTROL = { flowControl: false };

const FORK_METRICS = [PODS("num_requests_waiting", 2), PODS("kv_cache_usage_perc", 0.8)];

const PERCENT_100_15 = [{ type: "Percent", value: 100, periodSeconds: 15 }];

const trigger = (name: string, query: string, threshold: number) => ({
  name,
  metricType: "AverageValue",
  metadata: { query, threshold },
});

const QUEUE = trigger("queue", "sum(llm_d_epp_flow_control_queue_size)", 1);
const RUNNING = trigger("running", "sum(llm_d_epp_request_running)", 16);

const KEDA_BASE = {
  pollingInterval: 15,
  cooldownPeriod: 300,
  minReplicaCount: 1,
  maxReplicaCount: 10,
};

const WINDOWS_300 = {
  scaleUp: { stabilizationWindowSeconds: 300, policies: PERCENT_100_15 },
  scaleDown: { stabilizationWindowSeconds: 300, policies: PERCENT_100_15 },
};

const GUARD_FORMULA = "let queue_per_replica = 1; let running_per_replica = 16; " +
  "let demand = max(queue / queue_per_replica, running / running_per_replica); " +
  "demand <= replicas ? demand : max(demand - (pending ?? 0), replicas)";

/** Every preset, by name, in the shape of a scenario's arm entry. */
export const ARM_PRESETS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "hpa-fork": {
    type: "hpa",
    label: "HPA (fork: waiting 2, KV 0.8, tuned behaviour)",
    gateway: NO_FLOW_CONTROL,
    hpa: {
      minReplicas: 1,
      maxReplicas: 10,
      metrics: FORK_METRICS,
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Min",
          policies: [{ type: "Pods", value: 1, periodSeconds: 15 }],
        },
      },
    },
  },
  "hpa-default": {
    type: "hpa",
    label: "HPA (waiting 2, KV 0.8, stock behaviour)",
    gateway: NO_FLOW_CONTROL,
    hpa: { minReplicas: 1, maxReplicas: 10, metrics: FORK_METRICS },
  },
  "keda-queue": {
    type: "keda",
    label: "KEDA + EPP queue (llm-d recommended)",
    scaledObject: {
      ...KEDA_BASE,
      advanced: { horizontalPodAutoscalerConfig: { behavior: WINDOWS_300 } },
      triggers: [QUEUE, RUNNING],
    },
  },
  "keda-saturation": {
    type: "keda",
    label: "KEDA + EPP pool saturation",
    scaledObject: {
      ...KEDA_BASE,
      advanced: { horizontalPodAutoscalerConfig: { behavior: WINDOWS_300 } },
      triggers: [
        trigger("pool-saturation", "max(llm_d_epp_flow_control_pool_saturation)", 0.7),
        RUNNING,
      ],
    },
  },
  "keda-queue-guard": {
    type: "keda",
    label: "KEDA + EPP queue with the pending-pods guard",
    scaledObject: {
      ...KEDA_BASE,
      fallback: { failureThreshold: 3, replicas: 1 },
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 0, policies: PERCENT_100_15 },
            scaleDown: { stabilizationWindowSeconds: 300, policies: PERCENT_100_15 },
          },
        },
        scalingModifiers: { formula: GUARD_FORMULA, target: 1, metricType: "AverageValue" },
      },
      triggers: [
        QUEUE,
        RUNNING,
        trigger("pending", "max(kube_deployment_status_replicas_unavailable)", 1),
        trigger("replicas", "max(kube_deployment_status_replicas)", 1),
      ],
    },
  },
  "static-peak": { type: "static", label: "static, sized for the peak", replicas: "peak" },
  "static-mean": { type: "static", label: "static, sized for the mean", replicas: "mean" },
  "wva-v1": { type: "wva", label: "wva (saturation V1)", decide: "saturation-v1" },
  "wva-v2": { type: "wva", label: "wva (saturation V2)", decide: "saturation-v2" },
  "wva-queueing": { type: "wva", label: "wva (queueing model)", decide: "queueing-model" },
  "wva-throughput": { type: "wva", label: "wva (throughput)", decide: "throughput" },
  "wva-combined": {
    type: "wva",
    label: "wva (saturation V2 + throughput)",
    decide: "saturation-v2",
    settings: { analyzers: [{ name: "saturation" }, { name: "throughput" }] },
  },
};

/** The baseline presets in report order (wva's are separate: they need a decision function). */
export const BASELINE_ARMS: readonly string[] = [
  "hpa-fork",
  "hpa-default",
  "keda-queue",
  "keda-saturation",
  "keda-queue-guard",
  "static-peak",
  "static-mean",
];
