/**
 * The `wva plan` input file: the structure the seed logs print as "System data prepared for
 * optimization", with the same field names (`accelerators`, `serviceClasses` with `slo-itl`,
 * `models`, `servers` with `currentAlloc.load`, `capacity`, `optimizer`). YAML or JSON.
 *
 * Objects are strict (a misspelt key is an error naming it); fields the seed logs print but the
 * optimizer does not use (`memSize`, `power`, `itlAverage`, `desiredAlloc`, `arrivalCOV`, …) are
 * accepted and ignored so a log excerpt can be pasted as is.
 *
 * @module
 */
import { z } from "zod";

const name = z.string().min(1);
const int0 = z.number().int().min(0);
const nonNegative = z.number().min(0);
const ignored = z.unknown().optional();

/** An accelerator offer. */
export const AcceleratorEntrySchema = z.strictObject({
  name,
  /** Accelerator type, the unit counted in `capacity` (e.g. `NVIDIA-A100-PCIE-80GB`). */
  type: name,
  /** Cards of the type per accelerator unit. */
  multiplicity: z.number().int().positive().default(1),
  /** Cost per unit (cents/hour in the seeds). */
  cost: nonNegative,
  memSize: ignored,
  memBW: ignored,
  power: ignored,
});

/** SLO targets of a model in a service class. */
export const ServiceClassEntrySchema = z.strictObject({
  name,
  model: name,
  /** 1 is the highest priority (default 100, the lowest). */
  priority: z.number().int().min(1).default(100),
  /** Mean inter-token latency target, ms (0 = none). */
  "slo-itl": nonNegative.default(0),
  /** 95th-percentile queueing-wait target, ms (Gen1; Gen2 uses it when slo-ttft is absent). */
  "slo-ttw": nonNegative.default(0),
  /** Mean time-to-first-token target, ms (Gen2). */
  "slo-ttft": nonNegative.optional(),
  /** Token throughput target, tokens/s (0 = size for the arrival rate). */
  "slo-tps": nonNegative.default(0),
});

/** Performance of a model on an accelerator. */
export const ModelEntrySchema = z.strictObject({
  name,
  acc: name,
  /** Accelerator units per replica. */
  accCount: z.number().int().positive().default(1),
  /** Decode step / per-token time α + β·n, ms. */
  alpha: z.number().positive(),
  beta: nonNegative,
  /** Prefill time γ + δ·inputTokens·n, ms (Gen2). */
  gamma: nonNegative.default(0),
  delta: nonNegative.default(0),
  maxBatchSize: z.number().int().positive(),
  /** Tokens per request at which maxBatchSize was profiled (0 = do not scale). */
  atTokens: int0.default(0),
});

/** Load on a server. */
export const LoadSchema = z.strictObject({
  /** Requests per minute. */
  arrivalRate: nonNegative,
  /** Average request length in tokens (Gen1). */
  avgLength: int0.optional(),
  avgInTokens: int0.optional(),
  avgOutTokens: int0.optional(),
  arrivalCOV: ignored,
  serviceCOV: ignored,
});

/** A server's current allocation and load. */
export const CurrentAllocSchema = z.strictObject({
  /** Accelerator name; empty = no current allocation. */
  accelerator: z.string().default(""),
  numReplicas: int0.default(0),
  maxBatch: int0.default(0),
  cost: nonNegative.default(0),
  load: LoadSchema,
  itlAverage: ignored,
  waitAverage: ignored,
  ttftAverage: ignored,
});

/** A model server to allocate. */
export const ServerEntrySchema = z.strictObject({
  name,
  class: name,
  model: name,
  keepAccelerator: z.boolean().default(false),
  minNumReplicas: int0.default(1),
  /** Overrides the profiled batch size when > 0. */
  maxBatchSize: int0.default(0),
  currentAlloc: CurrentAllocSchema,
  desiredAlloc: ignored,
  maxQueueSize: ignored,
});

/** Optimizer settings. */
export const OptimizerEntrySchema = z.strictObject({
  unlimited: z.boolean().default(true),
  saturationPolicy: z.enum(["None", "PriorityExhaustive", "PriorityRoundRobin", "RoundRobin"])
    .default("None"),
  delayedBestEffort: z.boolean().default(false),
  /** Sizing model: gen1 (the seed logs) or gen2 (prefill + decode, TTFT/ITL). */
  model: z.enum(["gen1", "gen2"]).default("gen1"),
});

/** The whole plan file. */
export const SystemFileSchema = z.strictObject({
  accelerators: z.array(AcceleratorEntrySchema).min(1),
  serviceClasses: z.array(ServiceClassEntrySchema).min(1),
  models: z.array(ModelEntrySchema).min(1),
  servers: z.array(ServerEntrySchema),
  /** Available units per accelerator type (used when `optimizer.unlimited` is false). */
  capacity: z.array(z.strictObject({ type: name, count: int0 })).default([]),
  optimizer: OptimizerEntrySchema.default({
    unlimited: true,
    saturationPolicy: "None",
    delayedBestEffort: false,
    model: "gen1",
  }),
});

/** A parsed plan file. */
export type SystemFile = z.infer<typeof SystemFileSchema>;
