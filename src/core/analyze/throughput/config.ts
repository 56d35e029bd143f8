/**
 * Settings of the throughput analyzer (controller.md §3.5, WVA's
 * `internal/engines/analyzers/throughput/constants.go`): the observation window of (k, ITL)
 * samples, the operating point k* at which per-replica capacity is evaluated, the baseline ITL
 * used before a fit exists, and the scale-up/scale-down thresholds of the RC/SC step. The
 * schema reads an `analyzers[].parameters` map (unknown keys are ignored, as WVA does).
 *
 * @module
 */
import { z } from "zod";

/** WVA's defaults. */
export const THROUGHPUT_DEFAULTS = {
  /** Samples kept in the window (oldest evicted first). */
  windowMaxSamples: 20,
  /** Samples needed before the OLS fit is used. */
  minSamples: 10,
  /** Needed spread max k − min k of the samples (KV fraction). */
  minKSpread: 0.3,
  /** Samples with k outside [minK, maxK] are ignored (noisy when idle, non-linear near full). */
  minK: 0.15,
  maxK: 0.85,
  /** KV fraction k* at which a replica's decode capacity is evaluated. */
  kSat: 0.85,
  /** ITL at zero load (s/token) pinned before any fit (H100-class hardware). */
  baselineItlSec: 0.006,
  /** Samples older than this are dropped (ms). */
  sampleMaxAgeMs: 30 * 60_000,
  /** A change of mean input or output tokens beyond this fraction restarts the window. */
  shapeChangeTolerance: 0.2,
  /** Queued requests count as demand drained in this many ITL(k*) per request. */
  queueDrainFactor: 2,
  /** RC = max(0, D/scaleUp − anticipated supply). */
  scaleUpThreshold: 0.85,
  /** SC = max(0, supply − D/scaleDown). */
  scaleDownBoundary: 0.7,
} as const;

const fraction = z.number().gt(0).max(1);

/** The settings, each defaulted; `parameters` of an `analyzers[]` entry parse with it. */
export const ThroughputConfigSchema = z.object({
  windowMaxSamples: z.int().min(2).default(THROUGHPUT_DEFAULTS.windowMaxSamples),
  minSamples: z.int().min(2).default(THROUGHPUT_DEFAULTS.minSamples),
  minKSpread: z.number().min(0).max(1).default(THROUGHPUT_DEFAULTS.minKSpread),
  minK: z.number().min(0).max(1).default(THROUGHPUT_DEFAULTS.minK),
  maxK: fraction.default(THROUGHPUT_DEFAULTS.maxK),
  kSat: fraction.default(THROUGHPUT_DEFAULTS.kSat),
  baselineItlSec: z.number().positive().default(THROUGHPUT_DEFAULTS.baselineItlSec),
  sampleMaxAgeMs: z.number().positive().default(THROUGHPUT_DEFAULTS.sampleMaxAgeMs),
  shapeChangeTolerance: z.number().positive().default(THROUGHPUT_DEFAULTS.shapeChangeTolerance),
  queueDrainFactor: z.number().positive().default(THROUGHPUT_DEFAULTS.queueDrainFactor),
  scaleUpThreshold: fraction.default(THROUGHPUT_DEFAULTS.scaleUpThreshold),
  scaleDownBoundary: fraction.default(THROUGHPUT_DEFAULTS.scaleDownBoundary),
}).superRefine((c, ctx) => {
  if (c.minSamples > c.windowMaxSamples) {
    ctx.addIssue({
      code: "custom",
      path: ["minSamples"],
      message: `(${c.minSamples}) must not exceed windowMaxSamples (${c.windowMaxSamples})`,
    });
  }
  if (c.minK >= c.maxK) {
    ctx.addIssue({ code: "custom", path: ["minK"], message: `must be below maxK (${c.maxK})` });
  }
  if (c.scaleUpThreshold <= c.scaleDownBoundary) {
    ctx.addIssue({
      code: "custom",
      path: ["scaleDownBoundary"],
      message: `(${c.scaleDownBoundary}) must be below scaleUpThreshold (${c.scaleUpThreshold})`,
    });
  }
});

/** Validated settings. */
export type ThroughputConfig = z.output<typeof ThroughputConfigSchema>;

/** The defaults as a validated configuration. */
export const DEFAULT_THROUGHPUT_CONFIG: ThroughputConfig = ThroughputConfigSchema.parse({});
