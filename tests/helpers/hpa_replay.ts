/**
 * Replays a series of metric values, one per HPA sync, through the pure HPA model (`hpaSync`),
 * directly or behind the KEDA model (`kedaHpaSpec` → `kedaMetrics`), and compares a replica series observed on a
 * real cluster with the model's, allowing a phase difference of a few syncs. Used by
 * tests/cluster/hpa_model_test.ts to check the model against kube-controller-manager.
 *
 * @module
 */
import {
  DEFAULT_HPA_CONTROLLER,
  EMPTY_HPA_MEMORY,
  type HpaControllerConfig,
  type HpaMemory,
  type HpaSpec,
  hpaSync,
  metricName,
  type MetricReading,
  type MetricSpec,
} from "../../src/core/hpa/mod.ts";
import { kedaHpaSpec, kedaMetrics, type ScaledObject } from "../../src/core/keda/mod.ts";

/** The model's state after one sync. */
export interface ModelSync {
  readonly atMs: number;
  /** The value the HPA read (raw units). */
  readonly value: number;
  readonly replicas: number;
  /** Raw recommendation (max over metrics) before stabilisation and rate limits. */
  readonly recommendation?: number;
  readonly reason: string;
}

/** Options of {@linkcode replayHpa}. */
export interface ReplayOptions {
  /** The Deployment's replicas when the HPA first syncs. */
  readonly initialReplicas: number;
  /** kube-controller-manager's HPA settings. @default DEFAULT_HPA_CONTROLLER */
  readonly config?: Partial<HpaControllerConfig>;
}

/** Serves the HPA's metrics at one sync from the value the test set. */
export type Serve = (
  value: number,
  statusReplicas: number,
) => (metric: MetricSpec) => MetricReading;

/**
 * Runs the HPA model once per sync: at `atMs` the HPA reads what `serve` makes of `value`
 * (by default one External/Object total). Pods follow the replica count at once (status
 * replicas = spec replicas), as on kwok nodes.
 *
 * @example
 * ```ts
 * import { HpaSpecSchema } from "../../src/core/hpa/mod.ts";
 * import { replayHpa } from "./hpa_replay.ts";
 * const spec = HpaSpecSchema.parse({ maxReplicas: 8, metrics: [{ type: "External",
 *   external: { metric: { name: "q" }, target: { type: "AverageValue", averageValue: 10 } } }] });
 * const r = replayHpa(spec, [{ atMs: 0, value: 8 }, { atMs: 3000, value: 75 }], { initialReplicas: 1 });
 * if (r[1]?.replicas !== 4) throw new Error("legacy path: at most max(2 × 1, 4)");
 * ```
 */
export function replayHpa(
  spec: HpaSpec,
  syncs: readonly { readonly atMs: number; readonly value: number }[],
  options: ReplayOptions & { readonly serve?: Serve },
): ModelSync[] {
  const config: HpaControllerConfig = { ...DEFAULT_HPA_CONTROLLER, ...options.config };
  const serve: Serve = options.serve ?? ((value) => () => ({ kind: "total", value }));
  let memory: HpaMemory = EMPTY_HPA_MEMORY;
  let replicas = options.initialReplicas;
  return syncs.map(({ atMs, value }) => {
    const r = hpaSync(spec, memory, {
      nowMs: atMs,
      specReplicas: replicas,
      statusReplicas: replicas,
      pods: [],
      read: serve(value, replicas),
    }, config);
    memory = r.memory;
    replicas = r.replicas;
    return {
      atMs,
      value,
      replicas,
      reason: r.reason,
      ...(r.recommendation !== undefined ? { recommendation: r.recommendation } : {}),
    };
  });
}

/**
 * {@linkcode replayHpa} for the HPA KEDA generates from `so` (one trigger), its metrics served
 * by the KEDA model (`kedaMetrics`).
 *
 * @example
 * ```ts
 * import { ScaledObjectSchema } from "../../src/core/keda/mod.ts";
 * import { replayKedaHpa } from "./hpa_replay.ts";
 * const so = ScaledObjectSchema.parse({ minReplicaCount: 1, maxReplicaCount: 8,
 *   triggers: [{ metadata: { query: "q", threshold: "10" } }] });
 * const r = replayKedaHpa(so, [{ atMs: 0, value: 8 }, { atMs: 3000, value: 75 }], { initialReplicas: 1 });
 * if (r[1]?.replicas !== 4) throw new Error("legacy path: at most max(2 × 1, 4)");
 * ```
 */
export function replayKedaHpa(
  so: ScaledObject,
  syncs: readonly { readonly atMs: number; readonly value: number }[],
  options: ReplayOptions,
): ModelSync[] {
  let failures: Readonly<Record<string, number>> = {};
  const serve: Serve = (value, statusReplicas) => {
    const served = kedaMetrics(so, [value], { failures, statusReplicas });
    failures = served.failures;
    return (m) => served.readings.get(metricName(m)) ?? { kind: "error", message: "not served" };
  };
  return replayHpa(kedaHpaSpec(so), syncs, { ...options, serve });
}

/** One sample where the observed count matched no model count within the allowed shift. */
export interface PhaseMismatch {
  readonly index: number;
  readonly observed: number;
  /** The model's counts at index − shift … index + shift. */
  readonly allowed: readonly number[];
}

/**
 * Samples where `observed[i]` is none of `model[i − maxShift … i + maxShift]` (an undefined
 * observation is skipped). Empty when the two series agree within `maxShift` syncs of phase.
 *
 * @example
 * ```ts
 * import { phaseMismatches } from "./hpa_replay.ts";
 * // the real controller one sync late: agrees with a shift of 1, not of 0
 * if (phaseMismatches([1, 1, 3, 5], [1, 3, 5, 5], 1).length !== 0) throw new Error("bad");
 * if (phaseMismatches([1, 1, 3, 5], [1, 3, 5, 5], 0).length !== 2) throw new Error("bad");
 * ```
 */
export function phaseMismatches(
  observed: readonly (number | undefined)[],
  model: readonly number[],
  maxShift: number,
): PhaseMismatch[] {
  const out: PhaseMismatch[] = [];
  observed.forEach((o, index) => {
    if (o === undefined) return;
    const allowed = model.slice(Math.max(0, index - maxShift), index + maxShift + 1);
    if (!allowed.includes(o)) out.push({ index, observed: o, allowed });
  });
  return out;
}

/** Run-length form of a series: `1×4 3×2 5×9` (value × syncs). */
export function runLengths(series: readonly (number | undefined)[]): string {
  const parts: string[] = [];
  let prev: number | undefined | null = null, n = 0;
  const flush = () => {
    if (n > 0) parts.push(`${prev ?? "?"}×${n}`);
  };
  for (const v of series) {
    if (v === prev) {
      n++;
      continue;
    }
    flush();
    prev = v;
    n = 1;
  }
  flush();
  return parts.join(" ");
}

/** Series side by side, one row each, values right-aligned in columns (`?` = no sample). */
export function sideBySide(
  rows: Readonly<Record<string, readonly (number | undefined)[]>>,
): string {
  const names = Object.keys(rows);
  const width = Math.max(...names.map((n) => n.length));
  const cols = Math.max(...names.map((n) => rows[n]!.length));
  const cell = Math.max(
    2,
    ...names.flatMap((n) => rows[n]!.map((v) => String(v ?? "?").length)),
  );
  const header = `${"sync".padEnd(width)} ` +
    Array.from({ length: cols }, (_, i) => String(i).padStart(cell)).join(" ");
  const lines = names.map((n) =>
    `${n.padEnd(width)} ` + rows[n]!.map((v) => String(v ?? "?").padStart(cell)).join(" ")
  );
  return [header, ...lines].join("\n");
}
