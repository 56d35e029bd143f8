/**
 * The analyzer selection of a `wva-saturation-scaling-config` entry, in WVA's spelling
 * (controller.md §2.3): which analyzers vote for a model in the multi-analyzer pipeline
 * (src/core/analyze/combine.ts), with their weights and thresholds.
 *
 * ```yaml
 * analyzers:
 *   - name: saturation            # `type` falls back to `name`
 *     score: 1.0
 *   - type: throughput
 *     enabled: true
 *     scaleUpThreshold: 0.9
 *     parameters: {minSamples: 12, scaleDownBoundary: "0.6"}
 * analyzerName: saturation        # legacy: the same as analyzers: [{name: saturation}]
 * ```
 *
 * Rules (WVA's): `type` falls back to `name` and `name` to `type`; `score` defaults to 1 (0 reads
 * as 1); `enabled` defaults to true; `parameters` may carry `scaleUpThreshold`,
 * `scaleDownBoundary`, `score` and `enabled` (numbers or their text), which fold into the typed
 * fields when those are absent (the typed field wins); thresholds are in (0, 1] with up > down;
 * other keys are tolerated. A non-empty `analyzers` wins over the legacy `analyzerName`.
 * Saturation always runs (it carries the variants' identity) but votes only when the list is
 * empty or lists it enabled. wva's throughput `parameters` are checked against its settings
 * (src/core/analyze/throughput/config.ts). Pure; one issue per bad field, naming it and the value.
 *
 * @module
 */
import { z } from "zod";
import type { PipelineMember, PipelineSpec } from "../../analyze/pipeline.ts";
import { ThroughputConfigSchema } from "../../analyze/throughput/config.ts";
import { formatPath } from "../../util/validate.ts";
import type { EntryIssue, EntryResult } from "./entries.ts";

/** Analyzers that can join the pipeline (`saturation` is saturation V2). */
export const PIPELINE_ANALYZERS = ["saturation", "throughput", "queueing-model"] as const;

/** A pipeline analyzer type. */
export type PipelineAnalyzer = typeof PIPELINE_ANALYZERS[number];

/** Accepted spellings → type. */
const ALIASES: Readonly<Record<string, PipelineAnalyzer>> = {
  "saturation": "saturation",
  "saturation-v2": "saturation",
  "throughput": "throughput",
  "queueing-model": "queueing-model",
};

/** The entry keys this parser owns (the rest of the entry is the saturation thresholds'). */
export const ANALYZER_SELECTION_KEYS = ["analyzers", "analyzerName"] as const;

/** One selected analyzer: the pipeline's member (core/analyze/pipeline.ts), read from an entry. */
export type AnalyzerSelection = PipelineMember;

/** The selection of one entry. */
export interface AnalyzerPipeline extends PipelineSpec {
  /** Where the selection came from. */
  readonly source: "analyzers" | "analyzerName" | "none";
}

const numberish = z.union([
  z.number(),
  z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number),
]);
const boolish = z.union([z.boolean(), z.enum(["true", "false"]).transform((t) => t === "true")]);
const threshold = numberish.pipe(z.number().gt(0).max(1));

const EntrySchema = z.looseObject({
  type: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  enabled: boolish.optional(),
  score: numberish.pipe(z.number().min(0)).optional(),
  scaleUpThreshold: threshold.optional(),
  scaleDownBoundary: threshold.optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const FOLDED = ["enabled", "score", "scaleUpThreshold", "scaleDownBoundary"] as const;

function issuesOf(error: z.ZodError, at: readonly PropertyKey[], input: unknown): EntryIssue[] {
  return error.issues.map((i) => {
    const path = [...at, ...(i.path as PropertyKey[])];
    let value: unknown = input;
    for (const k of i.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k];
    return { field: formatPath(path), value, message: i.message };
  });
}

/** Folds `parameters` keys into absent typed fields (the typed field wins). */
function folded(raw: Record<string, unknown>): Record<string, unknown> {
  const params = raw.parameters;
  if (params === null || typeof params !== "object" || Array.isArray(params)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const k of FOLDED) {
    if (out[k] === undefined && (params as Record<string, unknown>)[k] !== undefined) {
      out[k] = (params as Record<string, unknown>)[k];
    }
  }
  return out;
}

function parseOne(raw: unknown, i: number): EntryResult<AnalyzerSelection> {
  const at = ["analyzers", i];
  const input = raw !== null && typeof raw === "object" && !Array.isArray(raw)
    ? folded(raw as Record<string, unknown>)
    : raw;
  const r = EntrySchema.safeParse(input);
  if (!r.success) return { ok: false, issues: issuesOf(r.error, at, input) };
  const e = r.data;
  const spelled = e.type ?? e.name;
  const type = spelled === undefined ? undefined : ALIASES[spelled];
  if (type === undefined) {
    const field = formatPath([...at, e.type !== undefined ? "type" : "name"]);
    const message = spelled === undefined
      ? "type or name is required"
      : `unknown analyzer: must be one of ${PIPELINE_ANALYZERS.join(", ")}`;
    return { ok: false, issues: [{ field, value: spelled, message }] };
  }
  const up = e.scaleUpThreshold, down = e.scaleDownBoundary;
  if (up !== undefined && down !== undefined && up <= down) {
    return {
      ok: false,
      issues: [{
        field: formatPath([...at, "scaleDownBoundary"]),
        value: down,
        message: `must be below scaleUpThreshold (${up})`,
      }],
    };
  }
  const parameters = Object.fromEntries(
    Object.entries(e.parameters ?? {}).filter(([k]) => !(FOLDED as readonly string[]).includes(k)),
  );
  if (type === "throughput") {
    const t = ThroughputConfigSchema.safeParse({ ...parameters, ...thresholds(up, down) });
    if (!t.success) {
      return { ok: false, issues: issuesOf(t.error, [...at, "parameters"], parameters) };
    }
  }
  return {
    ok: true,
    entry: {
      type,
      name: e.name ?? type,
      enabled: e.enabled ?? true,
      score: e.score && e.score > 0 ? e.score : 1,
      ...thresholds(up, down),
      parameters,
    },
  };
}

function thresholds(up: number | undefined, down: number | undefined) {
  return {
    ...(up !== undefined ? { scaleUpThreshold: up } : {}),
    ...(down !== undefined ? { scaleDownBoundary: down } : {}),
  };
}

function selection(analyzers: AnalyzerSelection[], source: AnalyzerPipeline["source"]) {
  const saturationVotes = analyzers.length === 0 ||
    analyzers.some((a) => a.type === "saturation" && a.enabled);
  return { analyzers, saturationVotes, source };
}

/**
 * Parses an entry's `analyzers` and legacy `analyzerName` (other keys are ignored: pass the
 * whole entry). Duplicate names are an issue (steps and liveness are kept by name).
 */
export function parseAnalyzerPipeline(
  entry: Readonly<Record<string, unknown>>,
): EntryResult<AnalyzerPipeline> {
  const list = entry.analyzers;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    return { ok: false, issues: [{ field: "analyzers", value: list, message: "must be a list" }] };
  }
  if (Array.isArray(list) && list.length > 0) {
    const results = list.map(parseOne);
    const issues = results.flatMap((r) => (r.ok ? [] : r.issues));
    const parsed = results.flatMap((r) => (r.ok ? [r.entry] : []));
    const seen = new Set<string>();
    parsed.forEach((a, i) => {
      if (seen.has(a.name)) {
        issues.push({ field: `analyzers[${i}].name`, value: a.name, message: "listed twice" });
      }
      seen.add(a.name);
    });
    return issues.length > 0
      ? { ok: false, issues }
      : { ok: true, entry: selection(parsed, "analyzers") };
  }
  const legacy = entry.analyzerName;
  if (legacy === undefined || legacy === null || legacy === "") {
    return { ok: true, entry: selection([], "none") };
  }
  const type = typeof legacy === "string" ? ALIASES[legacy] : undefined;
  if (!type) {
    const message = `unknown analyzer: must be one of ${PIPELINE_ANALYZERS.join(", ")}`;
    return { ok: false, issues: [{ field: "analyzerName", value: legacy, message }] };
  }
  const only: AnalyzerSelection = { type, name: type, enabled: true, score: 1, parameters: {} };
  return { ok: true, entry: selection([only], "analyzerName") };
}

/**
 * Splits an entry into the analyzer selection keys and the rest, so the saturation thresholds'
 * strict schema never sees `analyzers`/`analyzerName`.
 */
export function splitAnalyzerKeys(entry: Readonly<Record<string, unknown>>): {
  readonly selection: Readonly<Record<string, unknown>>;
  readonly rest: Readonly<Record<string, unknown>>;
} {
  const selection: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    ((ANALYZER_SELECTION_KEYS as readonly string[]).includes(k) ? selection : rest)[k] = v;
  }
  return { selection, rest };
}
