/**
 * `wva emulator`: serve a vLLM-compatible API and `vllm:` (or `sglang:`) metrics whose latency
 * follows a batch-dependent model, as one replica or `--replicas N` on consecutive ports.
 * SIGTERM (or Ctrl-C) drains every replica: readiness goes false, new requests get 503,
 * in-flight requests finish, then the process exits 0. A second Ctrl-C stops at once.
 *
 * @module
 */
import { loadConfig } from "../../runtime/config/load.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { EMULATOR_CONFIG, EMULATOR_ENV_PREFIX as ENV_PREFIX, EMULATOR_FLAGS } from "./flags.ts";
import { emulatorLogger } from "../../../emulator/serve.ts";
import { startEmulatorFleet } from "../../../emulator/fleet.ts";

const HELP = {
  usage: "wva emulator [flags]",
  summary: [
    "Serve POST /v1/chat/completions and /v1/completions (streaming or not), GET /v1/models,",
    "/health, /health/ready, /metrics (vllm: or sglang: metrics) and /admin/config. Decode steps",
    "take alpha + beta*batch ms; prefill takes gamma + delta*promptTokens ms. --replicas N serves",
    "N replicas on port, port+1, ...; --time-scale K runs the model K times faster than real time.",
  ].join("\n"),
  footer: [
    `Every flag can also be set as an environment variable ${ENV_PREFIX}<FLAG> (e.g.`,
    `${ENV_PREFIX}MAX_NUM_SEQS=512) or as a key in --config. Flags win over env, env over the file.`,
    "Example: wva emulator --port 8000 --preset H100 --max-num-seqs 64 --startup-delay 5s",
  ].join("\n"),
};

/** Entry point of `wva emulator`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, EMULATOR_FLAGS, HELP);
  if (flags === undefined) return 0;
  const config = await loadConfig(EMULATOR_CONFIG, flags, { env: Deno.env.toObject() });
  const logger = emulatorLogger(config);
  const handle = await startEmulatorFleet(config, { logger });
  let interrupts = 0;
  function onSignal(): void {
    interrupts++;
    if (interrupts === 1) void handle.drain();
    else void handle.stop();
  }
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    await handle.finished;
  } finally {
    Deno.removeSignalListener("SIGTERM", onSignal);
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  return 0;
}
