/**
 * wva's real control cycle as the benchmark's decision functions: each call turns the
 * observation into the cycle's port records (cycle_adapter.ts), runs `decideCycle` — the same
 * pure function `runCycle` calls in the controller — with the arm's settings, keeps the returned
 * state for the next call, and returns each variant's desired replicas. One registry entry per
 * analyzer: `saturation-v1`, `saturation-v2`, `queueing-model`, `throughput`; the multi-analyzer
 * pipeline is the `analyzers:` setting (the saturation ConfigMap's spelling).
 *
 * The settings are the controller's defaults unless the arm's `settings:` say otherwise:
 *
 * | setting | what | default (as the controller) |
 * |---|---|---|
 * | `saturation` | thresholds over the shipped defaults (`kvCacheThreshold`, `queueLengthThreshold`, …) | 0.80 / 5 / 0.10 / 3, V2 0.85 / 0.70 |
 * | `queueing` | queueing-model settings (`generation`, `scaleDownBoundary`, `queueToBatchRatio`) | gen2, 0.9, 10 |
 * | `limiter` | cap scale-ups by the GPU inventory | false |
 * | `scaleToZero`, `retentionSec` | a model idle for the retention may go to 0 | false, 600 |
 * | `staleAfterSec` | a replica's newest sample older than this is ignored | 60 |
 * | `analyzers`, `analyzerName` | the saturation ConfigMap's analyzer selection (WVA's spelling, e.g. `[{name: saturation}, {name: throughput}]`): the multi-analyzer pipeline | none |
 *
 * The pipeline's liveness window is 3 cycle intervals, the interval being the time between two
 * calls (the arm's `intervalSec`; 30 s before the second call).
 *
 * Each model's SLO (the scenario's) is its service class's SLO; every model has priority 1.
 *
 * @module
 */
import { z } from "zod";
import {
  DEFAULT_SATURATION_CONFIG,
  mergeSaturationConfig,
  QueueingModelConfigSchema,
} from "../../analyze/mod.ts";
import { SaturationOverrideSchema } from "../../analyze/saturation_config.ts";
import type { CycleReport } from "../../contract/ports.ts";
import type { CycleSettings, CycleState } from "../../contract/settings.ts";
import { EMPTY_CYCLE_STATE } from "../../contract/settings.ts";
import type { AnalyzerName, ModelSlo } from "../../contract/types.ts";
import { decideCycle } from "../../cycle/decide_cycle.ts";
import type { Slo } from "../../load/slo.ts";
import { parseOrThrow } from "../../util/validate.ts";
import { type AnalyzerPipeline, parseAnalyzerPipeline } from "../../api/configmaps/analyzers.ts";
import { type CycleInputs, toCycleInputs } from "./cycle_adapter.ts";
import type { BenchObservation, WvaDecide, WvaDeciderFactory, WvaRegistry } from "./seam.ts";

/** The `settings:` of a wva arm that runs the real cycle. */
export const CycleDeciderSettingsSchema = z.strictObject({
  saturation: SaturationOverrideSchema.optional(),
  queueing: QueueingModelConfigSchema.optional(),
  limiter: z.boolean().default(false),
  scaleToZero: z.boolean().default(false),
  retentionSec: z.number().positive().default(600),
  staleAfterSec: z.number().positive().default(60),
  analyzers: z.array(z.unknown()).optional(),
  analyzerName: z.string().optional(),
}).superRefine((s, ctx) => {
  const r = parseAnalyzerPipeline(selectionOf(s));
  for (const i of r.ok ? [] : r.issues) {
    const path = i.field.replace(/\[(\d+)\]/g, ".$1").split(".").map((k) =>
      /^\d+$/.test(k) ? Number(k) : k
    );
    ctx.addIssue({ code: "custom", path, message: i.message, input: i.value });
  }
});

function selectionOf(s: { analyzers?: unknown[] | undefined; analyzerName?: string | undefined }) {
  return {
    ...(s.analyzers !== undefined ? { analyzers: s.analyzers } : {}),
    ...(s.analyzerName !== undefined ? { analyzerName: s.analyzerName } : {}),
  };
}

/** Parsed settings. */
export type CycleDeciderSettings = z.output<typeof CycleDeciderSettingsSchema>;

function modelSlo(slo: Slo): ModelSlo {
  const itl = slo.itlMs ?? slo.tpotMs;
  return {
    ...(slo.ttftMs !== undefined ? { ttftMs: slo.ttftMs } : {}),
    ...(itl !== undefined ? { itlMs: itl } : {}),
  };
}

/** The cycle's settings for one observation (the SLO lookup reads the observed models). */
export function cycleSettings(
  analyzer: AnalyzerName,
  s: CycleDeciderSettings,
  obs: BenchObservation,
  intervalMs = 30_000,
): CycleSettings {
  const saturation = mergeSaturationConfig(DEFAULT_SATURATION_CONFIG, s.saturation);
  const pipeline = pipelineOf(s);
  const slos = new Map(obs.models.map((m) => [m.name, modelSlo(m.slo)]));
  const retentionMs = s.retentionSec * 1000;
  return {
    analyzer,
    saturationFor: () => saturation,
    ...(s.queueing ? { queueing: s.queueing } : {}),
    limiter: s.limiter || saturation.enableLimiter,
    scaleToZeroFor: () => ({ enabled: s.scaleToZero, retentionMs }),
    serviceClassFor: (model) => ({ priority: 1, slo: slos.get(model.modelId) ?? {} }),
    staleAfterMs: s.staleAfterSec * 1000,
    ...(pipeline ? { pipelineFor: () => pipeline } : {}),
    intervalMs,
  };
}

/** The arm's `analyzers`/`analyzerName`, parsed as the saturation ConfigMap's are (checked by the schema). */
function pipelineOf(s: CycleDeciderSettings): AnalyzerPipeline | undefined {
  const r = parseAnalyzerPipeline(selectionOf(s));
  return r.ok && r.entry.source !== "none" ? r.entry : undefined;
}

/** Desired replicas per variant from a cycle's report (left-out variants are absent). */
export function desiredOf(report: CycleReport): Map<string, number> {
  const desired = new Map<string, number>();
  for (const v of report.variants) {
    if (v.desiredReplicas !== undefined) desired.set(v.name, v.desiredReplicas);
  }
  return desired;
}

/** One cycle as a decision function ran it (for tests and tools that follow the cycle). */
export interface CycleRecord {
  readonly nowMs: number;
  readonly inputs: CycleInputs;
  readonly report: CycleReport;
  /** The state the cycle was given and the one it returned (kept for the next call). */
  readonly stateIn: CycleState;
  readonly stateOut: CycleState;
}

/**
 * The factory of one analyzer: a fresh decision function (with an empty cycle state) per run.
 * `onCycle` sees every cycle's inputs, report and states (the decision steps explain each
 * count).
 *
 * @throws {ConfigError} for bad settings, one line per problem
 */
export function cycleDecider(
  analyzer: AnalyzerName,
  options: { readonly onCycle?: (record: CycleRecord) => void } = {},
): WvaDeciderFactory {
  return (raw) => {
    const settings = parseOrThrow(CycleDeciderSettingsSchema, raw, "settings");
    let state: CycleState = EMPTY_CYCLE_STATE;
    let lastMs: number | undefined;
    const decide = (obs: BenchObservation) => {
      const inputs = toCycleInputs(obs);
      const intervalMs = lastMs !== undefined && inputs.nowMs > lastMs
        ? inputs.nowMs - lastMs
        : 30_000;
      lastMs = inputs.nowMs;
      const r = decideCycle(inputs.snapshot, inputs.metrics, {
        nowMs: inputs.nowMs,
        settings: cycleSettings(analyzer, settings, obs, intervalMs),
        state,
      });
      options.onCycle?.({
        nowMs: inputs.nowMs,
        inputs,
        report: r.report,
        stateIn: state,
        stateOut: r.state,
      });
      state = r.state;
      return desiredOf(r.report);
    };
    const requestWindowMs = settings.scaleToZero ? settings.retentionSec * 1000 : undefined;
    return Object.assign(decide, requestWindowMs ? { requestWindowMs } : {}) as WvaDecide;
  };
}

/** The decision functions every `wva bench` run has: one per analyzer, by analyzer name. */
export const CYCLE_REGISTRY: WvaRegistry = {
  "saturation-v1": cycleDecider("saturation-v1"),
  "saturation-v2": cycleDecider("saturation-v2"),
  "queueing-model": cycleDecider("queueing-model"),
  "throughput": cycleDecider("throughput"),
};
