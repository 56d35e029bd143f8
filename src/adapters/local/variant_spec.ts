/**
 * What the local pool needs to know about one variant: identity, cost and GPU shape (as a
 * VariantAutoscaling would say), bounds, the replicas to start with, and the emulator settings
 * that give its replicas their speed and capacity.
 *
 * @module
 */
import type { EmulatorOptions } from "../../../emulator/mod.ts";
import type { EngineParams, PerfParams } from "../../core/contract/types.ts";

/** One variant of the pool. */
export interface LocalVariantSpec {
  readonly name: string;
  readonly modelId: string;
  readonly namespace: string;
  /** Accelerator name; the GPU inventory is keyed by it. */
  readonly accelerator: string;
  /** Cost of one replica per hour (the operator's unit, e.g. cents/hour). */
  readonly costPerReplica: number;
  readonly gpusPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Replicas started by `start()`. */
  readonly initialReplicas: number;
  /** Emulator settings; the pool sets host, port, model, startup delay, drain timeout, seed. */
  readonly emulator: EmulatorOptions;
  /** Queueing-model parameters (for the queueing-model analyzer). */
  readonly perf?: PerfParams | undefined;
  /** Engine limits (saturation V2's derived capacity). */
  readonly engine?: EngineParams | undefined;
  /** KV-cache capacity of one replica in tokens (saturation V2 sizes a variant with no replica). */
  readonly kvCapacityTokens?: number | undefined;
}
