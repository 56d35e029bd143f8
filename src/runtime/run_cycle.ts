/**
 * One control cycle: collect → analyze and optimize → actuate, through the ports of
 * src/core/contract/ports.ts. No timers and no clock: the caller passes `nowMs`, the settings and the
 * state of the previous cycle, and keeps the returned state for the next one.
 *
 * ```ts
 * import { runCycle } from "./run_cycle.ts";
 * import { createLogger } from "./log.ts";
 * import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../core/contract/settings.ts";
 * import type { ClusterReader, DecisionSink, MetricsSource } from "../core/contract/ports.ts";
 * const cluster: ClusterReader = { snapshot: () => Promise.resolve({ variants: [] }) };
 * const metrics: MetricsSource = { collect: () => Promise.resolve([]) };
 * const sink: DecisionSink = { apply: () => Promise.resolve({ applied: 0, errors: [] }) };
 * let state = EMPTY_CYCLE_STATE;
 * const r = await runCycle(
 *   { cluster, metrics, sink, logger: createLogger() },
 *   { nowMs: Date.now(), settings: DEFAULT_CYCLE_SETTINGS, state },
 * );
 * state = r.state;                  // keep for the next cycle
 * ```
 *
 * Failure policy (the cycle itself never throws for backend trouble):
 * - the cluster snapshot fails → nothing is decided, the error is returned (`skipped`);
 * - the metrics source throws → every model gets a source error: variants hold, MetricsAvailable
 *   is False; missing or stale metrics never cause a scale-down;
 * - the sink throws → the error is returned; the next cycle applies again (level-based).
 *
 * @module
 */
import { type Logger, NULL_LOGGER } from "./log.ts";
import type {
  ActuationResult,
  ClusterReader,
  ClusterSnapshot,
  CycleReport,
  DecisionSink,
  MetricsRequest,
  MetricsSource,
  ModelMetrics,
} from "../core/contract/ports.ts";
import { decideCycle } from "../core/cycle/decide_cycle.ts";
import { identityOf, splitServed } from "../core/cycle/models.ts";
import { groupModels } from "../core/cycle/observe.ts";
import type { CycleSettings, CycleState } from "../core/contract/settings.ts";

/** The ports one cycle uses. */
export interface CycleDeps {
  readonly cluster: ClusterReader;
  readonly metrics: MetricsSource;
  readonly sink: DecisionSink;
  /** One `cycle-model` line per model per cycle. @default NULL_LOGGER */
  readonly logger?: Logger;
}

/** Per-call inputs. */
export interface CycleInput {
  readonly nowMs: number;
  readonly settings: CycleSettings;
  readonly state: CycleState;
}

/** What one cycle did. */
export interface CycleResult {
  /** Undefined when the snapshot could not be read (`skipped` says why). */
  readonly report: CycleReport | undefined;
  /** The state for the next cycle (unchanged when skipped). */
  readonly state: CycleState;
  readonly actuation: ActuationResult | undefined;
  readonly skipped?: string;
  /** A failure of the metrics source or the sink (the cycle still completed). */
  readonly errors: readonly { readonly stage: "metrics" | "actuate"; readonly message: string }[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The metrics request for a snapshot: every served model and its replicas. */
export function metricsRequest(
  snapshot: ClusterSnapshot,
  settings: CycleSettings,
  nowMs: number,
): MetricsRequest {
  const { served } = splitServed(snapshot.variants);
  return {
    nowMs,
    models: groupModels(served).map((g) => {
      const stz = settings.scaleToZeroFor?.(identityOf(g));
      return {
        modelId: g.modelId,
        namespace: g.namespace,
        variants: g.variants.map((v) => ({ name: v.name, replicaIds: v.replicaIds })),
        // One model is read in one engine's metric family: its first variant's.
        ...(g.variants[0]?.servingEngine ? { engine: g.variants[0].servingEngine } : {}),
        ...(stz?.enabled ? { requestWindowMs: stz.retentionMs } : {}),
      };
    }),
  };
}

/** Runs one cycle through the ports. */
export async function runCycle(deps: CycleDeps, input: CycleInput): Promise<CycleResult> {
  const log = deps.logger ?? NULL_LOGGER;
  const errors: { stage: "metrics" | "actuate"; message: string }[] = [];
  let snapshot: ClusterSnapshot;
  try {
    snapshot = await deps.cluster.snapshot(input.nowMs);
  } catch (err) {
    log.warn("cycle-skipped", { error: message(err) });
    return {
      report: undefined,
      state: input.state,
      actuation: undefined,
      skipped: message(err),
      errors,
    };
  }
  const request = metricsRequest(snapshot, input.settings, input.nowMs);
  let metrics: readonly ModelMetrics[];
  if (request.models.length === 0) {
    metrics = [];
  } else {
    try {
      metrics = await deps.metrics.collect(request);
    } catch (err) {
      errors.push({ stage: "metrics", message: message(err) });
      log.warn("metrics-failed", { error: message(err) });
      metrics = request.models.map((m) => ({
        modelId: m.modelId,
        namespace: m.namespace,
        error: message(err),
        replicas: [],
      }));
    }
  }
  const { report, state } = decideCycle(snapshot, metrics, input);
  for (const m of report.models) {
    log.info("cycle-model", {
      model: m.modelId,
      namespace: m.namespace,
      analyzer: m.analyzer,
      variants: m.variants,
      load: m.load,
      ...(m.error ? { error: m.error } : {}),
      steps: m.steps.map((s) => ({ rule: s.rule, message: s.message, ...s.values })),
    });
  }
  for (const v of report.variants) {
    if (v.desiredReplicas === undefined) {
      log.warn("variant-excluded", {
        variant: v.name,
        namespace: v.namespace,
        reasons: v.conditions.filter((c) => c.status === "False").map((c) => c.reason),
      });
    }
  }
  let actuation: ActuationResult | undefined;
  try {
    actuation = await deps.sink.apply(report);
    for (const e of actuation.errors) log.warn("actuation-failed", e);
  } catch (err) {
    errors.push({ stage: "actuate", message: message(err) });
    log.warn("actuation-failed", { error: message(err) });
  }
  return { report, state, actuation, errors };
}

/**
 * One sink made of several, applied in order to the same report (the controller publishes the
 * gauges, then scales and writes statuses). `applied` is the smallest of the parts' counts (a
 * variant is applied when every part applied it); errors are concatenated. A part that throws
 * stops the rest; the cycle reports it and the next cycle applies again (level-based).
 */
export function combineSinks(...sinks: readonly DecisionSink[]): DecisionSink {
  return {
    async apply(report: CycleReport): Promise<ActuationResult> {
      let applied = report.variants.length;
      const errors: ActuationResult["errors"][number][] = [];
      for (const sink of sinks) {
        const r = await sink.apply(report);
        applied = Math.min(applied, r.applied);
        errors.push(...r.errors);
      }
      return { applied, errors };
    },
  };
}
