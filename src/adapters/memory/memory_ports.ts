/**
 * In-memory implementations of the cycle's ports, for unit tests and benchmarks: a cluster that
 * serves a snapshot you set, a metrics source that serves samples you set, a sink that records
 * every report, and a cluster and sink in one whose variants follow what is applied. They
 * implement only the narrow ports, nothing else; tests/contracts runs the ports' contracts on them.
 *
 * @module
 */
import {
  type ActuationResult,
  type ClusterReader,
  type ClusterSnapshot,
  type CycleReport,
  type DecisionSink,
  type MetricsRequest,
  type MetricsSource,
  type ModelMetrics,
  variantKey,
  type VariantSnapshot,
} from "../../core/contract/ports.ts";

/** A cluster whose snapshot is whatever was set last. */
export interface MemoryCluster extends ClusterReader {
  set(snapshot: ClusterSnapshot): void;
  /** Makes the next `snapshot()` calls throw `error` (undefined to stop). */
  fail(error: Error | undefined): void;
}

/** Creates a {@linkcode MemoryCluster}. */
export function memoryCluster(initial: ClusterSnapshot = { variants: [] }): MemoryCluster {
  let current = initial;
  let failure: Error | undefined;
  return {
    snapshot() {
      return failure ? Promise.reject(failure) : Promise.resolve(current);
    },
    set(snapshot) {
      current = snapshot;
    },
    fail(error) {
      failure = error;
    },
  };
}

/** A metrics source answering with a function of the request (may throw to simulate an outage). */
export interface MemoryMetrics extends MetricsSource {
  /** Every request received, in order. */
  readonly requests: MetricsRequest[];
}

/** Creates a {@linkcode MemoryMetrics} from an answer function. */
export function memoryMetrics(
  answer: (request: MetricsRequest) => readonly ModelMetrics[],
): MemoryMetrics {
  const requests: MetricsRequest[] = [];
  return {
    requests,
    collect(request) {
      requests.push(request);
      try {
        return Promise.resolve(answer(request));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

/** A sink that records the reports it receives. */
export interface MemorySink extends DecisionSink {
  readonly reports: CycleReport[];
  /** Makes the next `apply()` calls throw `error` (undefined to stop). */
  fail(error: Error | undefined): void;
}

/** Creates a {@linkcode MemorySink}. */
export function memorySink(): MemorySink {
  const reports: CycleReport[] = [];
  let failure: Error | undefined;
  return {
    reports,
    apply(report): Promise<ActuationResult> {
      if (failure) return Promise.reject(failure);
      reports.push(report);
      const applied = report.variants.filter((v) => v.desiredReplicas !== undefined).length;
      return Promise.resolve({ applied, errors: [] });
    },
    fail(error) {
      failure = error;
    },
  };
}

/** A variant snapshot with test-friendly defaults (1 ready replica `<name>-0`, cost 10, A100). */
export function variantSnapshot(
  fields: Partial<VariantSnapshot> & { readonly name: string },
): VariantSnapshot {
  const current = fields.currentReplicas ?? 1;
  return {
    namespace: "default",
    modelId: "m",
    accelerator: "A100",
    costPerReplica: 10,
    gpusPerReplica: 1,
    minReplicas: 1,
    maxReplicas: 10,
    currentReplicas: current,
    readyReplicas: fields.readyReplicas ?? current,
    pendingReplicas: 0,
    replicaIds: Array.from({ length: current }, (_, i) => `${fields.name}-${i}`),
    problems: [],
    ...fields,
  };
}

/** A cluster and a sink on the same variants: applying a desired count resizes the variant. */
export interface MemoryBackend extends ClusterReader, DecisionSink {
  /** Every report applied, in order. */
  readonly reports: CycleReport[];
}

/**
 * Creates a {@linkcode MemoryBackend}: like a Deployment whose pods are ready at once, a
 * variant's desired count becomes its current and ready replicas (ids `<name>-<i>`). An outcome
 * for a variant it does not have is an error; an excluded outcome (no desired count) is skipped.
 */
export function memoryBackend(initial: ClusterSnapshot): MemoryBackend {
  let current = initial;
  const reports: CycleReport[] = [];
  const resize = (v: VariantSnapshot, n: number): VariantSnapshot => ({
    ...v,
    currentReplicas: n,
    readyReplicas: n,
    pendingReplicas: 0,
    replicaIds: Array.from({ length: n }, (_, i) => `${v.name}-${i}`),
  });
  return {
    reports,
    snapshot: () => Promise.resolve(current),
    apply(report): Promise<ActuationResult> {
      reports.push(report);
      let applied = 0;
      const errors: { variant: string; message: string }[] = [];
      let variants = current.variants;
      for (const o of report.variants) {
        if (o.desiredReplicas === undefined) continue;
        const key = variantKey(o);
        if (!variants.some((v) => variantKey(v) === key)) {
          errors.push({ variant: key, message: "not a variant of this cluster" });
          continue;
        }
        const n = o.desiredReplicas;
        variants = variants.map((v) => (variantKey(v) === key ? resize(v, n) : v));
        applied++;
      }
      current = { ...current, variants };
      return Promise.resolve({ applied, errors });
    },
  };
}
