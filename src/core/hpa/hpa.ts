/**
 * One sync of the HPA controller for one HPA (`reconcileAutoscaler`, baselines.md §2.9), pure:
 * the caller passes the scale target's counts, the pods, a reader for the metric values and the
 * controller's memory, and gets back the new replica count, the memory for the next sync and
 * what each metric proposed.
 *
 * @module
 */
import {
  averageValueMetricReplicas,
  type HpaPod,
  podsMetricReplicas,
  type Proposal,
  type Tolerances,
  valueMetricReplicas,
} from "./replica_calc.ts";
import {
  EMPTY_HPA_MEMORY,
  type HpaMemory,
  normalizeLegacy,
  normalizeWithBehavior,
  storeScaleEvent,
} from "./normalize.ts";
import { metricMilli, specMilli } from "./quantity.ts";
import {
  DEFAULT_HPA_CONTROLLER,
  type HpaControllerConfig,
  type HpaSpec,
  metricName,
  type MetricSpec,
} from "./spec.ts";

/** A metric value as the metrics APIs return it (raw units, not milli). */
export type MetricReading =
  | { readonly kind: "pods"; readonly samples: ReadonlyMap<string, number> }
  | { readonly kind: "total"; readonly value: number }
  | { readonly kind: "error"; readonly message: string };

/** What the controller reads at one sync. */
export interface HpaSyncInput {
  readonly nowMs: number;
  /** `scale.spec.replicas`: the count last asked for. */
  readonly specReplicas: number;
  /** `scale.status.replicas`: pods that exist and are not terminating. */
  readonly statusReplicas: number;
  /** Pods matched by the target's selector (terminating ones included). */
  readonly pods: readonly HpaPod[];
  /** Reads one metric now. */
  readonly read: (metric: MetricSpec) => MetricReading;
}

/** One metric's outcome at a sync. */
export interface MetricProposal {
  readonly metric: string;
  readonly replicas?: number;
  /** Current usage in raw units (the HPA status value). */
  readonly usage?: number;
  readonly error?: string;
}

/** What one sync decided. */
export interface HpaSyncResult {
  readonly memory: HpaMemory;
  /** The replica count after this sync (unchanged when `rescale` is false). */
  readonly replicas: number;
  readonly rescale: boolean;
  /** Raw recommendation (max over metrics) before normalisation, when metrics were read. */
  readonly recommendation?: number;
  /** Condition reason: ScalingDisabled, FailedGetMetric, TooManyReplicas, ScaleUpLimit, … */
  readonly reason: string;
  readonly proposals: readonly MetricProposal[];
}

/** Tolerances of an HPA (`tolerancesForHpa`): the global value, per-direction when allowed. */
export function tolerancesFor(spec: HpaSpec, config: HpaControllerConfig): Tolerances {
  const t = { up: config.tolerance, down: config.tolerance };
  if (!spec.behavior || !config.configurableTolerance) return t;
  return {
    up: spec.behavior.scaleUp.tolerance ?? t.up,
    down: spec.behavior.scaleDown.tolerance ?? t.down,
  };
}

function readyPodCount(pods: readonly HpaPod[]): number | undefined {
  if (pods.length === 0) return undefined;
  return pods.filter((p) => p.phase === "Running" && p.ready).length;
}

function proposeOne(
  metric: MetricSpec,
  input: HpaSyncInput,
  tolerances: Tolerances,
): Proposal {
  const reading = input.read(metric);
  if (reading.kind === "error") return { error: reading.message };
  if (metric.type === "Pods") {
    if (reading.kind !== "pods") return { error: "expected per-pod values" };
    const samplesMilli = new Map<string, number>();
    for (const [pod, v] of reading.samples) samplesMilli.set(pod, metricMilli(v));
    return podsMetricReplicas({
      specReplicas: input.specReplicas,
      targetMilli: specMilli(metric.pods.target.averageValue),
      tolerances,
      pods: input.pods,
      samplesMilli,
    });
  }
  if (reading.kind !== "total") return { error: "expected one value" };
  const target = metric.type === "Object" ? metric.object.target : metric.external.target;
  const totalMilli = metricMilli(reading.value);
  if (target.type === "Value") {
    return valueMetricReplicas({
      totalMilli,
      targetMilli: specMilli(target.value),
      tolerances,
      specReplicas: input.specReplicas,
      readyPods: readyPodCount(input.pods),
    });
  }
  return averageValueMetricReplicas({
    totalMilli,
    targetMilli: specMilli(target.averageValue),
    tolerances,
    statusReplicas: input.statusReplicas,
  });
}

function hasObjectOrExternal(spec: HpaSpec): boolean {
  return spec.metrics.some((m) => m.type !== "Pods");
}

/**
 * At 0 replicas, whether the HPA reads metrics (`shouldComputeMetricsForZeroReplicas`): since
 * v1.36 only when its ScaledToZero condition is true (it scaled the target to 0 itself) and it
 * has an Object/External metric or a min above 0; before, whenever min is 0.
 */
function readsMetricsAtZero(
  spec: HpaSpec,
  memory: HpaMemory,
  config: HpaControllerConfig,
): boolean {
  if ((config.scaleFromZero ?? "own-zero") === "min-zero") return spec.minReplicas === 0;
  const own = memory.scaledToZero === true;
  return own && (spec.minReplicas !== 0 || hasObjectOrExternal(spec));
}

/** `computeReplicasForMetrics`: the max over metrics, or -1 when the failures forbid a decision. */
function computeReplicasForMetrics(spec: HpaSpec, input: HpaSyncInput, tolerances: Tolerances) {
  const proposals: MetricProposal[] = [];
  let replicas = 0, failed = 0;
  for (const m of spec.metrics) {
    const p = proposeOne(m, input, tolerances);
    if ("error" in p) {
      failed++;
      proposals.push({ metric: metricName(m), error: p.error });
      continue;
    }
    proposals.push({ metric: metricName(m), replicas: p.replicas, usage: p.usageMilli / 1000 });
    if (replicas === 0 || p.replicas > replicas) replicas = p.replicas;
  }
  const invalid = failed >= spec.metrics.length || (failed > 0 && replicas < input.specReplicas);
  return { replicas: invalid ? -1 : replicas, proposals };
}

/**
 * Runs one sync.
 *
 * @example
 * ```ts
 * import { hpaSync } from "./hpa.ts";
 * import { EMPTY_HPA_MEMORY } from "./normalize.ts";
 * import { HpaSpecSchema } from "./spec.ts";
 * const spec = HpaSpecSchema.parse({
 *   maxReplicas: 10,
 *   metrics: [{ type: "External", external: { metric: { name: "queue" },
 *     target: { type: "AverageValue", averageValue: 1 } } }],
 * });
 * const r = hpaSync(spec, EMPTY_HPA_MEMORY, {
 *   nowMs: 0, specReplicas: 1, statusReplicas: 1, pods: [],
 *   read: () => ({ kind: "total", value: 3 }),
 * });
 * if (r.replicas !== 3) throw new Error(String(r.replicas));
 * ```
 */
export function hpaSync(
  spec: HpaSpec,
  memory: HpaMemory,
  input: HpaSyncInput,
  config: HpaControllerConfig = DEFAULT_HPA_CONTROLLER,
): HpaSyncResult {
  const current = input.specReplicas;
  const mem: HpaMemory = memory.recommendations === undefined
    ? { ...memory, recommendations: [{ atMs: input.nowMs, value: current }] }
    : memory;
  const hold = (reason: string, extra: Partial<HpaSyncResult> = {}): HpaSyncResult => ({
    memory: mem,
    replicas: current,
    rescale: false,
    reason,
    proposals: [],
    ...extra,
  });
  if (current === 0) {
    if (!readsMetricsAtZero(spec, mem, config)) return hold("ScalingDisabled");
  } else if (current > spec.maxReplicas) {
    return finish(spec, mem, input, { replicas: spec.maxReplicas });
  } else if (current < spec.minReplicas) {
    return finish(spec, mem, input, { replicas: spec.minReplicas });
  }
  const tolerances = tolerancesFor(spec, config);
  const computed = computeReplicasForMetrics(spec, input, tolerances);
  if (computed.replicas < 0) return hold("FailedGetMetric", { proposals: computed.proposals });
  const args = {
    nowMs: input.nowMs,
    currentReplicas: current,
    desiredReplicas: computed.replicas,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    recommendations: mem.recommendations ?? [],
  };
  const n = spec.behavior
    ? normalizeWithBehavior(args, {
      up: spec.behavior.scaleUp,
      down: spec.behavior.scaleDown,
      memory: mem,
    }, config.downscaleStabilizationMs)
    : normalizeLegacy(args, config.downscaleStabilizationMs);
  // From 0 after min was raised above 0: at least min (v1.36).
  const raised = current === 0 && spec.minReplicas !== 0 && n.replicas < spec.minReplicas;
  return finish(spec, { ...mem, recommendations: n.recommendations }, input, {
    replicas: raised ? spec.minReplicas : n.replicas,
    reason: n.reason,
    recommendation: computed.replicas,
    proposals: computed.proposals,
  });
}

function finish(
  spec: HpaSpec,
  memory: HpaMemory,
  input: HpaSyncInput,
  out: {
    replicas: number;
    reason?: string;
    recommendation?: number;
    proposals?: readonly MetricProposal[];
  },
): HpaSyncResult {
  const current = input.specReplicas;
  const rescale = out.replicas !== current;
  const reason = out.reason ??
    (current > spec.maxReplicas ? "TooManyReplicas" : "TooFewReplicas");
  const stored = rescale && spec.behavior
    ? storeScaleEvent(memory, { from: current, to: out.replicas, nowMs: input.nowMs }, {
      up: spec.behavior.scaleUp,
      down: spec.behavior.scaleDown,
    })
    : memory;
  // Every rescale sets the ScaledToZero condition: true only for the HPA's own > 0 → 0.
  const next = rescale
    ? {
      ...stored,
      scaledToZero: current > 0 && out.replicas === 0 && spec.minReplicas === 0 &&
        hasObjectOrExternal(spec),
    }
    : stored;
  return {
    memory: next,
    replicas: out.replicas,
    rescale,
    reason,
    proposals: out.proposals ?? [],
    ...(out.recommendation !== undefined ? { recommendation: out.recommendation } : {}),
  };
}

export { EMPTY_HPA_MEMORY };
