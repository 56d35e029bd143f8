/**
 * Latency and capacity presets for a few GPU variants. The table lives beside the pure engine
 * (emulator/engine/presets.ts) so the benchmark's cluster model reads the same numbers.
 *
 * @module
 */
export { PRESET_NAMES, type PresetName, PRESETS, type PresetValues } from "./engine/presets.ts";
