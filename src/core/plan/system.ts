/**
 * The "system" the global optimizer solves (model.md §8): accelerators, service classes, model
 * performance per accelerator, servers with their load and current allocation, capacity per
 * accelerator type, and the optimizer settings. `wva plan` builds it from a file with the field
 * names of the seed logs (src/core/plan/schema.ts); here the fields carry their units.
 *
 * @module
 */

/** An accelerator offer: `multiplicity` cards of `type` per unit, at `cost` per unit. */
export interface AcceleratorSpec {
  readonly name: string;
  readonly type: string;
  readonly multiplicity: number;
  /** Cost of one unit (e.g. cents/hour). */
  readonly cost: number;
}

/** SLO targets of one model in one service class. */
export interface ServiceClassTarget {
  readonly name: string;
  readonly model: string;
  /** 1 is the highest priority. */
  readonly priority: number;
  /** Mean inter-token latency target (ms); 0 = none. */
  readonly sloItlMs: number;
  /** 95th-percentile waiting-time target (ms, Gen1); 0 = none. */
  readonly sloTtwMs: number;
  /** Mean TTFT target (ms, Gen2); 0 = use `sloTtwMs`. */
  readonly sloTtftMs: number;
  /** Token throughput target (tokens/s); 0 = none. */
  readonly sloTps: number;
}

/** Performance of a model on an accelerator. */
export interface ModelPerfSpec {
  readonly model: string;
  readonly accelerator: string;
  /** Accelerator units per replica. */
  readonly accCount: number;
  readonly alphaMs: number;
  readonly betaMs: number;
  readonly gammaMs: number;
  readonly deltaMs: number;
  readonly maxBatchSize: number;
  /** Tokens per request at which `maxBatchSize` was profiled (0 = not scaled). */
  readonly atTokens: number;
}

/** Load on a server. */
export interface ServerLoad {
  /** Requests per minute. */
  readonly arrivalRateRpm: number;
  /** Average request length K in tokens (Gen1). */
  readonly avgLength: number;
  readonly avgInTokens: number;
  readonly avgOutTokens: number;
}

/** A server's current allocation. */
export interface CurrentAllocation {
  readonly accelerator: string;
  readonly numReplicas: number;
  readonly maxBatch: number;
  readonly cost: number;
}

/** A model server (one deployment) to allocate. */
export interface ServerSpec {
  readonly name: string;
  readonly serviceClass: string;
  readonly model: string;
  /** Only consider the current accelerator (when there is one). */
  readonly keepAccelerator: boolean;
  readonly minNumReplicas: number;
  /** Overrides the profiled batch size when > 0. */
  readonly maxBatchSize: number;
  readonly currentAlloc: CurrentAllocation | undefined;
  readonly load: ServerLoad;
}

/** What to do with servers whose SLO allocation did not fit the capacity. */
export type SaturationPolicy = "None" | "PriorityExhaustive" | "PriorityRoundRobin" | "RoundRobin";

/** Optimizer settings. */
export interface OptimizerSpec {
  /** Ignore capacity (each server takes its best candidate). */
  readonly unlimited: boolean;
  readonly saturationPolicy: SaturationPolicy;
  /** Allocate every priority group before any best-effort allocation. */
  readonly delayedBestEffort: boolean;
  /** Sizing model. */
  readonly model: "gen1" | "gen2";
}

/** The whole system. */
export interface SystemSpec {
  readonly accelerators: readonly AcceleratorSpec[];
  readonly serviceClasses: readonly ServiceClassTarget[];
  readonly models: readonly ModelPerfSpec[];
  readonly servers: readonly ServerSpec[];
  /** Available units per accelerator type (limited mode). */
  readonly capacity: readonly { readonly type: string; readonly count: number }[];
  readonly optimizer: OptimizerSpec;
}

/** Lookup tables over a system. */
export interface SystemIndex {
  readonly spec: SystemSpec;
  readonly accelerators: ReadonlyMap<string, AcceleratorSpec>;
  /** Keyed `model|accelerator`. */
  readonly perf: ReadonlyMap<string, ModelPerfSpec>;
  /** Keyed `class|model`. */
  readonly targets: ReadonlyMap<string, ServiceClassTarget>;
  readonly classPriority: ReadonlyMap<string, number>;
  readonly capacity: ReadonlyMap<string, number>;
}

/** Builds the lookup tables (first entry wins for duplicates; the plan schema rejects them). */
export function indexSystem(spec: SystemSpec): SystemIndex {
  const accelerators = new Map<string, AcceleratorSpec>();
  for (const a of spec.accelerators) if (!accelerators.has(a.name)) accelerators.set(a.name, a);
  const perf = new Map<string, ModelPerfSpec>();
  for (const m of spec.models) {
    const key = `${m.model}|${m.accelerator}`;
    if (!perf.has(key)) perf.set(key, m);
  }
  const targets = new Map<string, ServiceClassTarget>();
  const classPriority = new Map<string, number>();
  for (const c of spec.serviceClasses) {
    const key = `${c.name}|${c.model}`;
    if (!targets.has(key)) targets.set(key, c);
    if (!classPriority.has(c.name)) classPriority.set(c.name, c.priority);
  }
  const capacity = new Map<string, number>();
  for (const c of spec.capacity) capacity.set(c.type, (capacity.get(c.type) ?? 0) + c.count);
  return { spec, accelerators, perf, targets, classPriority, capacity };
}

/** Default priority of a server whose class is unknown (lowest). */
export const DEFAULT_LOW_PRIORITY = 100;
