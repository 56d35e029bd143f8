/**
 * Flags and environment variables of `wva emulator`, and how they layer over the config file:
 * schema defaults < preset < `--config` file < `WVA_EMULATOR_*` env < flags. One table drives the
 * flag parser, the help text, the env names and the error messages.
 *
 * @module
 */
import type { FlagSpecs, FlagValues } from "../../runtime/cli/flags.ts";
import { ConfigError, mergeLayers } from "../../core/util/validate.ts";
import { readConfigFile } from "../../runtime/config/load.ts";
import {
  type EmulatorConfig,
  EmulatorConfigSchema,
  resolveEmulatorConfig,
} from "../../../emulator/config.ts";
import { EMULATOR_FLAGS, type FlagRow } from "./flags.ts";

/** Prefix of the environment variables (`WVA_EMULATOR_MAX_NUM_SEQS=512`). */
export const ENV_PREFIX = "WVA_EMULATOR_";

/** Environment variable for a flag. */
export function envName(flag: string): string {
  return ENV_PREFIX + flag.toUpperCase().replaceAll("-", "_");
}

/** The flag specs for `parseFlags`, `--config` included. */
export function emulatorFlagSpecs(): FlagSpecs {
  const specs: Record<string, FlagSpecs[string]> = {
    config: {
      type: "string",
      arg: "FILE",
      description: "YAML or JSON config file (keys as in docs/emulator.md)",
    },
  };
  for (const r of EMULATOR_FLAGS) {
    specs[r.flag] = {
      type: r.switchValue === undefined ? "string" : "boolean",
      ...(r.arg ? { arg: r.arg } : {}),
      description: r.description,
      ...(r.defaultText ? { defaultText: r.defaultText } : {}),
    };
  }
  return specs;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    cur[key] ??= {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function layer(
  read: (r: FlagRow) => unknown,
): { values: Record<string, unknown>; from: Map<string, string> } {
  const values: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const r of EMULATOR_FLAGS) {
    const raw = read(r);
    if (raw === undefined) continue;
    const value = r.switchValue === undefined
      ? raw
      : raw === true || raw === "true" || raw === "1"
      ? r.switchValue
      : !r.switchValue;
    setPath(values, r.path, value);
    from.set(r.path.join("."), r.flag);
  }
  return { values, from };
}

function checkLayer(
  l: { values: Record<string, unknown>; from: Map<string, string> },
  name: (flag: string) => string,
): string[] {
  const result = EmulatorConfigSchema.safeParse(l.values);
  if (result.success) return [];
  const out: string[] = [];
  for (const issue of result.error.issues) {
    const key = issue.path.join(".");
    const flag = l.from.get(key) ?? l.from.get(String(issue.path[0]));
    if (flag === undefined) continue; // a cross-field problem; reported on the merged config
    const given = key.split(".").reduce<unknown>(
      (o, k) => (o as Record<string, unknown>)?.[k],
      l.values,
    );
    out.push(`${name(flag)}: ${issue.message} (got ${JSON.stringify(given)})`);
  }
  return out;
}

/**
 * Builds the configuration from parsed flags, the environment and the optional config file.
 *
 * @throws {ConfigError} naming the flag, variable or file field of every problem.
 */
export async function loadEmulatorConfig(
  flags: FlagValues,
  env: Readonly<Record<string, string>>,
): Promise<EmulatorConfig> {
  const file = typeof flags.config === "string" ? await readConfigFile(flags.config) : {};
  const envLayer = layer((r) => env[envName(r.flag)]);
  const flagLayer = layer((r) => flags[r.flag]);
  const problems = [
    ...checkLayer(envLayer, envName),
    ...checkLayer(flagLayer, (f) => `--${f}`),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const source = typeof flags.config === "string" ? flags.config : "emulator config";
  return resolveEmulatorConfig(mergeLayers(file, envLayer.values, flagLayer.values), source);
}
