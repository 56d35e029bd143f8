/**
 * Trace files for replay: one request per row with a timestamp, input tokens and output tokens.
 * CSV needs a header; JSONL has one object per line. Column names are matched loosely
 * (`timestamp`/`time`/`t`/`arrival_time`, `input_tokens`/`prompt_tokens`/`input`/`input_length`,
 * `output_tokens`/`completion_tokens`/`output`/`output_length`). Times are shifted so the first
 * request arrives at 0 and sorted. Every bad row is reported (`path:line: …`), up to 20.
 *
 * @module
 */
import { ConfigError } from "../../util/validate.ts";

/** A parsed trace: arrival offsets (ms) and token counts, sorted by time. */
export interface Trace {
  readonly atMs: Float64Array;
  readonly promptTokens: Int32Array;
  readonly outputTokens: Int32Array;
}

const NAMES = {
  time: ["timestamp", "time", "t", "arrival_time", "ts"],
  input: ["input_tokens", "prompt_tokens", "input", "input_length", "prompt_len"],
  output: ["output_tokens", "completion_tokens", "output", "output_length", "output_len"],
} as const;

type Row = { time: number; input: number; output: number };

function pick(get: (name: string) => unknown, names: readonly string[]): unknown {
  for (const n of names) {
    const v = get(n);
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

function toRow(get: (name: string) => unknown): Row | string {
  const time = Number(pick(get, NAMES.time));
  const input = Number(pick(get, NAMES.input));
  const output = Number(pick(get, NAMES.output));
  if (!Number.isFinite(time)) return `timestamp is missing or not a number`;
  if (!Number.isInteger(input) || input < 1) return `input tokens must be a whole number ≥ 1`;
  if (!Number.isInteger(output) || output < 1) return `output tokens must be a whole number ≥ 1`;
  return { time, input, output };
}

function csvRows(lines: readonly string[], emit: (line: number, r: Row | string) => void): void {
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text === "" || text.startsWith("#")) continue;
    const cells = text.split(",").map((c) => c.trim());
    emit(i + 1, toRow((name) => cells[header.indexOf(name)]));
  }
}

function jsonlRows(lines: readonly string[], emit: (line: number, r: Row | string) => void): void {
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (text === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      emit(i + 1, "not a JSON object");
      return;
    }
    if (obj === null || typeof obj !== "object") return emit(i + 1, "not a JSON object");
    const rec = obj as Record<string, unknown>;
    const lower = new Map(Object.entries(rec).map(([k, v]) => [k.toLowerCase(), v]));
    emit(i + 1, toRow((name) => lower.get(name)));
  });
}

/**
 * Parses a trace.
 *
 * @throws {ConfigError} with one line per bad row
 * @example
 * ```ts
 * import { parseTrace } from "./trace.ts";
 * const t = parseTrace("timestamp,input_tokens,output_tokens\n10,100,20\n10.5,50,5\n", {
 *   format: "csv", timeUnit: "s", source: "trace.csv",
 * });
 * if (t.atMs[1] !== 500) throw new Error("bad");
 * ```
 */
export function parseTrace(
  text: string,
  options: {
    readonly format: "csv" | "jsonl";
    readonly timeUnit: "s" | "ms";
    readonly source: string;
  },
): Trace {
  const lines = text.split(/\r?\n/);
  const rows: Row[] = [];
  const problems: string[] = [];
  const emit = (line: number, r: Row | string) => {
    if (typeof r === "string") {
      if (problems.length < 20) problems.push(`${options.source}:${line}: ${r}`);
    } else rows.push(r);
  };
  if (options.format === "csv") csvRows(lines, emit);
  else jsonlRows(lines, emit);
  if (problems.length > 0) throw new ConfigError(problems);
  if (rows.length === 0) throw new ConfigError([`${options.source}: the trace has no requests`]);
  rows.sort((a, b) => a.time - b.time);
  const unitMs = options.timeUnit === "s" ? 1000 : 1;
  const t0 = rows[0]!.time;
  return {
    atMs: Float64Array.from(rows, (r) => (r.time - t0) * unitMs),
    promptTokens: Int32Array.from(rows, (r) => r.input),
    outputTokens: Int32Array.from(rows, (r) => r.output),
  };
}

/** The format of a trace path: `.csv` → csv, anything else → jsonl. */
export function traceFormatOf(path: string): "csv" | "jsonl" {
  return path.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
}
