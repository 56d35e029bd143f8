/**
 * From the demo configuration to the local pool's variant specs: each variant's emulator settings
 * are resolved once (preset + overrides), and the same numbers become the queueing-model
 * parameters (alpha, beta, gamma, delta, max batch = max-num-seqs) and the engine limits the
 * analyzers read — so the controller's model of a variant is exactly the emulated one.
 *
 * @module
 */
import { resolveEmulatorConfig } from "../../../emulator/mod.ts";
import type { LocalVariantSpec } from "../../adapters/local/variant_spec.ts";
import type { DemoConfig } from "./config.ts";

/** Builds the pool's variant specs (validated config in, plain data out). */
export function poolVariants(config: DemoConfig): LocalVariantSpec[] {
  return config.variants.map((v) => {
    const emu = resolveEmulatorConfig({ ...v.emulator, model: config.model });
    return {
      name: v.name,
      modelId: config.model,
      namespace: config.namespace,
      accelerator: v.accelerator,
      costPerReplica: v.cost,
      gpusPerReplica: v.gpusPerReplica,
      minReplicas: v.minReplicas,
      maxReplicas: v.maxReplicas,
      initialReplicas: v.initialReplicas,
      emulator: { ...v.emulator },
      perf: {
        alphaMs: emu.alphaMs,
        betaMs: emu.betaMs,
        gammaMs: emu.gammaMs,
        deltaMs: emu.deltaMs,
        maxBatchSize: emu.maxNumSeqs,
      },
      engine: { maxNumSeqs: emu.maxNumSeqs, maxNumBatchedTokens: 8192 },
      kvCapacityTokens: emu.kvCacheBlocks * emu.blockSize,
    };
  });
}
