/**
 * The controller's own Prometheus metrics (controller.md §4), on a dedicated prom-client
 * registry **without default metrics** (they fail under Deno). The three gauges HPA/KEDA read:
 *
 * | metric | labels | value |
 * |---|---|---|
 * | `wva_desired_replicas` | variant_name, namespace, accelerator_type | desired replicas |
 * | `wva_current_replicas` | same | replicas the target asks for now |
 * | `wva_desired_ratio` | same | desired / current (desired when current is 0) |
 *
 * plus scaling counters, cycle duration, models processed, GPU inventory, metrics-source health
 * and leadership; every series also carries `controller_instance` when the controller has one. Series of variants that disappear (or change accelerator) are removed.
 *
 * {@linkcode createGaugeSink} is the `DecisionSink` that publishes a cycle's report (the
 * variant gauges and the GPU inventory the report echoes); the controller mode runs it before
 * the Kubernetes sink.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ActuationResult, CycleReport, DecisionSink } from "../../core/contract/ports.ts";

const VARIANT_LABELS = ["variant_name", "namespace", "accelerator_type"] as const;

/** Inventory entry for `wva_available_gpus`. */
export interface GpuGaugeEntry {
  readonly accelerator: string;
  readonly vendor: string;
  readonly product: string;
  readonly gpus: number;
}

/** The metrics and the calls that update them. */
export interface ControllerMetrics {
  readonly registry: Registry;
  /** Sets the variant gauges from a cycle's report (and drops vanished series). */
  publish(report: CycleReport): void;
  /** Counts an applied scaling change. */
  countScaling(
    v: { name: string; namespace: string },
    direction: "up" | "down",
    reason: string,
  ): void;
  observeCycle(seconds: number, ok: boolean): void;
  observeQuery(q: { readonly name: string; readonly seconds: number; readonly ok: boolean }): void;
  countError(component: string, errorType: string): void;
  setInventory(entries: readonly GpuGaugeEntry[]): void;
  setLeader(isLeader: boolean): void;
  /** The exposition text and its content type. */
  render(): Promise<{ readonly body: string; readonly contentType: string }>;
}

type Labels = Record<(typeof VARIANT_LABELS)[number], string>;
type UpLabels = { variant_name: string; namespace: string };

/** The gauges of the variants (what HPA/KEDA read) and of the GPU inventory. */
interface VariantGauges {
  readonly desired: Gauge;
  readonly current: Gauge;
  readonly ratio: Gauge;
  readonly metricsUp: Gauge;
  readonly models: Gauge;
  readonly gpus: Gauge;
}

/** Counters and histograms of the controller itself. */
interface OwnMetrics {
  readonly scaling: Counter;
  readonly errors: Counter;
  readonly duration: Histogram;
  readonly queryDuration: Histogram;
  readonly queryErrors: Counter;
  readonly leader: Gauge;
}

/** The registry, its metrics and the series published last (to remove vanished ones). */
interface MetricsState {
  readonly gauges: VariantGauges;
  readonly own: OwnMetrics;
  published: Map<string, Labels>;
  upPublished: Map<string, UpLabels>;
  gpuPublished: Record<string, string>[];
}

function variantGauges(registers: Registry[]): VariantGauges {
  const labelNames = VARIANT_LABELS;
  return {
    desired: new Gauge({
      name: "wva_desired_replicas",
      help: "Replicas the optimizer wants for the variant (read by HPA/KEDA).",
      labelNames,
      registers,
    }),
    current: new Gauge({
      name: "wva_current_replicas",
      help: "Replicas the variant's scale target asks for now.",
      labelNames,
      registers,
    }),
    ratio: new Gauge({
      name: "wva_desired_ratio",
      help: "Desired over current replicas (desired when current is 0).",
      labelNames,
      registers,
    }),
    metricsUp: new Gauge({
      name: "wva_saturation_metrics_up",
      help: "1 when the variant had fresh metrics in the last cycle.",
      labelNames: ["variant_name", "namespace"],
      registers,
    }),
    models: new Gauge({
      name: "wva_models_processed",
      help: "Models decided in the last cycle.",
      registers,
    }),
    gpus: new Gauge({
      name: "wva_available_gpus",
      help: "Allocatable GPUs per accelerator (GPU inventory).",
      labelNames: ["accelerator_vendor", "accelerator_model", "accelerator_type"],
      registers,
    }),
  };
}

function ownMetrics(registers: Registry[]): OwnMetrics {
  return {
    scaling: new Counter({
      name: "wva_replica_scaling_total",
      help: "Scaling decisions applied, by direction.",
      labelNames: ["variant_name", "namespace", "direction", "reason"],
      registers,
    }),
    errors: new Counter({
      name: "wva_errors_total",
      help: "Errors by component.",
      labelNames: ["component", "error_type"],
      registers,
    }),
    duration: new Histogram({
      name: "wva_optimization_duration_seconds",
      help: "Duration of one control cycle.",
      labelNames: ["status"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queryDuration: new Histogram({
      name: "wva_metrics_collection_duration_seconds",
      help: "Duration of one metrics query.",
      labelNames: ["query_type"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    queryErrors: new Counter({
      name: "wva_metrics_collection_errors_total",
      help: "Failed metrics queries.",
      labelNames: ["query_type"],
      registers,
    }),
    leader: new Gauge({
      name: "wva_leader",
      help: "1 while this replica holds the leader lease.",
      registers,
    }),
  };
}

/** Sets the variant gauges from a report and removes the series of vanished variants. */
function publishReport(state: MetricsState, report: CycleReport): void {
  const g = state.gauges;
  const next = new Map<string, Labels>();
  const nextUp = new Map<string, UpLabels>();
  for (const v of report.variants) {
    if (v.desiredReplicas === undefined) continue;
    const labels: Labels = {
      variant_name: v.name,
      namespace: v.namespace,
      accelerator_type: v.accelerator,
    };
    next.set(JSON.stringify(labels), labels);
    g.desired.set(labels, v.desiredReplicas);
    g.current.set(labels, v.currentReplicas);
    g.ratio.set(
      labels,
      v.currentReplicas === 0 ? v.desiredReplicas : v.desiredReplicas / v.currentReplicas,
    );
    const up = { variant_name: v.name, namespace: v.namespace };
    nextUp.set(JSON.stringify(up), up);
    g.metricsUp.set(up, v.metrics?.freshReplicas ? 1 : 0);
  }
  for (const [key, labels] of state.published) {
    if (next.has(key)) continue;
    g.desired.remove(labels);
    g.current.remove(labels);
    g.ratio.remove(labels);
  }
  for (const [key, labels] of state.upPublished) {
    if (!nextUp.has(key)) g.metricsUp.remove(labels);
  }
  state.published = next;
  state.upPublished = nextUp;
  g.models.set(report.models.length);
}

/** Replaces the inventory series. */
function publishInventory(state: MetricsState, entries: readonly GpuGaugeEntry[]): void {
  const { gpus } = state.gauges;
  for (const labels of state.gpuPublished) gpus.remove(labels);
  state.gpuPublished = entries.map((e) => ({
    accelerator_vendor: e.vendor,
    accelerator_model: e.product,
    accelerator_type: e.accelerator,
  }));
  entries.forEach((e, i) => gpus.set(state.gpuPublished[i]!, e.gpus));
}

/**
 * Creates the registry and every metric. With `controllerInstance` (env `CONTROLLER_INSTANCE`)
 * every series carries `controller_instance="<name>"`, as WVA's do, so two controllers that
 * each manage their own labelled scalers publish apart and a scaler's query can select its own.
 */
export function createControllerMetrics(
  options: { controllerInstance?: string | undefined } = {},
): ControllerMetrics {
  const registry = new Registry();
  if (options.controllerInstance) {
    registry.setDefaultLabels({ controller_instance: options.controllerInstance });
  }
  const state: MetricsState = {
    gauges: variantGauges([registry]),
    own: ownMetrics([registry]),
    published: new Map(),
    upPublished: new Map(),
    gpuPublished: [],
  };
  const own = state.own;
  return {
    registry,
    publish: (report) => publishReport(state, report),
    countScaling(v, direction, reason) {
      own.scaling.inc({
        variant_name: v.name,
        namespace: v.namespace,
        direction: direction === "up" ? "scale-up" : "scale-down",
        reason,
      });
    },
    observeCycle(seconds, ok) {
      own.duration.observe({ status: ok ? "success" : "error" }, seconds);
    },
    observeQuery(q) {
      own.queryDuration.observe({ query_type: q.name }, q.seconds);
      if (!q.ok) own.queryErrors.inc({ query_type: q.name });
    },
    countError(component, errorType) {
      own.errors.inc({ component, error_type: errorType });
    },
    setInventory: (entries) => publishInventory(state, entries),
    setLeader(isLeader) {
      own.leader.set(isLeader ? 1 : 0);
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/**
 * The sink that publishes a report: the variant gauges, and the GPU inventory when the report
 * carries its entries. Every variant with a desired count counts as applied (published).
 */
export function createGaugeSink(
  metrics: Pick<ControllerMetrics, "publish" | "setInventory">,
): DecisionSink {
  return {
    apply(report): Promise<ActuationResult> {
      metrics.publish(report);
      if (report.inventoryEntries) metrics.setInventory(report.inventoryEntries);
      const applied = report.variants.filter((v) => v.desiredReplicas !== undefined).length;
      return Promise.resolve({ applied, errors: [] });
    },
  };
}
