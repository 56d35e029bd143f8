/**
 * The open-loop runner: sends each planned request at its absolute time (run start + planned
 * offset, so lateness never accumulates), measures it, and keeps live counters for the progress
 * view. With `maxConcurrency`, a send that finds the cap full is dropped and counted, never
 * queued (queueing would turn the open loop into a closed one and hide the overload).
 *
 * After the last planned send the runner waits up to `drainMs` for in-flight requests, then
 * cancels the rest; {@linkcode LoadRun.stop} (Ctrl-C) stops sending and cancels at once. Either
 * way `done` resolves with every record, so the report is always written.
 *
 * @module
 */
import { type Clock, systemClock } from "../../runtime/clock.ts";
import { createRng } from "../../core/util/rng.ts";
import { type Arrival, arrivals } from "../../core/load/arrivals.ts";
import { sampleLength } from "../../core/load/lengths.ts";
import type { LoadgenOptions } from "../../core/load/options.ts";
import type { RequestRecord } from "../../core/load/record.ts";
import { apiPath, buildRequestBody } from "../../core/load/request_body.ts";
import { scheduleDurationMs, stageIndexAt, targetRateAt } from "../../core/load/schedule.ts";
import { RecentValues, WindowRate } from "./live_stats.ts";
import { type Measurement, sendRequest } from "./send_request.ts";

/** Options with the model name resolved. */
export type RunOptions = LoadgenOptions & { readonly model: string };

/** A clock with sub-millisecond readings (`performance.now`) for latency measurement. */
export const monotonicClock: Clock = {
  nowMs: () => performance.now(),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
};

/** Injected parts of a run. */
export interface RunDeps {
  /** @default monotonicClock */
  readonly clock?: Clock;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Called as each request finishes (or is dropped). */
  readonly onRecord?: (record: RequestRecord) => void;
}

/** What the live view shows; times in ms since the run start. */
export interface LiveSnapshot {
  readonly phase: "running" | "draining" | "done";
  readonly elapsedMs: number;
  /** Schedule length (Infinity for an open-ended constant rate). */
  readonly totalMs: number;
  readonly stage: number;
  readonly stageCount: number;
  readonly targetRatePerSec: number;
  /** Sends per second over the last 5 s. */
  readonly achievedRatePerSec: number;
  readonly inFlight: number;
  readonly sent: number;
  readonly succeeded: number;
  /** Failed requests, cancelled and dropped excluded. */
  readonly failed: number;
  readonly dropped: number;
  /** Median TTFT of the last 256 successes; NaN before the first. */
  readonly p50TtftMs: number;
}

/** The outcome of a run. */
export interface RunResult {
  /** One record per planned request that came due, by plan index. */
  readonly records: readonly RequestRecord[];
  /** How far into the schedule sending got (the schedule length unless stopped early). */
  readonly windowMs: number;
  readonly interrupted: boolean;
}

/** A run in progress. */
export interface LoadRun {
  readonly done: Promise<RunResult>;
  snapshot(): LiveSnapshot;
  /** Stops sending and cancels in-flight requests; `done` then resolves promptly. */
  stop(): void;
}

/** Longest stretch (ms) the send loop runs without yielding to I/O when it is behind. */
const MAX_BUSY_MS = 5;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function toRecord(
  a: Arrival,
  m: Measurement,
  plan: { startMs: number; promptTokens: number; maxTokens: number },
): RequestRecord {
  const sentAtMs = m.sentAtMs - plan.startMs;
  const ttft = m.firstTokenAtMs === null ? null : m.firstTokenAtMs - m.sentAtMs;
  const e2e = m.ok ? m.doneAtMs - m.sentAtMs : null;
  const out = m.usageCompletionTokens ?? m.contentChunks;
  const tpot = m.ok && ttft !== null && e2e !== null && out >= 2 ? (e2e - ttft) / (out - 1) : null;
  return {
    index: a.index,
    stage: a.stage,
    scheduledAtMs: round3(a.atMs),
    sentAtMs: round3(sentAtMs),
    lagMs: round3(sentAtMs - a.atMs),
    doneAtMs: round3(m.doneAtMs - plan.startMs),
    promptTokens: m.usagePromptTokens ?? plan.promptTokens,
    maxTokens: plan.maxTokens,
    outputTokens: out,
    status: m.status,
    ok: m.ok,
    errorClass: m.errorClass,
    ...(m.error !== undefined ? { error: m.error } : {}),
    ttftMs: ttft === null ? null : round3(ttft),
    itlMs: m.itlMs.map(round3),
    tpotMs: tpot === null ? null : round3(tpot),
    e2eMs: e2e === null ? null : round3(e2e),
  };
}

function droppedRecord(a: Arrival, promptTokens: number, maxTokens: number): RequestRecord {
  return {
    index: a.index,
    stage: a.stage,
    scheduledAtMs: round3(a.atMs),
    sentAtMs: null,
    lagMs: null,
    doneAtMs: null,
    promptTokens,
    maxTokens,
    outputTokens: 0,
    status: 0,
    ok: false,
    errorClass: "dropped",
    error: "concurrency cap full",
    ttftMs: null,
    itlMs: [],
    tpotMs: null,
    e2eMs: null,
  };
}

/**
 * Starts a run. The returned {@linkcode LoadRun.done} never rejects for request failures; they
 * are records.
 */
export function startLoadRun(options: RunOptions, deps: RunDeps = {}): LoadRun {
  const clock = deps.clock ?? monotonicClock;
  const rng = createRng(options.seed);
  const arrivalRng = rng.fork();
  const lengthRng = rng.fork();
  const totalMs = scheduleDurationMs(options.stages);
  const endpoint = options.url + apiPath(options.api);
  const stopCtl = new AbortController();
  const cancelCtl = new AbortController();
  const records: RequestRecord[] = [];
  const pending = new Set<Promise<void>>();
  const sendRate = new WindowRate();
  const ttfts = new RecentValues();
  const counts = { sent: 0, succeeded: 0, failed: 0, dropped: 0 };
  let phase: LiveSnapshot["phase"] = "running";
  let stoppedAtMs: number | null = null;
  let onIdle: (() => void) | undefined;
  const startMs = clock.nowMs();

  function finish(record: RequestRecord): void {
    records.push(record);
    if (record.ok) {
      counts.succeeded++;
      if (record.ttftMs !== null) ttfts.add(record.ttftMs);
    } else if (record.errorClass === "dropped") counts.dropped++;
    else if (record.errorClass !== "cancelled") counts.failed++;
    deps.onRecord?.(record);
  }

  function launch(a: Arrival): void {
    const promptTokens = sampleLength(options.promptTokens, lengthRng);
    const maxTokens = sampleLength(options.outputTokens, lengthRng);
    if (options.maxConcurrency !== undefined && pending.size >= options.maxConcurrency) {
      finish(droppedRecord(a, promptTokens, maxTokens));
      return;
    }
    const body = buildRequestBody({
      api: options.api,
      model: options.model,
      promptTokens,
      maxTokens,
      stream: options.stream,
      variant: a.index,
    });
    counts.sent++;
    sendRate.add(clock.nowMs() - startMs);
    const p = sendRequest(
      {
        url: endpoint,
        headers: options.headers,
        body: JSON.stringify(body),
        stream: options.stream,
      },
      {
        clock,
        timeoutMs: options.timeoutMs,
        cancel: cancelCtl.signal,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      },
    ).then((m) => {
      pending.delete(p);
      finish(toRecord(a, m, { startMs, promptTokens, maxTokens }));
      if (pending.size === 0) onIdle?.();
    });
    pending.add(p);
  }

  let lastYieldMs = startMs;
  /** Sleeps until `atMs`; when running behind, still yields to I/O every few ms. */
  async function sleepUntil(atMs: number): Promise<void> {
    const now = clock.nowMs();
    const wait = startMs + atMs - now;
    if (wait <= 0.5 && now - lastYieldMs < MAX_BUSY_MS) return;
    await clock.sleep(Math.max(0, wait), stopCtl.signal).catch(() => {});
    lastYieldMs = clock.nowMs();
  }

  async function drain(): Promise<void> {
    if (pending.size === 0 || stopCtl.signal.aborted) return;
    const idleCtl = new AbortController();
    const idle = new Promise<void>((resolve) => (onIdle = resolve));
    const signal = AbortSignal.any([stopCtl.signal, idleCtl.signal]);
    const cutoff = clock.sleep(options.drainMs, signal).catch(() => {});
    await Promise.race([idle, cutoff]);
    idleCtl.abort();
  }

  async function run(): Promise<RunResult> {
    const plan = { process: options.arrival, cv: options.cv, rng: arrivalRng };
    for (const a of arrivals(options.stages, plan)) {
      await sleepUntil(a.atMs);
      if (stopCtl.signal.aborted) break;
      launch(a);
    }
    if (!stopCtl.signal.aborted && Number.isFinite(totalMs)) await sleepUntil(totalMs);
    phase = "draining";
    await drain();
    cancelCtl.abort();
    await Promise.all(pending);
    phase = "done";
    records.sort((x, y) => x.index - y.index);
    const windowMs = Math.min(totalMs, stoppedAtMs ?? totalMs);
    return { records, windowMs, interrupted: stoppedAtMs !== null };
  }

  return {
    done: run(),
    stop(): void {
      if (stopCtl.signal.aborted) return;
      stoppedAtMs = clock.nowMs() - startMs;
      stopCtl.abort();
      cancelCtl.abort();
    },
    snapshot(): LiveSnapshot {
      const elapsedMs = clock.nowMs() - startMs;
      return {
        phase,
        elapsedMs,
        totalMs,
        stage: stageIndexAt(options.stages, elapsedMs),
        stageCount: options.stages.length,
        targetRatePerSec: targetRateAt(options.stages, elapsedMs),
        achievedRatePerSec: sendRate.ratePerSec(elapsedMs),
        inFlight: pending.size,
        sent: counts.sent,
        succeeded: counts.succeeded,
        failed: counts.failed,
        dropped: counts.dropped,
        p50TtftMs: ttfts.median(),
      };
    },
  };
}
