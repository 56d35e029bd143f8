/**
 * Writes a run's files into `--out DIR`: `summary.json` (the run summary, per-stage summaries,
 * the timeline and the settings with header values redacted), `requests.jsonl` (one record per
 * line) and `report.html`.
 *
 * @module
 */
import type { RequestRecord } from "../../core/load/record.ts";
import type { RunSummary } from "../../core/load/summary.ts";
import type { TimelineBin } from "../../core/load/timeline.ts";
import { renderLoadgenReport } from "./report_page.ts";
import type { RunOptions } from "./runner.ts";

/** What {@linkcode writeOutputs} needs. */
export interface RunOutputs {
  readonly summary: RunSummary;
  readonly records: readonly RequestRecord[];
  readonly timeline: readonly TimelineBin[];
  readonly options: RunOptions;
  /** The command line, for the report's subtitle. */
  readonly command?: string;
  /** ISO-8601 start time of the run. */
  readonly startedAt: string;
}

/** Paths of the files written. */
export interface WrittenFiles {
  readonly summary: string;
  readonly requests: string;
  readonly report: string;
}

/** Settings as stored in summary.json: header values (credentials) replaced by `***`. */
export function redactedOptions(options: RunOptions): Record<string, unknown> {
  const headers = Object.fromEntries(Object.keys(options.headers).map((k) => [k, "***"]));
  return { ...options, headers };
}

/** The `summary.json` document. */
export function summaryDocument(out: RunOutputs): Record<string, unknown> {
  return {
    startedAt: out.startedAt,
    ...out.summary,
    options: redactedOptions(out.options),
    timeline: out.timeline,
  };
}

async function writeJsonl(path: string, records: readonly RequestRecord[]): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const enc = new TextEncoder();
  try {
    let batch: string[] = [];
    for (const r of records) {
      batch.push(JSON.stringify(r));
      if (batch.length >= 1000) {
        await writer.write(enc.encode(batch.join("\n") + "\n"));
        batch = [];
      }
    }
    if (batch.length) await writer.write(enc.encode(batch.join("\n") + "\n"));
  } finally {
    await writer.close();
  }
}

/** Creates `dir` if needed and writes the three files. */
export async function writeOutputs(dir: string, out: RunOutputs): Promise<WrittenFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const files: WrittenFiles = {
    summary: `${dir}/summary.json`,
    requests: `${dir}/requests.jsonl`,
    report: `${dir}/report.html`,
  };
  await Deno.writeTextFile(files.summary, JSON.stringify(summaryDocument(out), null, 2) + "\n");
  await writeJsonl(files.requests, out.records);
  const html = renderLoadgenReport({
    summary: out.summary,
    timeline: out.timeline,
    options: out.options,
    ...(out.command ? { command: out.command } : {}),
    footer: `Started ${out.startedAt}. Files: summary.json, requests.jsonl, report.html.`,
  });
  await Deno.writeTextFile(files.report, html);
  return files;
}
