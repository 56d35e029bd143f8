/**
 * The engine's mutable record of one sequence, and the timing summary reported when it finishes.
 *
 * @module
 */
import type { SequenceSpec, SequenceTiming } from "./types.ts";

/** Sequence states. */
export const WAITING = 0, PREFILL = 1, DECODE = 2, DONE = 3;

/** One sequence inside the engine (mutable; never leaves the engine). */
export interface Seq {
  readonly spec: SequenceSpec;
  readonly arrivalMs: number;
  state: number;
  scheduledMs: number;
  firstTokenMs: number;
  lastTokenMs: number;
  generated: number;
  blocks: number;
  preemptions: number;
  /** Prompt tokens served from the prefix cache at the first admission. */
  cachedPromptTokens: number;
  /** Bumped at every admission so stale prefill-heap entries can be recognised. */
  epoch: number;
  /** Bumped whenever it enters or leaves the waiting queue (stale queue entries). */
  ticket: number;
  /** Prefix-cache blocks it found cached and references. */
  hitHashes: readonly number[];
  /** Prefix-cache blocks it computes (inserted at admission, ready when its prefill ends). */
  ownHashes: readonly number[];
}

/** A fresh waiting sequence arriving at `arrivalMs`. */
export function newSeq(spec: SequenceSpec, arrivalMs: number): Seq {
  return {
    spec,
    arrivalMs,
    state: WAITING,
    scheduledMs: -1,
    firstTokenMs: -1,
    lastTokenMs: -1,
    generated: 0,
    blocks: 0,
    preemptions: 0,
    cachedPromptTokens: 0,
    epoch: 0,
    ticket: 0,
    hitHashes: [],
    ownHashes: [],
  };
}

/** The timing summary of `seq` finishing at `finishedMs`. */
export function timingOf(seq: Seq, finishedMs: number): SequenceTiming {
  return {
    arrivalMs: seq.arrivalMs,
    scheduledMs: seq.scheduledMs,
    firstTokenMs: seq.firstTokenMs,
    lastTokenMs: seq.lastTokenMs,
    finishedMs,
    promptTokens: seq.spec.promptTokens,
    generatedTokens: seq.generated,
    preemptions: seq.preemptions,
    cachedPromptTokens: seq.cachedPromptTokens,
  };
}
