/**
 * The Kubernetes `DecisionSink`: optionally sets the target's replicas through `/scale` (direct
 * scaling), records Events for scale decisions and problems, and writes each VA's status (with
 * conflict retry, only when it changed or is getting old). Failures of one VA never stop the
 * others; they are returned and retried next cycle.
 *
 * A variant discovered from an annotated HPA or ScaledObject (`definedBy`) has no VA: nothing is
 * written, its Events (ScaledUp/ScaledDown with the reason, a Warning for a malformed
 * annotation, `DiscoverySource` when it shadows another object) go to the scaler itself, and
 * its decision reaches HPA/KEDA through the gauges (the other sink).
 *
 * It acts on the report alone: each outcome echoes the scale target (kind, name, `spec.replicas`)
 * and the VA as stored (uid, resourceVersion, status) from the snapshot, so the sink works with
 * any cluster reader that fills them. The gauges HPA/KEDA read are another sink (the Prometheus
 * adapter's); the controller mode runs both.
 *
 * @module
 */
import { API_VERSION, KIND } from "../../../core/api/v1alpha1.ts";
import { DISCOVERY_CONDITION } from "../../../core/api/discovery.ts";
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
import { type ActuationInfo, buildStatus, statusNeedsWrite } from "../../../core/api/status.ts";
import { writeStatus } from "./status_writer.ts";

/** The part of the Kubernetes client the sink uses. */
export type KubeSinkApi = Pick<Kube, "transport" | "setReplicas">;

/** Counters the sink reports to (the controller's own metrics have them). */
export interface SinkCounters {
  /** An applied scaling change. */
  countScaling(
    v: { readonly name: string; readonly namespace: string },
    direction: "up" | "down",
    reason: string,
  ): void;
  countError(component: string, errorType: string): void;
}

/** Options of {@linkcode createKubeSink}. */
export interface KubeSinkOptions {
  readonly counters?: SinkCounters | undefined;
  readonly events?: EventRecorder | undefined;
  /** Also set the target's replicas through `/scale`. @default false */
  readonly directScale?: boolean | undefined;
  readonly nowMs: () => number;
  /** Rewrite an unchanged status after this long (ms). @default 60000 */
  readonly statusRefreshMs?: number | undefined;
  /** Parallel API calls. @default 8 */
  readonly concurrency?: number | undefined;
  readonly logger?: Logger | undefined;
}

/** What the sink remembers of a variant between cycles (to emit events on changes only). */
interface Memory {
  readonly desired?: number | undefined;
  readonly metricsOk?: boolean | undefined;
  readonly problems?: string | undefined;
  /** The DiscoverySource message last reported on a scaler. */
  readonly discovery?: string | undefined;
}

interface SinkState {
  readonly kube: KubeSinkApi;
  readonly options: KubeSinkOptions;
  readonly log: Logger;
  readonly mode: ActuationInfo["mode"];
  readonly memory: Map<string, Memory>;
}

type Errors = { variant: string; message: string }[];

async function emitEvents(state: SinkState, o: VariantOutcome, about: InvolvedObject) {
  const ev = state.options.events;
  const m = state.memory.get(variantKey(o)) ?? {};
  const metricsOk = o.metrics?.available;
  if (m.metricsOk === true && metricsOk === false) {
    await ev?.record(about, "Warning", "MetricsUnavailable", o.metrics?.message ?? "");
  }
  const problems = o.conditions.filter((c) => c.status !== "True").map((c) => c.reason).join(",");
  if (o.desiredReplicas === undefined && problems !== m.problems) {
    const c = o.conditions.find((x) => x.status !== "True");
    await ev?.record(about, "Warning", c?.reason ?? "InvalidConfiguration", c?.message ?? "");
  }
  const discovery = o.definedBy
    ? o.conditions.find((c) => c.type === DISCOVERY_CONDITION)?.message
    : undefined;
  if (discovery !== undefined && discovery !== m.discovery) {
    await ev?.record(about, "Normal", DISCOVERY_CONDITION, discovery);
  }
  const d = o.desiredReplicas;
  if (d !== undefined && d !== m.desired && d !== o.currentReplicas) {
    const up = d > o.currentReplicas;
    state.options.counters?.countScaling(o, up ? "up" : "down", o.reason);
    await ev?.record(
      about,
      "Normal",
      up ? "ScaledUp" : "ScaledDown",
      `desired replicas ${o.currentReplicas} → ${d} (${o.reason})`,
    );
  }
  state.memory.set(variantKey(o), { desired: d, metricsOk, problems, discovery });
}

/** Sets the target's replicas (direct scaling), from the scale target the outcome echoes. */
async function scale(state: SinkState, o: VariantOutcome): Promise<ActuationInfo> {
  const { mode } = state;
  const d = o.desiredReplicas;
  if (!state.options.directScale || d === undefined) return { mode, applied: d !== undefined };
  const t = o.scaleTarget;
  if (!t || t.specReplicas === undefined) {
    return { mode, applied: false, message: "scale target not found" };
  }
  if (t.specReplicas === d) return { mode, applied: true };
  const target = { apiVersion: t.apiVersion, kind: t.kind, namespace: o.namespace, name: t.name };
  await state.kube.setReplicas(target, d);
  state.log.info("scaled", {
    variant: o.name,
    namespace: o.namespace,
    from: t.specReplicas,
    to: d,
  });
  return { mode, applied: true, message: `scaled ${t.kind} ${t.name} to ${d}` };
}

async function scaleOrReport(state: SinkState, o: VariantOutcome, errors: Errors) {
  try {
    return await scale(state, o);
  } catch (err) {
    const message = `direct scaling failed: ${(err as Error).message}`;
    errors.push({ variant: variantKey(o), message });
    state.options.counters?.countError("actuator", "scale");
    return { mode: state.mode, applied: false, message };
  }
}

/** Writes the VA's status, built from the status the outcome echoes (or a fresh read). */
async function writeVariantStatus(
  state: SinkState,
  o: VariantOutcome,
  context: { nowMs: number; actuation: ActuationInfo; model: ModelOutcome | undefined },
  errors: Errors,
): Promise<void> {
  const { nowMs } = context;
  const refreshMs = state.options.statusRefreshMs ?? 60_000;
  try {
    await writeStatus(state.kube, o, (current) => {
      const next = buildStatus(current, o, context);
      return statusNeedsWrite(current, next, { nowMs, refreshMs }) ? next : undefined;
    }, {
      cached: o.object
        ? { resourceVersion: o.object.resourceVersion, status: o.object.status }
        : undefined,
    });
  } catch (err) {
    errors.push({
      variant: variantKey(o),
      message: `status write failed: ${(err as Error).message}`,
    });
    state.options.counters?.countError("actuator", "status");
  }
}

/** Applies one outcome: scale, events, status. True when its desired count was applied. */
async function applyOne(
  state: SinkState,
  o: VariantOutcome,
  model: ModelOutcome | undefined,
  nowMs: number,
  errors: Errors,
): Promise<boolean> {
  const by = o.definedBy;
  const about: InvolvedObject = by
    ? {
      apiVersion: by.apiVersion,
      kind: by.kind,
      namespace: o.namespace,
      name: by.name,
      uid: by.uid,
    }
    : {
      apiVersion: API_VERSION,
      kind: KIND,
      namespace: o.namespace,
      name: o.name,
      uid: o.object?.uid,
    };
  const actuation = await scaleOrReport(state, o, errors);
  await emitEvents(state, o, about);
  // An annotated scaler has no status: Events and the gauges are its whole report.
  if (!by) await writeVariantStatus(state, o, { nowMs, actuation, model }, errors);
  return actuation.applied;
}

async function applyReport(state: SinkState, report: CycleReport): Promise<ActuationResult> {
  const models = new Map(report.models.map((m) => [modelKey(m), m]));
  const errors: Errors = [];
  let applied = 0;
  const nowMs = state.options.nowMs();
  await forEachConcurrently(report.variants, state.options.concurrency ?? 8, async (o) => {
    if (await applyOne(state, o, models.get(modelKey(o)), nowMs, errors)) applied++;
  });
  const present = new Set(report.variants.map(variantKey));
  for (const k of state.memory.keys()) if (!present.has(k)) state.memory.delete(k);
  return { applied, errors };
}

/** Creates the sink. */
export function createKubeSink(kube: KubeSinkApi, options: KubeSinkOptions): DecisionSink {
  const state: SinkState = {
    kube,
    options,
    log: options.logger ?? NULL_LOGGER,
    mode: options.directScale ? "direct-scale" : "metrics",
    memory: new Map(),
  };
  return { apply: (report) => applyReport(state, report) };
}
