/**
 * Turns a scenario's `arms:` entries into full arm inputs: a preset name, or an object naming a
 * `preset` to start from (deep-merged: objects merge, lists replace), or a complete arm.
 *
 * @module
 */
import { mergeLayers } from "../../util/validate.ts";
import { ARM_PRESETS } from "./presets.ts";

/** Resolves one entry; unknown presets are left for the schema to report. */
export function resolveArmEntry(entry: unknown): unknown {
  if (typeof entry === "string") {
    const preset = ARM_PRESETS[entry];
    return preset ? { name: entry, ...preset } : { name: entry, preset: entry };
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return entry;
  const { preset, ...rest } = entry as Record<string, unknown>;
  if (preset === undefined) return entry;
  const base = typeof preset === "string" ? ARM_PRESETS[preset] : undefined;
  if (!base) return entry;
  return mergeLayers({ name: preset }, base, rest);
}

/** Names of the known presets, for error messages. */
export function presetNames(): string[] {
  return Object.keys(ARM_PRESETS);
}
