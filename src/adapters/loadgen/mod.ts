/**
 * The load generator as a library (what `wva loadgen` and `wva demo` use):
 *
 * 1. {@linkcode prepareRun} validates settings against the zod schema and resolves the model;
 * 2. {@linkcode startLoadRun} sends on the schedule and exposes live snapshots and `stop()`;
 * 3. {@linkcode analyzeRun} turns the records into the summary and the timeline;
 * 4. {@linkcode writeOutputs} writes summary.json, requests.jsonl and report.html.
 *
 * @module
 */
import { parseOrThrow } from "../../core/util/validate.ts";
import { type LoadgenInput, LoadgenOptionsSchema } from "../../core/load/options.ts";
import type { RequestRecord } from "../../core/load/record.ts";
import { type RunSummary, summarizeRun } from "../../core/load/summary.ts";
import { buildTimeline, type TimelineBin } from "../../core/load/timeline.ts";
import type { RunOptions, RunResult } from "./runner.ts";

export { type LiveSnapshot, type LoadRun, monotonicClock, startLoadRun } from "./runner.ts";
export type { RunDeps, RunOptions, RunResult } from "./runner.ts";
export { writeOutputs } from "./write_outputs.ts";
export { formatProgress, formatSummaryTable } from "./summary_table.ts";
export type { LoadgenInput, LoadgenOptions } from "../../core/load/options.ts";
export type { RequestRecord } from "../../core/load/record.ts";
export type { RunSummary, StageSummary } from "../../core/load/summary.ts";
export type { TimelineBin } from "../../core/load/timeline.ts";

/** Thrown when the model cannot be discovered from `GET {url}/models`. */
export class ModelDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelDiscoveryError";
  }
}

/**
 * Asks `GET {baseUrl}/models` for the served models and returns the first id.
 *
 * @throws {ModelDiscoveryError} when the server is unreachable or lists no model
 */
export async function discoverModel(
  baseUrl: string,
  options: { headers?: Readonly<Record<string, string>>; fetch?: typeof fetch } = {},
): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const url = `${baseUrl}/models`;
  let body: unknown;
  try {
    const res = await doFetch(url, {
      headers: { ...options.headers },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new ModelDiscoveryError(`GET ${url} answered HTTP ${res.status}; pass --model`);
    }
    body = await res.json();
  } catch (err) {
    if (err instanceof ModelDiscoveryError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelDiscoveryError(`cannot list models at ${url} (${why}); pass --model`);
  }
  const id = (body as { data?: Array<{ id?: unknown }> })?.data?.[0]?.id;
  if (typeof id !== "string" || id === "") {
    throw new ModelDiscoveryError(`GET ${url} listed no model; pass --model`);
  }
  return id;
}

/**
 * Validates `input` (throws `ConfigError` listing every problem) and fills in the model name,
 * asking the server when it is not given.
 */
export async function prepareRun(
  input: LoadgenInput,
  options: { fetch?: typeof fetch; /** Prefix of error lines. */ source?: string } = {},
): Promise<RunOptions> {
  const parsed = parseOrThrow(LoadgenOptionsSchema, input, options.source);
  const model = parsed.model ??
    await discoverModel(parsed.url, {
      headers: parsed.headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  return { ...parsed, model };
}

/** The analysed outcome of a run. */
export interface AnalyzedRun {
  readonly records: readonly RequestRecord[];
  readonly summary: RunSummary;
  readonly timeline: readonly TimelineBin[];
}

/** Summarises a finished run (pure). */
export function analyzeRun(options: RunOptions, result: RunResult): AnalyzedRun {
  const summary = summarizeRun(result.records, options.stages, {
    slo: options.slo,
    windowMs: result.windowMs,
    interrupted: result.interrupted,
  });
  const timeline = buildTimeline(result.records, options.stages, { windowMs: result.windowMs });
  return { records: result.records, summary, timeline };
}
