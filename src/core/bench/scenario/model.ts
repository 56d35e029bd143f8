/**
 * Models and variants of a bench scenario: each variant is a Deployment of emulated vLLM
 * replicas on one accelerator type, with the engine's latency and capacity parameters (from a
 * preset of the emulator, each overridable), its cost and its replica bounds.
 *
 * @module
 */
import { z } from "zod";
import { PRESET_NAMES, PRESETS } from "../../../../emulator/engine/presets.ts";
import type { EngineParams } from "../../../../emulator/engine/types.ts";
import { SloSchema } from "../../load/slo.ts";
import { LoadSchema } from "../load/load_schema.ts";

const VariantBase = z.strictObject({
  name: z.string().min(1).regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label (a-z, 0-9, -)",
  ),
  /** Accelerator type (GPU inventory key). @default the preset name */
  accelerator: z.string().min(1).optional(),
  gpusPerReplica: z.number().int().positive().default(1),
  /** Cost of one replica per hour (any currency unit). */
  costPerHour: z.number().nonnegative().default(1),
  preset: z.enum(PRESET_NAMES).default("H100"),
  alphaMs: z.number().nonnegative().optional(),
  betaMs: z.number().nonnegative().optional(),
  gammaMs: z.number().nonnegative().optional(),
  deltaMs: z.number().nonnegative().optional(),
  prefillScalesWithBatch: z.boolean().default(false),
  jitterCv: z.number().min(0).max(1).default(0),
  maxNumSeqs: z.number().int().positive().default(256),
  kvCacheBlocks: z.number().int().positive().optional(),
  blockSize: z.number().int().positive().default(16),
  maxWaitingQueue: z.number().int().nonnegative().default(1000),
  preemption: z.boolean().default(true),
  kvWatermark01: z.number().min(0).max(0.5).default(0.01),
  minReplicas: z.number().int().min(0).default(1),
  maxReplicas: z.number().int().positive().default(10),
  /** Replicas Ready at t = 0 (already loaded). @default max(1, minReplicas) */
  initialReplicas: z.number().int().min(0).optional(),
});

/** A variant with its engine parameters resolved from the preset. */
export const VariantSchema = VariantBase.transform((v) => {
  const p = PRESETS[v.preset];
  const engine: EngineParams = {
    alphaMs: v.alphaMs ?? p.alphaMs,
    betaMs: v.betaMs ?? p.betaMs,
    gammaMs: v.gammaMs ?? p.gammaMs,
    deltaMs: v.deltaMs ?? p.deltaMs,
    prefillScalesWithBatch: v.prefillScalesWithBatch,
    jitterCv: v.jitterCv,
    maxNumSeqs: v.maxNumSeqs,
    kvCacheBlocks: v.kvCacheBlocks ?? p.kvCacheBlocks,
    blockSize: v.blockSize,
    maxWaitingQueue: v.maxWaitingQueue,
    preemption: v.preemption,
    kvWatermark01: v.kvWatermark01,
  };
  return {
    name: v.name,
    accelerator: v.accelerator ?? v.preset,
    gpusPerReplica: v.gpusPerReplica,
    costPerHour: v.costPerHour,
    engine,
    minReplicas: v.minReplicas,
    maxReplicas: v.maxReplicas,
    initialReplicas: v.initialReplicas ?? Math.max(1, v.minReplicas),
  };
});

/** A variant after parsing. */
export type Variant = z.output<typeof VariantSchema>;

/** A model: its variants, its load (or the scenario's) and its SLO (or the scenario's). */
export const ModelSchema = z.strictObject({
  name: z.string().min(1),
  variants: z.array(VariantSchema).min(1),
  load: LoadSchema.optional(),
  slo: SloSchema.optional(),
  /** Serve this many copies of the model (names `<name>-<i>`, variants likewise), each with the load. */
  copies: z.number().int().positive().default(1),
}).check((ctx) => {
  const seen = new Set<string>();
  ctx.value.variants.forEach((v, i) => {
    if (seen.has(v.name)) {
      ctx.issues.push({
        code: "custom",
        input: v.name,
        path: ["variants", i, "name"],
        message: "is used twice",
      });
    }
    seen.add(v.name);
  });
});

/** A model after parsing. */
export type Model = z.output<typeof ModelSchema>;
