/**
 * Flag parsing and the shared error-to-exit-code policy for every mode.
 *
 * Built on `node:util` `parseArgs` (the JSR `@std/cli` is not reachable from our build machines).
 * Unknown flags and bad values are {@linkcode UsageError}s: the mode prints one clear line plus a
 * pointer to `--help` and exits 2, without a stack trace.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, InputError } from "../../core/util/validate.ts";

/** Exit code for bad input (unknown mode, flag or value, invalid config). */
export const EXIT_USAGE = 2;

/**
 * Thrown for command-line mistakes (an unknown flag, a missing value); like every
 * {@linkcode InputError}, `main` prints its one line and exits 2.
 */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One flag of a mode. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly arg?: string;
  readonly description: string;
  /** The environment variable that sets the same value, shown in brackets. */
  readonly env?: string;
  /** Shown in help only; defaults themselves live in the zod schemas. */
  readonly defaultText?: string;
}

/** A mode's flags keyed by long name. `help` is added automatically. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** Parsed flag values: strings, booleans or string arrays (for `multiple`). */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** A string flag's value; undefined when it was not given (or is a switch or a list). */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** Result of {@linkcode parseFlags}. */
export interface ParsedFlags {
  readonly values: FlagValues;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Parses `argv` strictly against `specs`.
 *
 * @throws {UsageError} on an unknown flag, a missing value, or an unexpected positional argument
 *   (unless `allowPositionals`).
 */
export function parseFlags(
  argv: readonly string[],
  specs: FlagSpecs,
  options: { allowPositionals?: boolean } = {},
): ParsedFlags {
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    { help: { type: "boolean", short: "h" } };
  for (const [name, spec] of Object.entries(specs)) {
    config[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: options.allowPositionals ?? false,
    });
    const values = { ...parsed.values } as FlagValues;
    const help = values.help === true;
    delete values.help;
    return { values, positionals: parsed.positionals, help };
  } catch (err) {
    throw new UsageError(err instanceof Error ? cleanParseArgsMessage(err.message) : String(err));
  }
}

function cleanParseArgsMessage(msg: string): string {
  // node's messages mention "To specify a positional argument starting with a '-'..." — drop it.
  return msg.split(". To specify")[0]!.replace(/\.$/, "");
}

/** Renders a help text: usage line, summary, then one aligned row per flag. */
export function renderHelp(
  usage: string,
  summary: string,
  specs: FlagSpecs,
  footer?: string,
): string {
  const rows: Array<[string, string]> = [];
  for (const [name, spec] of Object.entries(specs)) {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const arg = spec.type === "string" ? ` ${spec.arg ?? "VALUE"}` : "";
    const env = spec.env !== undefined ? ` [${spec.env}]` : "";
    const def = spec.defaultText !== undefined ? ` (default: ${spec.defaultText})` : "";
    rows.push([`  ${short}--${name}${arg}`, spec.description + env + def]);
  }
  rows.push(["  -h, --help", "Show this help and exit"]);
  const width = Math.min(40, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = rows.map((
    [l, r],
  ) => (l.length >= width ? `${l}\n${" ".repeat(width)}${r}` : l.padEnd(width) + r));
  return [
    `Usage: ${usage}`,
    "",
    summary,
    "",
    "Flags:",
    ...lines,
    ...(footer ? ["", footer] : []),
    "",
  ]
    .join("\n");
}

/** Writes text to stdout (no trailing newline added). */
export function writeOut(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

/** Writes text to stderr (no trailing newline added). */
export function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

/**
 * Maps an error thrown by a mode to an exit code: usage, input and config errors print their
 * lines and return 2; anything else prints one line (and the stack only when `WVA_DEBUG=1`) and
 * returns 1.
 */
export function exitCodeForError(err: unknown, mode: string): number {
  if (err instanceof InputError) {
    writeErr(`wva ${mode}: ${err.message}\nRun 'wva ${mode} --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (err instanceof ConfigError) {
    writeErr(err.problems.map((p) => `wva ${mode}: ${p}\n`).join(""));
    return EXIT_USAGE;
  }
  const debug = Deno.env.get("WVA_DEBUG") === "1";
  const msg = err instanceof Error ? (debug ? err.stack ?? err.message : err.message) : String(err);
  writeErr(`wva ${mode}: error: ${msg}\n`);
  return 1;
}
