/**
 * Structured JSON-lines logger.
 *
 * Every line is one JSON object: `{"ts": ISO-8601, "level", "msg", ...fields}`. The message is a
 * constant (an event name such as `"cycle-decision"`); everything that varies goes into fields, so
 * logs can be filtered and aggregated without parsing prose.
 *
 * @module
 */

/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields attached to one log line; values must be JSON-serialisable. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger: a constant message plus a fields object. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default "info" */
  level?: LogLevel;
  /** Where finished lines go. @default a writer to stderr */
  sink?: (line: string) => void;
  /** Wall clock in ms since the epoch, injected so tests get stable timestamps. @default Date.now */
  nowMs?: () => number;
  /** Fields added to every line. */
  base?: LogFields;
}

function stderrSink(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const lines: string[] = [];
 * const log = createLogger({ sink: (l) => lines.push(l), nowMs: () => 0 });
 * log.info("replica-started", { port: 8001 });
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minRank = LEVEL_RANK[options.level ?? "info"];
  const sink = options.sink ?? stderrSink;
  const nowMs = options.nowMs ?? Date.now;
  const base = options.base ?? {};
  function write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL_RANK[level] < minRank) return;
    const record: Record<string, unknown> = { ts: new Date(nowMs()).toISOString(), level, msg };
    for (const [k, v] of Object.entries(base)) record[k] = serialise(v);
    for (const [k, v] of Object.entries(fields ?? {})) record[k] = serialise(v);
    sink(JSON.stringify(record));
  }
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything; for tests and library callers that do not want output. */
export const NULL_LOGGER: Logger = createLogger({ level: "error", sink: () => {} });
