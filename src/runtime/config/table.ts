/**
 * A mode's flags table: one row per flag saying how it is parsed, how it is shown in `--help`,
 * which config field it sets and which environment variable sets the same field. Every mode
 * (controller, emulator, loadgen, demo, plan, `scripts/gpu_nodes.ts`) declares its rows in
 * `src/modes/<mode>/flags.ts`; {@linkcode resolveConfig} (./resolve.ts) turns flags, variables
 * and a config file into the mode's zod schema input, and the schema keeps the defaults and the
 * validation.
 *
 * @module
 */
import { type FlagSpecs, type FlagValues, parseFlags, renderHelp, writeOut } from "../cli/flags.ts";

/** How a flag takes its value on the command line. */
export type FlagKind = "value" | "switch" | "list";

/** One flag of a mode. */
export interface FlagRow {
  /** Long name without the dashes (`max-num-seqs`). */
  readonly flag: string;
  /** `value` (the default) takes text, `switch` takes none, `list` may repeat. */
  readonly kind?: FlagKind;
  /**
   * The dotted config path the flag sets (`controller.intervalMs`); absent for a flag the mode
   * reads itself (`--out`) and for the file flag (`--config`).
   */
  readonly path?: string;
  /** For a switch: the value written when it is given. @default true */
  readonly sets?: unknown;
  /** The environment variable that sets the same field (the flag wins over it). */
  readonly env?: string;
  /**
   * Turns the text of the flag (or of its variable) into the field's value before the schema
   * sees it; throws `InputError` with one line naming `what` (the flag or variable). Without
   * it the text goes to the schema as it is (schemas coerce numbers, durations and booleans).
   */
  readonly read?: (text: string, what: string) => unknown;
  /** One-letter alias (`-f`). */
  readonly short?: string;
  /** Placeholder of the value in help (`FILE`). */
  readonly arg?: string;
  readonly description: string;
  /** Shown in help only; the defaults themselves live in the schema. */
  readonly defaultText?: string;
}

/** Converts `max-num-seqs` to `maxNumSeqs` (a flag's name as a config key). */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The variable of a flag under an env prefix: `WVA_EMULATOR_` + `max-num-seqs` → `…_MAX_NUM_SEQS`. */
export function prefixedEnv(prefix: string, flag: string): string {
  return prefix + flag.toUpperCase().replaceAll("-", "_");
}

/** The rows as `parseFlags`/`renderHelp` specs (help shows each row's own `env` in brackets). */
export function flagSpecs(rows: readonly FlagRow[]): FlagSpecs {
  const specs: Record<string, FlagSpecs[string]> = {};
  for (const r of rows) {
    specs[r.flag] = {
      type: r.kind === "switch" ? "boolean" : "string",
      ...(r.kind === "list" ? { multiple: true } : {}),
      ...(r.short ? { short: r.short } : {}),
      ...(r.arg ? { arg: r.arg } : {}),
      ...(r.env ? { env: r.env } : {}),
      description: r.description,
      ...(r.defaultText !== undefined ? { defaultText: r.defaultText } : {}),
    };
  }
  return specs;
}

/** The optional fields of a row, for {@linkcode valueFlag} and {@linkcode switchFlag}. */
export type RowExtras = Omit<FlagRow, "flag" | "path" | "kind" | "arg" | "description">;

/** A row for a flag that takes a value (`path` undefined: the mode reads the flag itself). */
export function valueFlag(
  flag: string,
  path: string | undefined,
  arg: string,
  description: string,
  extra: RowExtras = {},
): FlagRow {
  return { flag, ...(path !== undefined ? { path } : {}), arg, description, ...extra };
}

/** A row for a switch (a flag without a value). */
export function switchFlag(
  flag: string,
  path: string | undefined,
  description: string,
  extra: RowExtras = {},
): FlagRow {
  return { flag, kind: "switch", ...(path !== undefined ? { path } : {}), description, ...extra };
}

/** The help text of a command around its flag rows. */
export interface HelpText {
  readonly usage: string;
  readonly summary: string;
  readonly footer?: string;
}

/**
 * Parses `argv` against the rows; on `--help` writes the help text and returns `undefined`
 * (the command then exits 0).
 *
 * @throws {import("../cli/flags.ts").UsageError} on an unknown flag or a missing value
 */
export function parseCommandLine(
  argv: readonly string[],
  rows: readonly FlagRow[],
  help: HelpText,
): FlagValues | undefined {
  const specs = flagSpecs(rows);
  const parsed = parseFlags(argv, specs);
  if (!parsed.help) return parsed.values;
  writeOut(renderHelp(help.usage, help.summary, specs, help.footer));
  return undefined;
}
