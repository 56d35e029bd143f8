/**
 * Reads config files for every mode: YAML or JSON from disk, parsed with the pure helpers of
 * `src/core/util/validate.ts` so a bad file is reported like any other bad input.
 *
 * @module
 */
import { ConfigError, parseYamlText } from "../../core/util/validate.ts";

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
