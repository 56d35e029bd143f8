/**
 * ConfigMap `wva-saturation-scaling-config`: the saturation analyzers' thresholds. Key
 * `default` holds the global entry (every field optional, the shipped defaults fill the rest);
 * every other key is a per-model override naming its model inside the entry:
 *
 * ```yaml
 * data:
 *   default: |
 *     kvCacheThreshold: 0.80
 *     queueLengthThreshold: 5
 *   llama-8b-prod: |
 *     modelID: meta/llama-3.1-8b
 *     namespace: prod          # optional: without it the override applies in every namespace
 *     kvCacheThreshold: 0.70
 * ```
 *
 * Upstream keyed overrides `"{modelID}#{namespace}"`, but ConfigMap keys may only contain
 * `[-._a-zA-Z0-9]` (the apiserver rejects `#` and `/`), so the key is free-form here and the
 * entry carries `modelID` (WVA's `model_id` is read too) and `namespace`. The fields and their
 * validation are the decision core's (`SaturationConfigSchema` in
 * src/core/analyze/saturation_config.ts).
 *
 * WVA-format entries keep working: `analyzers:` and `analyzerName:` select the model's analyzers
 * (parsed by analyzers.ts: saturation alone is V2, more is the multi-analyzer pipeline; a bad
 * selection makes the entry invalid like a bad threshold), and any other key the entry may not carry (unknown, or
 * WVA's `enableRescale`, `priority`, `limiters`, `scaleToZero`) is a warning (fallback
 * `field-ignored`, an Event and a log line) — never the loss of the entry's thresholds.
 *
 * @module
 */
import { z } from "zod";
import {
  DEFAULT_SATURATION_CONFIG,
  mergeSaturationConfig,
  type SaturationConfig,
  SaturationConfigSchema,
  type SaturationOverride,
  SaturationOverrideSchema,
} from "../../analyze/saturation_config.ts";
import {
  type ConfigMapData,
  type ConfigProblem,
  dropDuplicateModels,
  type EntryResult,
  parseEntries,
  parseLenientEntryText,
  type ParseResult,
  pickModelEntry,
  validateEntry,
} from "./entries.ts";
import {
  ANALYZER_SELECTION_KEYS,
  type AnalyzerPipeline,
  parseAnalyzerPipeline,
} from "./analyzers.ts";

/** Name of the ConfigMap in the controller's namespace. */
export const SATURATION_CONFIGMAP = "wva-saturation-scaling-config";

/** Data key of the global entry. */
export const DEFAULT_KEY = "default";

/** A per-model override entry: which model, and the fields it overrides. */
export const SaturationOverrideEntrySchema = SaturationOverrideSchema.extend({
  modelID: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

/** WVA's spellings of our keys. */
const ALIASES: Readonly<Record<string, string>> = { model_id: "modelID" };

/** A parsed override entry. */
export interface SaturationOverrideEntry {
  readonly modelID: string;
  readonly namespace?: string;
  readonly override: SaturationOverride;
  /** The entry's `analyzers`/`analyzerName`, parsed (absent when it has none). */
  readonly pipeline?: AnalyzerPipeline;
}

/** The parsed ConfigMap. */
export interface SaturationConfigMap {
  /** The global entry (shipped defaults when the key is absent). */
  readonly default: SaturationConfig;
  /** The global entry's `analyzers`/`analyzerName`, parsed (absent when it has none). */
  readonly pipeline?: AnalyzerPipeline;
  /** Per-model overrides by data key. */
  readonly overrides: Readonly<Record<string, SaturationOverrideEntry>>;
}

/** Shipped defaults, no overrides. */
export const DEFAULT_SATURATION_CONFIGMAP: SaturationConfigMap = Object.freeze({
  default: DEFAULT_SATURATION_CONFIG,
  overrides: {},
});

const THRESHOLD_KEYS = Object.keys(SaturationOverrideSchema.shape);
const OVERRIDE_KEYS = Object.keys(SaturationOverrideEntrySchema.shape);

/**
 * Parses the ConfigMap's data. An invalid `default` keeps the last good one (or the shipped
 * defaults); an invalid override (including one that breaks a cross-field rule once merged over
 * the default, e.g. kvSpareTrigger above kvCacheThreshold) keeps its last good value.
 */
export function parseSaturationConfigMap(
  data: ConfigMapData,
  lastGood?: SaturationConfigMap,
): ParseResult<SaturationConfigMap> {
  const problems: ConfigProblem[] = [];
  let base = DEFAULT_SATURATION_CONFIG;
  let pipeline = lastGood?.pipeline;
  const text = data?.[DEFAULT_KEY];
  if (text !== undefined) {
    const r = withPipeline(parseLenientEntryText(text, SaturationConfigSchema, {
      known: THRESHOLD_KEYS,
      keep: ANALYZER_SELECTION_KEYS,
    }));
    if (r.ok) {
      base = r.entry.value;
      pipeline = r.entry.pipeline;
      for (const w of r.warnings ?? []) {
        problems.push({ key: DEFAULT_KEY, fallback: "field-ignored", ...w });
      }
    } else {
      base = lastGood?.default ?? DEFAULT_SATURATION_CONFIG;
      const fallback = lastGood ? "last-good" : "default";
      for (const issue of r.issues) problems.push({ key: DEFAULT_KEY, fallback, ...issue });
    }
  } else pipeline = undefined;
  const parsed = parseEntries(data, lastGood?.overrides, {
    skip: [DEFAULT_KEY],
    parseEntry: (_key, entryText) => parseOverride(entryText, base),
  });
  const unique = dropDuplicateModels(parsed.entries);
  return {
    config: {
      default: base,
      ...(pipeline ? { pipeline } : {}),
      overrides: unique.entries,
    },
    problems: [...problems, ...parsed.problems, ...unique.problems],
  };
}

/**
 * Parses the kept `analyzers`/`analyzerName` of a leniently read entry (parseAnalyzerPipeline):
 * a bad selection makes the entry invalid, as a bad threshold does; none leaves `pipeline` unset.
 */
function withPipeline<T>(
  r: EntryResult<{ readonly value: T; readonly kept: Readonly<Record<string, unknown>> }>,
): EntryResult<{ readonly value: T; readonly pipeline?: AnalyzerPipeline }> {
  if (!r.ok) return r;
  const p = parseAnalyzerPipeline(r.entry.kept);
  if (!p.ok) return p;
  const pipeline = p.entry.source === "none" ? undefined : p.entry;
  return {
    ok: true,
    entry: { value: r.entry.value, ...(pipeline ? { pipeline } : {}) },
    ...(r.warnings ? { warnings: r.warnings } : {}),
  };
}

function parseOverride(text: string, base: SaturationConfig): EntryResult<SaturationOverrideEntry> {
  const r = withPipeline(parseLenientEntryText(text, SaturationOverrideEntrySchema, {
    known: OVERRIDE_KEYS,
    aliases: ALIASES,
    keep: ANALYZER_SELECTION_KEYS,
  }));
  if (!r.ok) return r;
  const { modelID, namespace, ...fields } = r.entry.value;
  const override = Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as SaturationOverride;
  const merged = validateEntry({ ...base, ...override }, SaturationConfigSchema);
  if (!merged.ok) {
    return {
      ok: false,
      issues: merged.issues.map((i) => ({ ...i, message: `${i.message} (merged over default)` })),
    };
  }
  return {
    ok: true,
    entry: {
      modelID,
      ...(namespace !== undefined ? { namespace } : {}),
      override,
      ...(r.entry.pipeline ? { pipeline: r.entry.pipeline } : {}),
    },
    ...(r.warnings ? { warnings: r.warnings } : {}),
  };
}

/**
 * The thresholds of one model: the override naming the model and its namespace, else the one
 * naming only the model, merged over the default entry (src/core/analyze' merge rules).
 */
export function saturationConfigFor(
  config: SaturationConfigMap,
  model: { readonly modelId: string; readonly namespace: string },
): SaturationConfig {
  const entry = pickModelEntry(config.overrides, model);
  return mergeSaturationConfig(config.default, entry?.override);
}

/**
 * The analyzer selection of one model: the override naming it (when it selects), else the
 * default entry's; undefined when neither selects (the global or per-variant analyzer runs).
 */
export function pipelineFor(
  config: SaturationConfigMap,
  model: { readonly modelId: string; readonly namespace: string },
): AnalyzerPipeline | undefined {
  return pickModelEntry(config.overrides, model)?.pipeline ?? config.pipeline;
}
