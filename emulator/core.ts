/**
 * The emulator's runtime shell around the pure engine: one step timer for all requests, the
 * routing of engine events to per-request sinks and to the metrics, readiness and drain.
 *
 * The timer always sleeps until the engine's next event (a step end or a prefill end), so there is
 * one pending timer no matter how many requests run. Arrivals are admitted on the next timer turn
 * (delay 0), which lets requests that arrive together share their first decode step. Events for
 * one sink within a turn are flushed once (write batching).
 *
 * @module
 */
import type { Clock } from "../src/runtime/clock.ts";
import type { Logger } from "../src/runtime/log.ts";
import { createRng, type Rng } from "../src/core/util/rng.ts";
import {
  type AdminPatch,
  definedOnly,
  type EmulatorConfig,
  type RuntimeSettings,
  runtimeSettingsOf,
} from "./config.ts";
import { Engine } from "./engine/engine.ts";
import type { EngineEvent } from "./engine/types.ts";
import { createVllmMetrics } from "./metrics.ts";
import type { EngineMetrics } from "./metrics_common.ts";
import { createSglangMetrics } from "./sglang_metrics.ts";
import { type DeadlineHandle, DeadlineQueue } from "./deadline_queue.ts";
import { type SequenceSink, SinkOutbox, spreadWindowMs } from "./sink_outbox.ts";
import { createTimeBase, type TimeBase } from "./time_base.ts";
import { ServedModels } from "./models.ts";
import { engineParamsOf, type SequenceRequest, specOf } from "./core_params.ts";
import type { BodyLimits } from "./http/body.ts";

export type { SequenceRequest } from "./core_params.ts";

export type { SequenceSink } from "./sink_outbox.ts";

/** Reason for cancelling a timer (a constant: a DOMException would capture a stack each time). */
const SUPERSEDED = Symbol("superseded");

/** Longest single timer wait (setTimeout's limit, ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runtime collaborators of the core. */
export interface CoreRuntime {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Model time versus wall time. @default `createTimeBase(config.timeScale)` from now */
  readonly timeBase?: TimeBase;
}

interface Entry {
  readonly sink: SequenceSink;
  readonly maxTokens: number | undefined;
}

/** Engine + timer + sinks + metrics + lifecycle for one emulated server. */
export class EmulatorCore {
  readonly config: EmulatorConfig;
  readonly metrics: EngineMetrics;
  /** The base model and its LoRA adapters. */
  readonly models: ServedModels;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seeded randomness for request-level choices (output lengths, failures, ids). */
  readonly rng: Rng;
  /** Request body limits, with their own timeout queue (body timeouts are wall time). */
  readonly bodyLimits: BodyLimits;
  readonly #engine: Engine;
  readonly #entries = new Map<number, Entry>();
  /** Sequences withdrawn because their request was refused; they never count in metrics. */
  readonly #withdrawn = new Set<number>();
  readonly #readyAtMs: number;
  #settings: RuntimeSettings;
  #nextId = 1;
  #timer: { readonly atMs: number; readonly ctrl: AbortController } | null = null;
  #draining = false;
  #idleWaiters: Array<() => void> = [];
  readonly #timeBase: TimeBase;
  readonly #outbox: SinkOutbox;
  readonly #holds: DeadlineQueue;
  /** Wall duration of the latest decode step (ms), for spreading token writes. */
  #stepWallMs = 0;
  /** Tokens of the instant being dispatched, not yet queued (sinks and token indexes). */
  #instantSinks: SequenceSink[] = [];
  #instantIndex: number[] = [];
  #instantAtMs = NaN;

  constructor(config: EmulatorConfig, runtime: CoreRuntime) {
    this.config = config;
    this.clock = runtime.clock;
    this.logger = runtime.logger;
    this.#timeBase = runtime.timeBase ?? createTimeBase(config.timeScale, runtime.clock.nowMs());
    this.models = new ServedModels(config.model, config.loraModules);
    this.#holds = new DeadlineQueue(runtime.clock);
    const bodyTimeouts = new DeadlineQueue(runtime.clock);
    this.bodyLimits = Object.freeze({
      maxBytes: config.maxBodyBytes,
      timeoutMs: config.bodyTimeoutMs,
      timer: { hold: (delayMs: number, fn: () => void) => bodyTimeouts.push(delayMs, fn) },
    });
    this.#outbox = new SinkOutbox({
      clock: runtime.clock,
      onError: (err) => this.logger.warn("emulator-sink-error", { error: err }),
      onDrained: () => this.#notifyIdle(),
      onLate: (ms) => this.metrics.observeDeliveryLag(ms),
    });
    const root = createRng(config.seed);
    this.rng = root.fork();
    this.#settings = runtimeSettingsOf(config);
    this.#engine = new Engine(engineParamsOf(config), root.fork());
    const createMetrics = config.engine === "sglang" ? createSglangMetrics : createVllmMetrics;
    this.metrics = createMetrics({
      modelName: config.model,
      engineLabel: config.engineLabel,
      maxModelLen: config.maxModelLen,
      blockSize: config.blockSize,
      numGpuBlocks: config.kvCacheBlocks,
      deprecatedAliases: config.deprecatedMetrics,
      prefixCaching: config.enablePrefixCaching,
      stats: () => this.#engine.stats(),
    });
    this.#readyAtMs = this.clock.nowMs() + this.wallDelayMs(config.startupDelayMs);
  }

  /** How many wall milliseconds a model duration takes (the time scale divides it). */
  wallDelayMs(modelMs: number): number {
    return this.#timeBase.toWallDelayMs(modelMs);
  }

  /** Model time now (ms): what the engine and the latency histograms see. */
  modelNowMs(): number {
    return this.#timeBase.toModelMs(this.clock.nowMs());
  }

  /**
   * Runs `fn` after `delayMs` wall milliseconds unless cancelled (one timer serves every hold;
   * delays should be equal).
   */
  hold(delayMs: number, fn: () => void): DeadlineHandle {
    return this.#holds.push(delayMs, fn);
  }

  /** True once the startup delay has passed and until a drain starts. */
  get ready(): boolean {
    return !this.#draining && this.clock.nowMs() >= this.#readyAtMs;
  }

  /** True after {@linkcode startDrain}. */
  get draining(): boolean {
    return this.#draining;
  }

  /** The settings the admin API shows. */
  get settings(): RuntimeSettings {
    return this.#settings;
  }

  /**
   * The `/metrics` text. With LoRA adapters, the `lora_requests_info` series of the current
   * running/waiting adapters gets the current time, as vLLM sets it at every iteration.
   */
  metricsText(): string {
    const adapters = this.models.adapters;
    if (adapters.length > 0) {
      const name = (id: number) => adapters.find((a) => a.id === id)?.name ?? `lora-${id}`;
      const s = this.#engine.stats();
      this.metrics.setLoraInfo({
        maxLoras: this.config.maxLoras,
        running: s.runningLoras.map(name),
        waiting: s.waitingLoras.map(name),
        atSec: this.clock.nowMs() / 1000,
      });
    }
    return this.metrics.text();
  }

  /** Current engine gauges. */
  stats(): ReturnType<Engine["stats"]> {
    return this.#engine.stats();
  }

  /**
   * Submits the sequences of one request; all or none are accepted.
   *
   * @returns the sequence ids, "queue_full" when the waiting queue cannot take them, or
   *   "too_large" when one needs more KV blocks than the cache has.
   */
  submit(
    seqs: readonly SequenceRequest[],
    sinks: readonly SequenceSink[],
  ): number[] | "queue_full" | "too_large" {
    const now = this.modelNowMs();
    const ids: number[] = [];
    for (const [i, s] of seqs.entries()) {
      const id = this.#nextId++;
      const spec = specOf(id, s, { models: this.models, blockSize: this.config.blockSize });
      const result = this.#engine.submit(spec, now);
      if (result !== "accepted") {
        for (const done of ids) {
          this.#withdrawn.add(done);
          this.#entries.delete(done);
          this.#engine.abort(done, now);
        }
        this.#schedule();
        return result;
      }
      ids.push(id);
      this.#entries.set(id, { sink: sinks[i]!, maxTokens: s.maxTokens });
    }
    this.metrics.observeRequest(seqs.length);
    this.#schedule();
    return ids;
  }

  /** Aborts sequences (client went away); their sinks get `onFinish("abort")`. */
  abort(ids: readonly number[]): void {
    const now = this.modelNowMs();
    let any = false;
    for (const id of ids) any = this.#engine.abort(id, now) || any;
    if (any) this.#pump(now);
  }

  /** Aborts everything in the engine at once (used by `stop()`). */
  abortAll(): void {
    this.abort(this.#engine.liveIds());
  }

  /** Applies an admin change from now on; returns the new settings. */
  applyPatch(patch: AdminPatch): RuntimeSettings {
    const s = this.#settings;
    const { outputLength, failure, ...rest } = patch;
    const engineChanges = definedOnly(rest);
    this.#settings = Object.freeze({
      ...s,
      ...engineChanges,
      outputLength: { ...s.outputLength, ...definedOnly(outputLength ?? {}) },
      failure: { ...s.failure, ...definedOnly(failure ?? {}) },
    });
    this.#engine.setParams(engineChanges, this.modelNowMs());
    this.logger.info("emulator-settings-changed", { patch });
    this.#schedule();
    return this.#settings;
  }

  /** Readiness goes false and new requests are refused from now on. */
  startDrain(): void {
    this.#draining = true;
  }

  /** Resolves true when no request is running or waiting, or false after `timeoutMs`. */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) return true;
    const ctrl = new AbortController();
    const idle = new Promise<boolean>((resolve) => this.#idleWaiters.push(() => resolve(true)));
    const timeout = this.clock.sleep(timeoutMs, ctrl.signal).then(() => false, () => true);
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      ctrl.abort(SUPERSEDED);
    }
  }

  #isIdle(): boolean {
    return this.#engine.idle && this.#outbox.pending === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Keeps one timer armed for the engine's next event (model time converted to a wall delay). */
  #schedule(): void {
    const next = this.#engine.nextEventAtMs();
    if (next === undefined) {
      this.#timer?.ctrl.abort(SUPERSEDED);
      this.#timer = null;
      return;
    }
    if (this.#timer && this.#timer.atMs <= next) return;
    this.#timer?.ctrl.abort(SUPERSEDED);
    const ctrl = new AbortController();
    this.#timer = { atMs: next, ctrl };
    // setTimeout cannot wait longer than 2^31 − 1 ms; a longer wait is re-armed when it fires
    const delayMs = Math.min(
      MAX_TIMER_MS,
      Math.max(0, this.#timeBase.toWallDelayMs(next - this.modelNowMs())),
    );
    this.clock.sleep(delayMs, ctrl.signal).then(() => {
      if (this.#timer?.ctrl !== ctrl) return;
      this.#timer = null;
      const now = this.modelNowMs();
      this.metrics.setTimerLag(Math.max(0, this.#timeBase.toWallDelayMs(now - next)));
      this.#pump(now);
    }, () => {});
  }

  #pump(nowMs: number): void {
    this.#dispatch(this.#engine.advance(nowMs));
    this.#schedule();
    this.#outbox.run();
    this.#notifyIdle();
  }

  /** Metrics see every event at once; sinks get theirs through the paced outbox. */
  #dispatch(events: readonly EngineEvent[]): void {
    for (const ev of events) {
      switch (ev.kind) {
        case "token": {
          this.metrics.observeToken(ev.index, ev.gapMs);
          const entry = this.#entries.get(ev.id);
          if (!entry) break;
          if (ev.index === 0) {
            this.#outbox.deliverFirst(entry.sink);
            break;
          }
          if (ev.atMs !== this.#instantAtMs) this.#queueInstant();
          this.#instantAtMs = ev.atMs;
          this.#instantSinks.push(entry.sink);
          this.#instantIndex.push(ev.index);
          break;
        }
        case "finish": {
          if (this.#withdrawn.delete(ev.id)) break;
          const entry = this.#entries.get(ev.id);
          this.metrics.observeFinish(ev.reason, ev.timing, entry?.maxTokens);
          if (!entry) break;
          this.#entries.delete(ev.id);
          this.#queueInstant();
          this.#outbox.pushFinish(entry.sink, ev);
          break;
        }
        case "step":
          this.metrics.observeStep(ev.batch, ev.prefillTokens);
          this.#stepWallMs = this.#timeBase.toWallDelayMs(ev.durationMs);
          break;
        case "preempt":
          this.metrics.observePreemption();
          break;
      }
    }
    this.#queueInstant();
  }

  /** Queues the tokens of one instant, spread over a window after it (batch order). */
  #queueInstant(): void {
    const n = this.#instantSinks.length;
    if (n === 0) return;
    const windowMs = spreadWindowMs(n, this.#stepWallMs);
    const base = this.#timeBase.toWallMs(this.#instantAtMs);
    for (let p = 0; p < n; p++) {
      this.#outbox.pushToken(
        this.#instantSinks[p]!,
        this.#instantIndex[p]!,
        base + (windowMs * p) / n,
      );
    }
    this.#instantSinks = [];
    this.#instantIndex = [];
    this.#instantAtMs = NaN;
  }
}
