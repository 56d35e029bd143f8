/**
 * From configuration and HTTP-level requests to what the pure engine takes: its parameters, and
 * one sequence spec per choice (LoRA adapter ids, prefix-cache block hashes, remote prefill).
 *
 * @module
 */
import type { EmulatorConfig } from "./config.ts";
import { prefixBlockHashes } from "./engine/prefix_cache.ts";
import type { EngineParams, SequenceSpec } from "./engine/types.ts";
import type { ServedModels } from "./models.ts";

/** One sequence to run (one choice of a request). */
export interface SequenceRequest {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly finishReason: "stop" | "length";
  /** The request's max_tokens, if it set one (for metrics). */
  readonly maxTokens?: number;
  readonly stallMs?: number;
  /** Prompt token ids, for the prefix cache (only needed when it is on). */
  readonly promptIds?: readonly number[];
  /** The LoRA adapter the request runs with. */
  readonly lora?: string;
  /** P/D decode side: the prompt's KV arrives from a prefill server instead of a prefill. */
  readonly remotePrefill?: boolean;
}

/** The engine parameters of a configuration. */
export function engineParamsOf(config: EmulatorConfig): EngineParams {
  return {
    alphaMs: config.alphaMs,
    betaMs: config.betaMs,
    gammaMs: config.gammaMs,
    deltaMs: config.deltaMs,
    prefillScalesWithBatch: config.prefillScalesWithBatch,
    jitterCv: config.jitterCv,
    maxNumSeqs: config.maxNumSeqs,
    kvCacheBlocks: config.kvCacheBlocks,
    blockSize: config.blockSize,
    maxWaitingQueue: config.maxWaitingQueue,
    preemption: config.preemption,
    kvWatermark01: config.kvWatermark01,
    prefixCaching: config.enablePrefixCaching,
    maxLoras: config.maxLoras,
    kvTransferLatencyMs: config.kvTransferLatencyMs,
    kvTransferMsPerToken: config.kvTransferMsPerToken,
  };
}

/** The engine's spec of one sequence request. */
export function specOf(
  id: number,
  s: SequenceRequest,
  o: { readonly models: ServedModels; readonly blockSize: number },
): SequenceSpec {
  const lora = s.lora ? o.models.adapters.find((a) => a.name === s.lora)?.id : undefined;
  return {
    id,
    promptTokens: s.promptTokens,
    outputTokens: s.outputTokens,
    finishReason: s.finishReason,
    ...(s.stallMs ? { stallMs: s.stallMs } : {}),
    ...(lora ? { lora } : {}),
    ...(s.promptIds
      ? { prefixHashes: prefixBlockHashes(s.promptIds, o.blockSize, lora ?? 0) }
      : {}),
    ...(s.remotePrefill ? { remotePrefill: true } : {}),
  };
}
