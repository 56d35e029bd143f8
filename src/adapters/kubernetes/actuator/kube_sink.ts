/**
 * The Kubernetes `DecisionSink`: publishes the gauges HPA/KEDA read, optionally sets the target's
 * replicas through `/scale` (direct scaling), records Events for scale decisions and problems,
 * and writes each VA's status (with conflict retry, only when it changed or is getting old).
 * Failures of one VA never stop the others; they are returned and retried next cycle.
 *
 * @module
 */
import { API_VERSION, KIND } from "../../../core/api/v1alpha1.ts";
import type { KubeBackend } from "../backend/backend.ts";
import type { Kube } from "../kube/mod.ts";
import { type Logger, NULL_LOGGER } from "../../../runtime/log.ts";
import {
  type ActuationResult,
  type CycleReport,
  type DecisionSink,
  modelKey,
  type ModelOutcome,
  variantKey,
  type VariantOutcome,
} from "../../../core/contract/ports.ts";
import { forEachConcurrently } from "../../../runtime/pool.ts";
import type { EventRecorder, InvolvedObject } from "./events.ts";
import type { ControllerMetrics } from "../../prometheus/wva_gauges.ts";
import { type ActuationInfo, buildStatus, statusNeedsWrite } from "../../../core/api/status.ts";
import { writeStatus } from "./status_writer.ts";

/** Options of {@linkcode createKubeSink}. */
export interface KubeSinkOptions {
  readonly backend: Pick<KubeBackend, "resolved" | "inventoryEntries">;
  readonly metrics: ControllerMetrics;
  readonly events?: EventRecorder | undefined;
  /** Also set the target's replicas through `/scale`. @default false */
  readonly directScale?: boolean;
  readonly nowMs: () => number;
  /** Rewrite an unchanged status after this long (ms). @default 60000 */
  readonly statusRefreshMs?: number;
  /** Parallel API calls. @default 8 */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

interface Memory {
  desired?: number | undefined;
  metricsOk?: boolean | undefined;
  problems?: string | undefined;
}

/** Creates the sink. */
export function createKubeSink(kube: Kube, options: KubeSinkOptions): DecisionSink {
  const log = options.logger ?? NULL_LOGGER;
  const memory = new Map<string, Memory>();
  const mode = options.directScale ? "direct-scale" : "metrics";
  async function emitEvents(o: VariantOutcome, about: InvolvedObject, m: Memory): Promise<void> {
    const ev = options.events;
    const metricsOk = o.metrics?.available;
    if (m.metricsOk === true && metricsOk === false) {
      await ev?.record(about, "Warning", "MetricsUnavailable", o.metrics?.message ?? "");
    }
    const problems = o.conditions.filter((c) => c.status !== "True").map((c) => c.reason).join(",");
    if (o.desiredReplicas === undefined && problems !== m.problems) {
      const c = o.conditions.find((x) => x.status !== "True");
      await ev?.record(about, "Warning", c?.reason ?? "InvalidConfiguration", c?.message ?? "");
    }
    const d = o.desiredReplicas;
    if (d !== undefined && d !== m.desired && d !== o.currentReplicas) {
      const up = d > o.currentReplicas;
      options.metrics.countScaling(o, up ? "up" : "down", o.reason);
      await ev?.record(
        about,
        "Normal",
        up ? "ScaledUp" : "ScaledDown",
        `desired replicas ${o.currentReplicas} → ${d} (${o.reason})`,
      );
    }
    memory.set(variantKey(o), { desired: d, metricsOk, problems });
  }
  async function scale(o: VariantOutcome): Promise<ActuationInfo> {
    const r = options.backend.resolved(variantKey(o));
    const d = o.desiredReplicas;
    if (!options.directScale || d === undefined) return { mode, applied: d !== undefined };
    const ref = r?.va?.spec.scaleTargetRef;
    if (!ref || !r?.workload) return { mode, applied: false, message: "scale target not found" };
    if (r.workload.specReplicas === d) return { mode, applied: true };
    await kube.setReplicas({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: o.namespace,
      name: ref.name,
    }, d);
    log.info("scaled", {
      variant: o.name,
      namespace: o.namespace,
      from: r.workload.specReplicas,
      to: d,
    });
    return { mode, applied: true, message: `scaled ${ref.kind} ${ref.name} to ${d}` };
  }
  async function one(
    o: VariantOutcome,
    models: ReadonlyMap<string, ModelOutcome>,
    nowMs: number,
    errors: { variant: string; message: string }[],
  ): Promise<boolean> {
    const key = variantKey(o);
    const r = options.backend.resolved(key);
    const about: InvolvedObject = {
      apiVersion: API_VERSION,
      kind: KIND,
      namespace: o.namespace,
      name: o.name,
      uid: r?.va?.metadata.uid,
    };
    let actuation: ActuationInfo;
    try {
      actuation = await scale(o);
    } catch (err) {
      const message = `direct scaling failed: ${(err as Error).message}`;
      errors.push({ variant: key, message });
      options.metrics.countError("actuator", "scale");
      actuation = { mode, applied: false, message };
    }
    await emitEvents(o, about, memory.get(key) ?? {});
    const model = models.get(modelKey(o));
    try {
      await writeStatus(kube, o, (current) => {
        const next = buildStatus(current, o, { nowMs, actuation, model });
        const refreshMs = options.statusRefreshMs ?? 60_000;
        return statusNeedsWrite(current, next, { nowMs, refreshMs }) ? next : undefined;
      }, {
        cached: r?.va
          ? { resourceVersion: r.va.metadata.resourceVersion, status: r.va.status }
          : undefined,
      });
    } catch (err) {
      errors.push({ variant: key, message: `status write failed: ${(err as Error).message}` });
      options.metrics.countError("actuator", "status");
    }
    return actuation.applied;
  }
  return {
    async apply(report: CycleReport): Promise<ActuationResult> {
      options.metrics.publish(report);
      options.metrics.setInventory(options.backend.inventoryEntries());
      const models = new Map(report.models.map((m) => [modelKey(m), m]));
      const errors: { variant: string; message: string }[] = [];
      let applied = 0;
      const nowMs = options.nowMs();
      await forEachConcurrently(report.variants, options.concurrency ?? 8, async (o) => {
        if (await one(o, models, nowMs, errors)) applied++;
      });
      const present = new Set(report.variants.map(variantKey));
      for (const k of memory.keys()) if (!present.has(k)) memory.delete(k);
      return { applied, errors };
    },
  };
}
