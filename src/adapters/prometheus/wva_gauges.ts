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
 * and leadership. Series of variants that disappear (or change accelerator) are removed.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CycleReport } from "../../core/contract/ports.ts";

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

/** Creates the registry and every metric. */
export function createControllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const desired = new Gauge({
    name: "wva_desired_replicas",
    help: "Replicas the optimizer wants for the variant (read by HPA/KEDA).",
    labelNames: VARIANT_LABELS,
    registers,
  });
  const current = new Gauge({
    name: "wva_current_replicas",
    help: "Replicas the variant's scale target asks for now.",
    labelNames: VARIANT_LABELS,
    registers,
  });
  const ratio = new Gauge({
    name: "wva_desired_ratio",
    help: "Desired over current replicas (desired when current is 0).",
    labelNames: VARIANT_LABELS,
    registers,
  });
  const metricsUp = new Gauge({
    name: "wva_saturation_metrics_up",
    help: "1 when the variant had fresh metrics in the last cycle.",
    labelNames: ["variant_name", "namespace"],
    registers,
  });
  const scaling = new Counter({
    name: "wva_replica_scaling_total",
    help: "Scaling decisions applied, by direction.",
    labelNames: ["variant_name", "namespace", "direction", "reason"],
    registers,
  });
  const errors = new Counter({
    name: "wva_errors_total",
    help: "Errors by component.",
    labelNames: ["component", "error_type"],
    registers,
  });
  const duration = new Histogram({
    name: "wva_optimization_duration_seconds",
    help: "Duration of one control cycle.",
    labelNames: ["status"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const models = new Gauge({
    name: "wva_models_processed",
    help: "Models decided in the last cycle.",
    registers,
  });
  const gpus = new Gauge({
    name: "wva_available_gpus",
    help: "Allocatable GPUs per accelerator (GPU inventory).",
    labelNames: ["accelerator_vendor", "accelerator_model", "accelerator_type"],
    registers,
  });
  const queryDuration = new Histogram({
    name: "wva_metrics_collection_duration_seconds",
    help: "Duration of one metrics query.",
    labelNames: ["query_type"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const queryErrors = new Counter({
    name: "wva_metrics_collection_errors_total",
    help: "Failed metrics queries.",
    labelNames: ["query_type"],
    registers,
  });
  const leader = new Gauge({
    name: "wva_leader",
    help: "1 while this replica holds the leader lease.",
    registers,
  });
  let published = new Map<string, Labels>();
  let upPublished = new Map<string, { variant_name: string; namespace: string }>();
  let gpuPublished: Record<string, string>[] = [];
  return {
    registry,
    publish(report) {
      const next = new Map<string, Labels>();
      const nextUp = new Map<string, { variant_name: string; namespace: string }>();
      for (const v of report.variants) {
        if (v.desiredReplicas === undefined) continue;
        const labels: Labels = {
          variant_name: v.name,
          namespace: v.namespace,
          accelerator_type: v.accelerator,
        };
        const key = JSON.stringify(labels);
        next.set(key, labels);
        desired.set(labels, v.desiredReplicas);
        current.set(labels, v.currentReplicas);
        ratio.set(
          labels,
          v.currentReplicas === 0 ? v.desiredReplicas : v.desiredReplicas / v.currentReplicas,
        );
        const up = { variant_name: v.name, namespace: v.namespace };
        nextUp.set(JSON.stringify(up), up);
        metricsUp.set(up, v.metrics?.freshReplicas ? 1 : 0);
      }
      for (const [key, labels] of published) {
        if (next.has(key)) continue;
        desired.remove(labels);
        current.remove(labels);
        ratio.remove(labels);
      }
      for (const [key, labels] of upPublished) if (!nextUp.has(key)) metricsUp.remove(labels);
      published = next;
      upPublished = nextUp;
      models.set(report.models.length);
    },
    countScaling(v, direction, reason) {
      scaling.inc({
        variant_name: v.name,
        namespace: v.namespace,
        direction: direction === "up" ? "scale-up" : "scale-down",
        reason,
      });
    },
    observeCycle(seconds, ok) {
      duration.observe({ status: ok ? "success" : "error" }, seconds);
    },
    observeQuery(q) {
      queryDuration.observe({ query_type: q.name }, q.seconds);
      if (!q.ok) queryErrors.inc({ query_type: q.name });
    },
    countError(component, errorType) {
      errors.inc({ component, error_type: errorType });
    },
    setInventory(entries) {
      for (const labels of gpuPublished) gpus.remove(labels);
      gpuPublished = entries.map((e) => ({
        accelerator_vendor: e.vendor,
        accelerator_model: e.product,
        accelerator_type: e.accelerator,
      }));
      entries.forEach((e, i) => gpus.set(gpuPublished[i]!, e.gpus));
    },
    setLeader(isLeader) {
      leader.set(isLeader ? 1 : 0);
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
