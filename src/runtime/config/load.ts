/**
 * The I/O end of the config path: reads the config file a mode's file flag names (YAML or JSON,
 * parsed with the pure helpers of `src/core/util/validate.ts`, so a bad file is reported like any
 * other bad input) and hands every layer to {@linkcode resolveConfig}.
 *
 * @module
 */
import type { z } from "zod";
import { ConfigError, parseYamlText } from "../../core/util/validate.ts";
import { type FlagValues, stringFlag } from "../cli/flags.ts";
import { type ConfigSpec, resolveConfig } from "./resolve.ts";

/** Reads and parses a YAML or JSON file; a missing or unreadable file is a {@linkcode ConfigError}. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "file not found" : String(err);
    throw new ConfigError([`${path}: cannot read config file: ${why}`]);
  }
  return parseYamlText(text, path);
}

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The environment (`Deno.env.toObject()`); the mode's rows say which variables count. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Fields the mode computed from several flags at once; they rank with the flags. */
  readonly derived?: Readonly<Record<string, unknown>>;
}

/**
 * A mode's configuration from its parsed flags: reads the file named by `spec.fileFlag` (when
 * given), then resolves flags over environment over file over the schema's defaults.
 *
 * @throws {ConfigError} for an unreadable file and for every bad value, one line each
 */
export async function loadConfig<S extends z.ZodType>(
  spec: ConfigSpec<S>,
  flags: FlagValues,
  options: LoadConfigOptions = {},
): Promise<Readonly<z.output<S>>> {
  const path = spec.fileFlag === undefined ? undefined : stringFlag(flags, spec.fileFlag);
  const file = path === undefined ? undefined : { name: path, content: await readConfigFile(path) };
  return resolveConfig(spec, {
    flags,
    ...(options.env ? { env: options.env } : {}),
    ...(file ? { file } : {}),
    ...(options.derived ? { derived: options.derived } : {}),
  });
}
