/**
 * ConfigMap `wva-model-scale-to-zero-config`: whether a model may go to zero replicas after a
 * retention period without requests. Key `default` holds the global entry; every other key is a
 * per-model entry naming its model:
 *
 * ```yaml
 * data:
 *   default: |
 *     enabled: false
 *     retentionPeriod: 10m
 *   llama-8b: |
 *     modelID: meta/llama-3.1-8b
 *     namespace: prod        # optional
 *     enabled: true
 *     retentionPeriod: 5m
 * ```
 *
 * Precedence for a model: its entry (namespace-specific first) → `default` → the controller's
 * global switch → disabled. Retention: entry → `default` → 10 minutes.
 *
 * WVA's spellings are read too: `model_id`, `enable_scale_to_zero`, `retention_period` (ours win
 * when both are given). Any other key is a warning (fallback `field-ignored`); the entry applies.
 *
 * @module
 */
import { z } from "zod";
import { GO_DURATION, readDuration } from "../../util/coerce.ts";
import {
  type ConfigMapData,
  type ConfigProblem,
  dropDuplicateModels,
  type EntryResult,
  type LenientEntry,
  parseEntries,
  parseLenientEntryText,
  type ParseResult,
  pickModelEntry,
} from "./entries.ts";

/** Name of the ConfigMap in the controller's namespace. */
export const SCALE_TO_ZERO_CONFIGMAP = "wva-model-scale-to-zero-config";

/** Retention when no entry gives one: 10 minutes. */
export const DEFAULT_RETENTION_MS = 600_000;

const retention = z.string().transform((s, ctx) => {
  const r = readDuration(s, GO_DURATION);
  if (!r.ok || r.ms <= 0) {
    ctx.addIssue({ code: "custom", message: "must be a positive duration such as 90s, 10m, 1h" });
    return z.NEVER;
  }
  return r.ms;
});

const DefaultEntrySchema = z.strictObject({
  enabled: z.boolean().optional(),
  retentionPeriod: retention.optional(),
});

const ModelEntrySchema = DefaultEntrySchema.extend({
  modelID: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

/** The global entry. */
export interface ScaleToZeroDefault {
  readonly enabled?: boolean;
  readonly retentionMs?: number;
}

/** A per-model entry. */
export interface ScaleToZeroModelEntry extends ScaleToZeroDefault {
  readonly modelID: string;
  readonly namespace?: string;
}

/** The parsed ConfigMap. */
export interface ScaleToZeroConfig {
  readonly default: ScaleToZeroDefault;
  /** By data key. */
  readonly models: Readonly<Record<string, ScaleToZeroModelEntry>>;
}

/** Nothing configured (scale-to-zero follows the controller's global switch). */
export const EMPTY_SCALE_TO_ZERO: ScaleToZeroConfig = Object.freeze({ default: {}, models: {} });

/** WVA's spellings (`internal/config/scale_to_zero.go`). */
const ALIASES: Readonly<Record<string, string>> = {
  model_id: "modelID",
  enable_scale_to_zero: "enabled",
  retention_period: "retentionPeriod",
};

function toEntry(
  r: EntryResult<LenientEntry<z.infer<typeof ModelEntrySchema>>>,
): EntryResult<ScaleToZeroModelEntry> {
  if (!r.ok) return r;
  const { modelID, namespace, enabled, retentionPeriod } = r.entry.value;
  return {
    ok: true,
    entry: {
      modelID,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
      ...(retentionPeriod !== undefined ? { retentionMs: retentionPeriod } : {}),
    },
    ...(r.warnings ? { warnings: r.warnings } : {}),
  };
}

/** Parses the ConfigMap's data; invalid entries keep their last good value. */
export function parseScaleToZero(
  data: ConfigMapData,
  lastGood?: ScaleToZeroConfig,
): ParseResult<ScaleToZeroConfig> {
  const problems: ConfigProblem[] = [];
  let def: ScaleToZeroDefault = {};
  const text = data?.default;
  if (text !== undefined) {
    const r = parseLenientEntryText(text, DefaultEntrySchema, {
      known: Object.keys(DefaultEntrySchema.shape),
      aliases: ALIASES,
    });
    if (r.ok) {
      const e = r.entry.value;
      def = {
        ...(e.enabled !== undefined ? { enabled: e.enabled } : {}),
        ...(e.retentionPeriod !== undefined ? { retentionMs: e.retentionPeriod } : {}),
      };
      for (const w of r.warnings ?? []) {
        problems.push({ key: "default", fallback: "field-ignored", ...w });
      }
    } else {
      def = lastGood?.default ?? {};
      const fallback = lastGood ? "last-good" : "default";
      for (const issue of r.issues) problems.push({ key: "default", fallback, ...issue });
    }
  }
  const parsed = parseEntries(data, lastGood?.models, {
    skip: ["default"],
    parseEntry: (_key, entryText) =>
      toEntry(parseLenientEntryText(entryText, ModelEntrySchema, {
        known: Object.keys(ModelEntrySchema.shape),
        aliases: ALIASES,
      })),
  });
  const unique = dropDuplicateModels(parsed.entries);
  return {
    config: { default: def, models: unique.entries },
    problems: [...problems, ...parsed.problems, ...unique.problems],
  };
}

/** A model's effective scale-to-zero policy. */
export interface ScaleToZeroSetting {
  readonly enabled: boolean;
  /** A model without requests for this long (ms) may go to zero. */
  readonly retentionMs: number;
}

/**
 * The policy of one model. `globalEnabled` is the controller's switch (flag), used when neither
 * the model's entry nor `default` says `enabled`.
 */
export function scaleToZeroFor(
  config: ScaleToZeroConfig,
  model: { readonly modelId: string; readonly namespace: string },
  options: { readonly globalEnabled?: boolean } = {},
): ScaleToZeroSetting {
  const entry = pickModelEntry(config.models, model);
  return {
    enabled: entry?.enabled ?? config.default.enabled ?? options.globalEnabled ?? false,
    retentionMs: entry?.retentionMs ?? config.default.retentionMs ?? DEFAULT_RETENTION_MS,
  };
}
