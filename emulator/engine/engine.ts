/**
 * The emulator's batching engine: continuous batching on one shared step clock, in pure code.
 *
 * Model (see docs/emulator.md): sequences are admitted FCFS while the running set has fewer than
 * `maxNumSeqs` members and their KV blocks fit. An admitted sequence prefills for
 * `gamma + delta·promptTokens` ms (times the running count when configured), overlapped with
 * decoding, and its first token appears when the prefill ends. Decode runs in steps: a step
 * starts with the sequences that finished prefill (the batch b), lasts `alpha + beta·b` ms, and
 * gives each of them one token. Steps run back to back while anything decodes. With preemption on,
 * KV grows a token at a time and the newest running sequence is pushed back to the head of the
 * waiting queue when blocks run out (it recomputes its prefill over prompt + generated tokens).
 *
 * Optional, as in vLLM: a prefix cache (a sequence whose leading prompt blocks are cached skips
 * prefill for them; emulator/engine/kv_manager.ts), LoRA adapters (at most `maxLoras` distinct
 * adapters in the running set; a waiting sequence whose adapter cannot join is skipped and one
 * behind it admitted), and prefill/decode disaggregation (a `remotePrefill` sequence receives its
 * KV in `kvTransferLatencyMs + kvTransferMsPerToken · tokens` instead of prefilling).
 *
 * Time only moves when the caller says so: `submit`, `abort` and `advance` take `nowMs`, and
 * `nextEventAtMs()` says when the caller should call `advance` next. Same inputs and seed, same
 * events.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import { blocksForTokens } from "./kv_cache.ts";
import { KvManager } from "./kv_manager.ts";
import { kvTransferDurationMs, prefillDurationMs, stepDurationMs } from "./latency.ts";
import { MinHeap } from "./min_heap.ts";
import { KeyCounts, WaitingQueue } from "./waiting_queue.ts";
import { DECODE, DONE, newSeq, PREFILL, type Seq, timingOf, WAITING } from "./sequence.ts";
import type {
  EngineEvent,
  EngineParams,
  EngineStats,
  FinishReason,
  SequenceSpec,
  SubmitResult,
} from "./types.ts";

interface Step {
  readonly endMs: number;
  readonly batch: readonly Seq[];
}

/** Parameters that may change while the engine runs (latency model and limits). */
export type EngineTunables = Partial<
  Omit<EngineParams, "kvCacheBlocks" | "blockSize" | "preemption" | "prefixCaching">
>;

/**
 * Which events {@linkcode Engine.advance} reports. A caller on a virtual clock that only needs
 * each sequence's timing (the benchmark) turns the per-token and per-step events off: that saves
 * one allocation per token, and the finish event still carries first/last token times.
 */
export interface EngineEventOptions {
  /** Report a `token` event per generated token. @default true */
  readonly tokenEvents?: boolean;
  /** Report a `step` event per decode step. @default true */
  readonly stepEvents?: boolean;
}

/** The batching engine. Mutable inside, but reads no clock and does no I/O. */
export class Engine {
  #params: EngineParams;
  readonly #rng: Rng;
  readonly #kv: KvManager;
  readonly #running = new Map<number, Seq>();
  readonly #runningLoras = new KeyCounts();
  readonly #waiting = new WaitingQueue();
  readonly #live = new Map<number, Seq>();
  readonly #prefills = new MinHeap<{ readonly seq: Seq; readonly epoch: number }>();
  #nowMs = -Infinity;
  #step: Step | null = null;
  #outbox: EngineEvent[] = [];
  #prefillTokensSinceStep = 0;
  #preemptionsTotal = 0;
  /** An instant with arrivals/aborts whose admissions have not been settled yet. */
  #pendingMs = Infinity;
  readonly #tokenEvents: boolean;
  readonly #stepEvents: boolean;

  /**
   * @param params model and capacity; @param rng seeded source for jitter;
   * @param events which events to report (all by default).
   */
  constructor(params: EngineParams, rng: Rng, events: EngineEventOptions = {}) {
    this.#params = params;
    this.#rng = rng;
    this.#kv = new KvManager(params.kvCacheBlocks, params.blockSize, !!params.prefixCaching);
    this.#tokenEvents = events.tokenEvents ?? true;
    this.#stepEvents = events.stepEvents ?? true;
  }

  /** Current parameters. */
  get params(): EngineParams {
    return this.#params;
  }

  /** True when nothing runs or waits. */
  get idle(): boolean {
    return this.#live.size === 0;
  }

  /** Ids of sequences still in the engine (running or waiting), in arrival order. */
  liveIds(): number[] {
    return [...this.#live.keys()];
  }

  /** Replaces tunable parameters from `nowMs` on; steps and prefills already started keep theirs. */
  setParams(changes: EngineTunables, nowMs: number): void {
    this.#advanceTo(nowMs, false);
    this.#params = { ...this.#params, ...changes };
    this.#pendingMs = Math.min(this.#pendingMs, this.#nowMs);
  }

  /**
   * Adds a sequence arriving at `nowMs`. Arrivals at one instant are admitted together by the
   * next `advance(nowMs)`, so sequences sent at once share their first decode step.
   */
  submit(spec: SequenceSpec, nowMs: number): SubmitResult | "too_large" {
    this.#advanceTo(nowMs, false);
    if (this.#live.has(spec.id)) {
      throw new RangeError(`Cannot submit sequence: id ${spec.id} is already in the engine`);
    }
    const p = this.#params;
    const freeSlots = Math.max(0, p.maxNumSeqs - this.#running.size);
    if (this.#waiting.size + 1 - freeSlots > p.maxWaitingQueue) return "queue_full";
    const fullTokens = spec.promptTokens + spec.outputTokens;
    if (
      blocksForTokens(p.preemption ? spec.promptTokens : fullTokens, p.blockSize) > p.kvCacheBlocks
    ) {
      return "too_large";
    }
    const seq = newSeq(spec, this.#nowMs);
    this.#live.set(spec.id, seq);
    this.#waiting.pushBack(seq);
    this.#pendingMs = Math.min(this.#pendingMs, this.#nowMs);
    return "accepted";
  }

  /** Removes a sequence (client went away); frees its slot and blocks. Returns false if unknown. */
  abort(id: number, nowMs: number): boolean {
    this.#advanceTo(nowMs, false);
    const seq = this.#live.get(id);
    if (!seq) return false;
    this.#finish(seq, this.#nowMs, "abort");
    this.#pendingMs = Math.min(this.#pendingMs, this.#nowMs);
    return true;
  }

  /** Processes everything due up to `nowMs` and returns the events, in time order. */
  advance(nowMs: number): EngineEvent[] {
    this.#advanceTo(nowMs, true);
    const out = this.#outbox;
    this.#outbox = [];
    return out;
  }

  /** When the next event is due (ms), or undefined when nothing is scheduled. */
  nextEventAtMs(): number | undefined {
    const t = Math.min(this.#nextEventMs(), this.#pendingMs);
    return t === Infinity ? undefined : t;
  }

  /** Gauges: running, waiting, KV usage, preemptions, LoRA adapters in use. */
  stats(): EngineStats {
    const total = this.#kv.totalBlocks;
    return {
      running: this.#running.size,
      waiting: this.#waiting.size,
      usedBlocks: this.#kv.usedBlocks,
      totalBlocks: total,
      kvUsage01: this.#kv.usedBlocks / total,
      preemptionsTotal: this.#preemptionsTotal,
      runningLoras: this.#runningLoras.keys(),
      waitingLoras: this.#waiting.loras.keys(),
      cachedFreeBlocks: this.#kv.cachedFreeBlocks,
    };
  }

  /** Processes instants before `nowMs` (and at it when `inclusive`), then sets the time. */
  #advanceTo(nowMs: number, inclusive: boolean): void {
    const target = Math.max(nowMs, this.#nowMs);
    for (;;) {
      const t = Math.min(this.#nextEventMs(), this.#pendingMs);
      if (inclusive ? t > target : t >= target) break;
      this.#nowMs = t;
      this.#pendingMs = Infinity;
      if (this.#step && this.#step.endMs <= t) this.#finishStep(t);
      this.#settle(t);
    }
    this.#nowMs = target;
  }

  #nextEventMs(): number {
    return Math.min(this.#step?.endMs ?? Infinity, this.#nextPrefillMs());
  }

  /** Completes due prefills, admits waiting sequences and starts a step, all at instant `t`. */
  #settle(t: number): void {
    for (;;) {
      while (this.#nextPrefillMs() <= t) {
        const { seq } = this.#prefills.pop()!;
        this.#completePrefill(seq, t);
      }
      this.#admit(t);
      if (this.#nextPrefillMs() > t) break;
    }
    if (!this.#step) this.#startStep(t);
  }

  #nextPrefillMs(): number {
    for (;;) {
      const top = this.#prefills.peek();
      if (!top) return Infinity;
      if (top.seq.state === PREFILL && top.seq.epoch === top.epoch) return this.#prefills.peekKey();
      this.#prefills.pop();
    }
  }

  #admit(t: number): void {
    const p = this.#params;
    const maxLoras = p.maxLoras ?? 1;
    this.#waiting.scan((seq) => {
      if (this.#running.size >= p.maxNumSeqs) return "stop";
      const lora = seq.spec.lora;
      if (lora && !this.#runningLoras.has(lora) && this.#runningLoras.size >= maxLoras) {
        return "skip";
      }
      return this.#tryAdmit(seq, t) ? "next" : "stop";
    });
  }

  /** Admits `seq` if its KV blocks fit; starts its prefill (or KV transfer). */
  #tryAdmit(seq: Seq, t: number): boolean {
    const p = this.#params;
    const { promptTokens, outputTokens } = seq.spec;
    const resident = p.preemption ? promptTokens + seq.generated : promptTokens + outputTokens;
    const reserve = p.preemption && this.#running.size > 0
      ? Math.floor(p.kvWatermark01 * p.kvCacheBlocks)
      : 0;
    const first = seq.generated === 0 && seq.preemptions === 0;
    const stall = first ? seq.spec.stallMs ?? 0 : 0;
    let durMs = 0;
    const cached = this.#kv.admit(seq, t, {
      resident,
      reserve,
      readyAtMs: (cachedTokens) => {
        durMs = this.#prefillMs(seq, promptTokens + seq.generated - cachedTokens);
        return t + durMs;
      },
    });
    if (cached === false) return false;
    this.#waiting.take(seq);
    seq.state = PREFILL;
    seq.epoch++;
    if (seq.scheduledMs < 0) seq.scheduledMs = t;
    if (first) seq.cachedPromptTokens = cached;
    this.#running.set(seq.spec.id, seq);
    if (seq.spec.lora) this.#runningLoras.add(seq.spec.lora);
    this.#prefills.push({ seq, epoch: seq.epoch }, t + durMs + stall);
    return true;
  }

  /** Prefill of `tokens` uncached tokens, or the KV transfer of a remote prefill (ms). */
  #prefillMs(seq: Seq, tokens: number): number {
    const p = this.#params;
    if (seq.spec.remotePrefill && seq.generated === 0) {
      return kvTransferDurationMs(p, tokens, this.#rng);
    }
    return prefillDurationMs(p, tokens, { running: this.#running.size + 1, rng: this.#rng });
  }

  #completePrefill(seq: Seq, t: number): void {
    seq.state = DECODE;
    const remote = seq.spec.remotePrefill && seq.generated === 0;
    if (!remote) {
      this.#prefillTokensSinceStep += seq.spec.promptTokens + seq.generated -
        (seq.preemptions === 0 ? seq.cachedPromptTokens : 0);
    }
    this.#emitToken(seq, t);
  }

  #startStep(t: number): void {
    const p = this.#params;
    const batch: Seq[] = [];
    for (const seq of [...this.#running.values()]) {
      if (seq.state !== DECODE) continue;
      if (p.preemption && !this.#growKv(seq, t)) continue;
      if (seq.state === DECODE) batch.push(seq);
    }
    if (batch.length === 0) return;
    const durationMs = stepDurationMs(p, batch.length, this.#rng);
    this.#step = { endMs: t + durationMs, batch };
    if (!this.#stepEvents) {
      this.#prefillTokensSinceStep = 0;
      return;
    }
    this.#outbox.push({
      kind: "step",
      atMs: t,
      batch: batch.length,
      durationMs,
      prefillTokens: this.#prefillTokensSinceStep,
    });
    this.#prefillTokensSinceStep = 0;
  }

  /** Makes room for one more resident token of `seq`, preempting the newest sequences if needed. */
  #growKv(seq: Seq, t: number): boolean {
    const resident = seq.spec.promptTokens + seq.generated;
    while (this.#kv.needsBlock(seq, resident)) {
      if (this.#kv.grow(seq, resident)) return true;
      let victim: Seq | undefined;
      for (const s of this.#running.values()) victim = s;
      if (!victim) return false;
      this.#preempt(victim, t);
      if (victim === seq) return false;
    }
    return true;
  }

  #preempt(seq: Seq, t: number): void {
    this.#leaveRunning(seq);
    seq.state = WAITING;
    seq.preemptions++;
    this.#preemptionsTotal++;
    this.#waiting.pushFront(seq);
    this.#outbox.push({ kind: "preempt", id: seq.spec.id, atMs: t });
  }

  #finishStep(t: number): void {
    const batch = this.#step!.batch;
    this.#step = null;
    for (const seq of batch) {
      if (seq.state === DECODE) this.#emitToken(seq, t);
    }
  }

  #emitToken(seq: Seq, t: number): void {
    const first = seq.generated === 0;
    const gapMs = first ? t - seq.arrivalMs : t - seq.lastTokenMs;
    if (first) seq.firstTokenMs = t;
    seq.lastTokenMs = t;
    if (this.#tokenEvents) {
      this.#outbox.push({ kind: "token", id: seq.spec.id, atMs: t, index: seq.generated, gapMs });
    }
    seq.generated++;
    if (seq.generated >= seq.spec.outputTokens) this.#finish(seq, t, seq.spec.finishReason);
  }

  /** Takes `seq` out of the running set and gives back its KV blocks. */
  #leaveRunning(seq: Seq): void {
    this.#running.delete(seq.spec.id);
    if (seq.spec.lora) this.#runningLoras.remove(seq.spec.lora);
    this.#kv.release(seq);
  }

  #finish(seq: Seq, t: number, reason: FinishReason): void {
    if (seq.state === WAITING) this.#waiting.take(seq);
    else this.#leaveRunning(seq);
    seq.state = DONE;
    this.#live.delete(seq.spec.id);
    this.#outbox.push({
      kind: "finish",
      id: seq.spec.id,
      atMs: t,
      reason,
      timing: timingOf(seq, t),
    });
  }
}
