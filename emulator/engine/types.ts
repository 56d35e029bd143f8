/**
 * Plain-data contracts of the emulator's batching engine: its parameters, the sequences it is
 * given, and the events it reports. Times are milliseconds on the caller's clock; the engine
 * never reads a clock itself.
 *
 * @module
 */

/** Latency model of one emulated GPU variant (all durations in ms). */
export interface LatencyParams {
  /** Fixed part of one decode step (ms): step = alphaMs + betaMs · batch. */
  readonly alphaMs: number;
  /** Per-sequence part of one decode step (ms per sequence in the batch). */
  readonly betaMs: number;
  /** Fixed part of a prefill (ms): prefill = gammaMs + deltaMs · promptTokens (· batch). */
  readonly gammaMs: number;
  /** Per-prompt-token part of a prefill (ms per token). */
  readonly deltaMs: number;
  /** When true the prefill term is multiplied by the running count (WVA's P(n) = γ + δ·i·n). */
  readonly prefillScalesWithBatch: boolean;
  /**
   * Coefficient of variation of a normal jitter applied to every step and prefill duration
   * (0 = exact). Draws are clamped to ±3 standard deviations and never below zero.
   */
  readonly jitterCv: number;
}

/** Capacity and scheduling parameters of the engine. */
export interface CapacityParams {
  /** Most sequences in the running set (vLLM `--max-num-seqs`). */
  readonly maxNumSeqs: number;
  /** KV cache size in blocks (vLLM `num_gpu_blocks`). */
  readonly kvCacheBlocks: number;
  /** Tokens per KV block. */
  readonly blockSize: number;
  /** Most sequences allowed to wait; a submit beyond it is rejected (HTTP 429). */
  readonly maxWaitingQueue: number;
  /**
   * true: KV grows one token at a time and the newest running sequence is preempted (recomputed
   * later) when blocks run out, as vLLM does. false: prompt + output blocks are reserved at
   * admission, so preemption never happens.
   */
  readonly preemption: boolean;
  /** Share of KV blocks kept free at admission when `preemption` is on (vLLM's watermark). */
  readonly kvWatermark01: number;
  /**
   * Keep computed prompt blocks in the cache and reuse them for sequences with the same prefix
   * (they skip prefill for the cached tokens). @default false
   */
  readonly prefixCaching?: boolean;
  /** Most distinct LoRA adapters in the running set (vLLM `--max-loras`). @default 1 */
  readonly maxLoras?: number;
}

/** Prefill/decode disaggregation: receiving a prompt's KV instead of computing it (ms). */
export interface KvTransferParams {
  /** Fixed part of one KV transfer. @default 0 */
  readonly kvTransferLatencyMs?: number;
  /** Per prompt token. @default 0 */
  readonly kvTransferMsPerToken?: number;
}

/** Everything the engine needs. */
export type EngineParams = LatencyParams & CapacityParams & KvTransferParams;

/** Why a sequence finished, with vLLM's `finished_reason` label values. */
export type FinishReason = "stop" | "length" | "abort";

/** One sequence to generate (one choice of one HTTP request). */
export interface SequenceSpec {
  /** Caller-chosen unique id. */
  readonly id: number;
  /** Prompt length in tokens (≥ 1). */
  readonly promptTokens: number;
  /** Tokens to generate before finishing (≥ 1). */
  readonly outputTokens: number;
  /** Reason reported when `outputTokens` is reached (`length` when it equals max_tokens). */
  readonly finishReason: "stop" | "length";
  /** Extra delay before the first token (failure injection "stall"), ms. @default 0 */
  readonly stallMs?: number;
  /** LoRA adapter id (≥ 1); absent for the base model. */
  readonly lora?: number;
  /** Chained hashes of the prompt's full blocks, for the prefix cache. */
  readonly prefixHashes?: readonly number[];
  /** The prompt's KV comes from a prefill server (P/D decode side): a transfer, no prefill. */
  readonly remotePrefill?: boolean;
}

/** Per-sequence timestamps (ms, caller clock) reported when a sequence finishes. */
export interface SequenceTiming {
  readonly arrivalMs: number;
  /** First admission to the running set; -1 if never admitted (aborted while waiting). */
  readonly scheduledMs: number;
  /** Time of the first token; -1 if none. */
  readonly firstTokenMs: number;
  /** Time of the last token; -1 if none. */
  readonly lastTokenMs: number;
  readonly finishedMs: number;
  readonly promptTokens: number;
  /** Tokens generated (and delivered) so far. */
  readonly generatedTokens: number;
  /** Times this sequence was preempted. */
  readonly preemptions: number;
  /** Prompt tokens found in the prefix cache at its first admission (0 without caching). */
  readonly cachedPromptTokens: number;
}

/** A token was produced for sequence `id` at `atMs`; `index` counts from 0. */
export interface TokenEvent {
  readonly kind: "token";
  readonly id: number;
  readonly atMs: number;
  readonly index: number;
  /** Gap since the previous token of this sequence (ms); for index 0, time since arrival (TTFT). */
  readonly gapMs: number;
}

/** A sequence left the engine. */
export interface FinishEvent {
  readonly kind: "finish";
  readonly id: number;
  readonly atMs: number;
  readonly reason: FinishReason;
  readonly timing: SequenceTiming;
}

/** A decode step started: `batch` sequences will each get one token after `durationMs`. */
export interface StepEvent {
  readonly kind: "step";
  readonly atMs: number;
  readonly batch: number;
  readonly durationMs: number;
  /** Prompt tokens prefilled since the previous step started (for `iteration_tokens`). */
  readonly prefillTokens: number;
}

/** A running sequence lost its KV blocks and went back to the head of the waiting queue. */
export interface PreemptEvent {
  readonly kind: "preempt";
  readonly id: number;
  readonly atMs: number;
}

/** What {@linkcode Engine.advance} reports, in time order. */
export type EngineEvent = TokenEvent | FinishEvent | StepEvent | PreemptEvent;

/** Instantaneous engine state (what the vLLM gauges show). */
export interface EngineStats {
  /** Sequences in the running set (prefilling or decoding). */
  readonly running: number;
  /** Sequences waiting for admission. */
  readonly waiting: number;
  readonly usedBlocks: number;
  readonly totalBlocks: number;
  /** usedBlocks / totalBlocks, in 0..1. */
  readonly kvUsage01: number;
  /** Preemptions since start. */
  readonly preemptionsTotal: number;
  /** LoRA adapter ids in the running set, ascending. */
  readonly runningLoras: readonly number[];
  /** LoRA adapter ids of waiting sequences, ascending. */
  readonly waitingLoras: readonly number[];
  /** Blocks held by the prefix cache that nobody uses (counted as free). */
  readonly cachedFreeBlocks: number;
}

/** Result of a submit: accepted, or rejected because the waiting queue is full. */
export type SubmitResult = "accepted" | "queue_full";
