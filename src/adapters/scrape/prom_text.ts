/**
 * A parser for the Prometheus text exposition format (version 0.0.4), the format every vLLM
 * server (and our emulator) serves on `/metrics`. Pure: text in, samples out.
 *
 * - `# TYPE` and `# HELP` lines are read (types are returned); other comments are skipped.
 * - Sample lines: `name{label="value",…} value [timestamp-ms]`. Label values may contain the
 *   escapes `\\`, `\"` and `\n`; values may be floats, `NaN`, `+Inf`, `-Inf`.
 * - A malformed line does not stop the parse: it is reported in `errors` (1-based line number)
 *   and the rest is still read, so one odd series never hides the metrics a controller needs.
 *
 * @module
 */

/** One sample of the exposition. */
export interface PromTextSample {
  /** Full series name as written (`vllm:ttft_seconds_bucket`, not the family name). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Optional timestamp (ms since epoch) given after the value. */
  readonly timestampMs?: number;
}

/** A line that could not be read. */
export interface PromTextError {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

/** What {@linkcode parsePromText} returns. */
export interface PromTextResult {
  readonly samples: readonly PromTextSample[];
  /** Metric family types from `# TYPE` lines (`counter`, `gauge`, `histogram`, …). */
  readonly types: ReadonlyMap<string, string>;
  readonly errors: readonly PromTextError[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a sample value: a float, `NaN`, `+Inf`, `-Inf` (as Prometheus does). */
export function parseSampleValue(text: string): number | undefined {
  switch (text) {
    case "NaN":
      return NaN;
    case "+Inf":
    case "Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

class LineError extends Error {}

/** Reads `{a="x",b="y"}` starting at `text[start] === "{"`; returns labels and the end index. */
function readLabels(text: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpaces = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === "}") return { labels, end: i + 1 };
    const m = LABEL_NAME_RE.exec(text.slice(i));
    if (!m) throw new LineError(`bad label name at column ${i + 1}`);
    const name = m[0];
    i += name.length;
    skipSpaces();
    if (text[i] !== "=") throw new LineError(`expected '=' after label ${name}`);
    i++;
    skipSpaces();
    if (text[i] !== '"') throw new LineError(`label ${name}: value must be in double quotes`);
    i++;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new LineError(`label ${name}: unterminated value`);
      if (c === '"') break;
      if (c === "\\") {
        const n = text[i + 1];
        if (n === "n") value += "\n";
        else if (n === "\\" || n === '"') value += n;
        else throw new LineError(`label ${name}: bad escape \\${n ?? ""}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels[name] = value;
    skipSpaces();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { labels, end: i + 1 };
    throw new LineError(`expected ',' or '}' after label ${name}`);
  }
}

function parseSampleLine(line: string): PromTextSample {
  const m = NAME_RE.exec(line);
  if (!m) throw new LineError("line does not start with a metric name");
  const name = m[0];
  let i = name.length;
  let labels: Record<string, string> = {};
  while (line[i] === " " || line[i] === "\t") i++;
  if (line[i] === "{") {
    const r = readLabels(line, i);
    labels = r.labels;
    i = r.end;
  }
  const rest = line.slice(i).trim().split(/[ \t]+/);
  if (rest.length < 1 || rest[0] === "") throw new LineError(`${name}: missing value`);
  if (rest.length > 2) throw new LineError(`${name}: unexpected text after the timestamp`);
  const value = parseSampleValue(rest[0]!);
  if (value === undefined) throw new LineError(`${name}: bad value "${rest[0]}"`);
  if (rest.length === 2) {
    const ts = Number(rest[1]);
    if (!/^-?\d+$/.test(rest[1]!) || !Number.isSafeInteger(ts)) {
      throw new LineError(`${name}: bad timestamp "${rest[1]}"`);
    }
    return { name, labels, value, timestampMs: ts };
  }
  return { name, labels, value };
}

/**
 * Parses an exposition.
 *
 * @example
 * ```ts
 * import { parsePromText } from "./prom_text.ts";
 * const r = parsePromText('# TYPE up gauge\nup{job="a"} 1\n');
 * if (r.samples[0]!.labels.job !== "a" || r.types.get("up") !== "gauge") throw new Error("bad");
 * ```
 */
export function parsePromText(text: string): PromTextResult {
  const samples: PromTextSample[] = [];
  const types = new Map<string, string>();
  const errors: PromTextError[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, "").trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const t = /^#\s*TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (t) types.set(t[1]!, t[2]!);
      continue;
    }
    try {
      samples.push(parseSampleLine(line));
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      errors.push({ line: n + 1, message: err.message });
    }
  }
  return { samples, types, errors };
}
