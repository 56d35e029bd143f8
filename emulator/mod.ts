/**
 * Emulator mode: a vLLM-compatible server (OpenAI chat/completions API with SSE streaming,
 * `/v1/responses`, `/v1/models`, tokenization, health, readiness, `/openapi.json` and `vllm:`
 * Prometheus metrics) whose latency follows a batch-dependent model instead of a GPU. See
 * docs/emulator.md.
 *
 * - `startEmulator(options?, runtime?)` binds a port and returns a handle with `url`, `drain()`
 *   and `stop()`; `startEmulatorFleet` starts `options.replicas` of them on consecutive ports.
 * - `createEmulatorApp(deps)` returns the Hono app for in-process use (never listens).
 * - `emulator/engine/` is the pure batching engine.
 *
 * @module
 */
export {
  createEmulatorApp,
  EMULATED_VLLM_VERSION,
  EMULATOR_VERSION,
  type EmulatorAppDeps,
} from "./app.ts";
export {
  AdminPatchSchema,
  type EmulatorConfig,
  EmulatorConfigSchema,
  type EmulatorOptions,
  FAILURE_TYPES,
  type FailureType,
  resolveEmulatorConfig,
  type RuntimeSettings,
} from "./config.ts";
export { EmulatorCore } from "./core.ts";
export { FAILURE_HEADER } from "./http/failure.ts";
export { PRESET_NAMES, type PresetName, PRESETS } from "./presets.ts";
export { type EmulatorHandle, type EmulatorRuntime, startEmulator } from "./serve.ts";
export { type EmulatorFleet, replicaConfig, startEmulatorFleet } from "./fleet.ts";
export { createTimeBase, REAL_TIME, type TimeBase } from "./time_base.ts";
export { type LoraAdapter, ServedModels } from "./models.ts";
