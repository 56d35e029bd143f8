/**
 * Saturation scaling configuration (controller.md §2.2–2.3): thresholds shared by saturation V1
 * and V2, with the shipped defaults 0.80 / 5 / 0.10 / 3 (V1) and 0.85 / 0.70 (V2).
 *
 * The schema validates every field and the cross-field rules (kvCacheThreshold ≥ kvSpareTrigger,
 * scaleUpThreshold > scaleDownBoundary); parse with `parseOrThrow` to get one line per problem.
 * Per-model overrides merge over the default entry with {@linkcode mergeSaturationConfig}.
 *
 * @module
 */
import { z } from "zod";

const fraction = z.number().min(0).max(1);
const upTo1 = z.number().gt(0).max(1);

/** Defaults shipped with the reference controller. */
export const SATURATION_DEFAULTS = {
  kvCacheThreshold: 0.8,
  queueLengthThreshold: 5,
  kvSpareTrigger: 0.1,
  queueSpareTrigger: 3,
  scaleUpThreshold: 0.85,
  scaleDownBoundary: 0.7,
  enableLimiter: false,
} as const;

const fields = {
  /** A replica is saturated when its KV usage reaches this fraction (V1); V2 usable KV factor. */
  kvCacheThreshold: fraction,
  /** A replica is saturated when this many requests wait (V1); V2 "observed k2" trigger. */
  queueLengthThreshold: z.number().min(0),
  /** V1: scale up when the average KV spare of non-saturated replicas drops below this. */
  kvSpareTrigger: fraction,
  /** V1: scale up when the average queue spare drops below this. */
  queueSpareTrigger: z.number().min(0),
  /** V2: scale up when demand exceeds this fraction of anticipated supply. */
  scaleUpThreshold: upTo1,
  /** V2: scale down only while demand stays below this fraction of the remaining supply. */
  scaleDownBoundary: upTo1,
  /** Cap scale-ups by the GPU inventory. */
  enableLimiter: z.boolean(),
};

/** A complete, validated saturation configuration. */
export const SaturationConfigSchema = z.strictObject({
  kvCacheThreshold: fields.kvCacheThreshold.default(SATURATION_DEFAULTS.kvCacheThreshold),
  queueLengthThreshold: fields.queueLengthThreshold.default(
    SATURATION_DEFAULTS.queueLengthThreshold,
  ),
  kvSpareTrigger: fields.kvSpareTrigger.default(SATURATION_DEFAULTS.kvSpareTrigger),
  queueSpareTrigger: fields.queueSpareTrigger.default(SATURATION_DEFAULTS.queueSpareTrigger),
  scaleUpThreshold: fields.scaleUpThreshold.default(SATURATION_DEFAULTS.scaleUpThreshold),
  scaleDownBoundary: fields.scaleDownBoundary.default(SATURATION_DEFAULTS.scaleDownBoundary),
  enableLimiter: fields.enableLimiter.default(SATURATION_DEFAULTS.enableLimiter),
}).superRefine((v, ctx) => {
  if (v.kvCacheThreshold < v.kvSpareTrigger) {
    ctx.addIssue({
      code: "custom",
      path: ["kvSpareTrigger"],
      message: `(${v.kvSpareTrigger}) must not exceed kvCacheThreshold (${v.kvCacheThreshold})`,
    });
  }
  if (v.scaleUpThreshold <= v.scaleDownBoundary) {
    ctx.addIssue({
      code: "custom",
      path: ["scaleDownBoundary"],
      message: `(${v.scaleDownBoundary}) must be below scaleUpThreshold (${v.scaleUpThreshold})`,
    });
  }
});

/** Validated saturation configuration (all fields present). */
export type SaturationConfig = z.infer<typeof SaturationConfigSchema>;

/** A partial entry (per-model override); only the fields it sets overlay the default. */
export const SaturationOverrideSchema = z.strictObject({
  kvCacheThreshold: fields.kvCacheThreshold.optional(),
  queueLengthThreshold: fields.queueLengthThreshold.optional(),
  kvSpareTrigger: fields.kvSpareTrigger.optional(),
  queueSpareTrigger: fields.queueSpareTrigger.optional(),
  scaleUpThreshold: fields.scaleUpThreshold.optional(),
  scaleDownBoundary: fields.scaleDownBoundary.optional(),
  enableLimiter: fields.enableLimiter.optional(),
});

/** A per-model override. */
export type SaturationOverride = z.infer<typeof SaturationOverrideSchema>;

/** The defaults as a validated configuration. */
export const DEFAULT_SATURATION_CONFIG: SaturationConfig = SaturationConfigSchema.parse({});

/**
 * Overlays a per-model override on a base configuration. If the result breaks the V2 rule
 * up > down, both V2 thresholds fall back to 0.85 / 0.70 (as the reference does); the other
 * cross-field rule is checked by the schema when the override is parsed with the base.
 */
export function mergeSaturationConfig(
  base: SaturationConfig,
  override: SaturationOverride | undefined,
): SaturationConfig {
  if (!override) return base;
  const merged: SaturationConfig = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  if (merged.scaleUpThreshold <= merged.scaleDownBoundary) {
    merged.scaleUpThreshold = SATURATION_DEFAULTS.scaleUpThreshold;
    merged.scaleDownBoundary = SATURATION_DEFAULTS.scaleDownBoundary;
  }
  if (merged.kvSpareTrigger > merged.kvCacheThreshold) {
    merged.kvSpareTrigger = Math.min(base.kvSpareTrigger, merged.kvCacheThreshold);
  }
  return merged;
}
