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
import { createRng, type Rng } from "../../core/util/rng.ts";
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
  /** Paces sends and times responses (sub-ms readings matter for lag). @default monotonicClock */
  readonly clock?: Clock;
  /** The HTTP client (tests inject one). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Called as each request finishes (or is dropped). */
  readonly onRecord?: (record: RequestRecord) => void;
}

/** What the live view shows; times in ms since the run start. */
export interface LiveSnapshot {
  /** `running`: sending on schedule; `draining`: waiting for in-flight requests. */
  readonly phase: "running" | "draining" | "done";
  readonly elapsedMs: number;
  /** Schedule length (Infinity for an open-ended constant rate). */
  readonly totalMs: number;
  /** Index of the schedule stage now (0-based). */
  readonly stage: number;
  readonly stageCount: number;
  /** The schedule's rate now, requests per second. */
  readonly targetRatePerSec: number;
  /** Sends per second over the last 5 s. */
  readonly achievedRatePerSec: number;
  /** Requests sent and not finished. */
  readonly inFlight: number;
  /** Requests sent so far (dropped ones excluded). */
  readonly sent: number;
  readonly succeeded: number;
  /** Failed requests, cancelled and dropped excluded. */
  readonly failed: number;
  /** Sends skipped because `maxConcurrency` requests were in flight. */
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
  /** `stop()` ended the run before the schedule did. */
  readonly interrupted: boolean;
}

/** A run in progress. */
export interface LoadRun {
  /** Resolves after the drain with every record; never rejects for request failures. */
  readonly done: Promise<RunResult>;
  /** Live figures for a progress view; cheap, call it as often as you redraw. */
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
 * Everything a run holds while it sends: the settings, the seeded RNG streams, the abort
 * controllers (stop sending; cancel in-flight), the records and requests in flight, and the
 * live counters behind {@linkcode LoadRun.snapshot}. Times in ms on `clock`.
 */
interface RunState {
  readonly options: RunOptions;
  readonly deps: RunDeps;
  readonly clock: Clock;
  readonly arrivalRng: Rng;
  readonly lengthRng: Rng;
  /** Schedule length (Infinity for an open-ended constant rate). */
  readonly totalMs: number;
  readonly endpoint: string;
  /** Aborted by `stop()`: no more sends, no drain wait. */
  readonly stopCtl: AbortController;
  /** Aborted after the drain (or by `stop()`): in-flight requests are cancelled. */
  readonly cancelCtl: AbortController;
  readonly records: RequestRecord[];
  readonly pending: Set<Promise<void>>;
  readonly sendRate: WindowRate;
  readonly ttfts: RecentValues;
  readonly counts: { sent: number; succeeded: number; failed: number; dropped: number };
  phase: LiveSnapshot["phase"];
  /** When `stop()` was called, ms since the start; null while not stopped. */
  stoppedAtMs: number | null;
  /** Called when the last in-flight request finishes (set while draining). */
  onIdle: (() => void) | undefined;
  readonly startMs: number;
  /** When the send loop last yielded to I/O. */
  lastYieldMs: number;
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
  const startMs = clock.nowMs();
  const s: RunState = {
    options,
    deps,
    clock,
    arrivalRng,
    lengthRng,
    totalMs: scheduleDurationMs(options.stages),
    endpoint: options.url + apiPath(options.api),
    stopCtl: new AbortController(),
    cancelCtl: new AbortController(),
    records: [],
    pending: new Set(),
    sendRate: new WindowRate(),
    ttfts: new RecentValues(),
    counts: { sent: 0, succeeded: 0, failed: 0, dropped: 0 },
    phase: "running",
    stoppedAtMs: null,
    onIdle: undefined,
    startMs,
    lastYieldMs: startMs,
  };
  return { done: run(s), stop: () => stop(s), snapshot: () => snapshot(s) };
}

/** Keeps a finished (or dropped) request's record and counts it. */
function finish(s: RunState, record: RequestRecord): void {
  s.records.push(record);
  if (record.ok) {
    s.counts.succeeded++;
    if (record.ttftMs !== null) s.ttfts.add(record.ttftMs);
  } else if (record.errorClass === "dropped") s.counts.dropped++;
  else if (record.errorClass !== "cancelled") s.counts.failed++;
  s.deps.onRecord?.(record);
}

/** Sends one planned request (or drops it when the concurrency cap is full). */
function launch(s: RunState, a: Arrival): void {
  const { options, clock } = s;
  const promptTokens = sampleLength(options.promptTokens, s.lengthRng);
  const maxTokens = sampleLength(options.outputTokens, s.lengthRng);
  if (options.maxConcurrency !== undefined && s.pending.size >= options.maxConcurrency) {
    finish(s, droppedRecord(a, promptTokens, maxTokens));
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
  s.counts.sent++;
  s.sendRate.add(clock.nowMs() - s.startMs);
  const p = sendRequest(
    {
      url: s.endpoint,
      headers: options.headers,
      body: JSON.stringify(body),
      stream: options.stream,
    },
    {
      clock,
      timeoutMs: options.timeoutMs,
      cancel: s.cancelCtl.signal,
      ...(s.deps.fetch ? { fetch: s.deps.fetch } : {}),
    },
  ).then((m) => {
    s.pending.delete(p);
    finish(s, toRecord(a, m, { startMs: s.startMs, promptTokens, maxTokens }));
    if (s.pending.size === 0) s.onIdle?.();
  });
  s.pending.add(p);
}

/** Sleeps until `atMs` (since the start); when running behind, still yields to I/O every few ms. */
async function sleepUntil(s: RunState, atMs: number): Promise<void> {
  const now = s.clock.nowMs();
  const wait = s.startMs + atMs - now;
  if (wait <= 0.5 && now - s.lastYieldMs < MAX_BUSY_MS) return;
  await s.clock.sleep(Math.max(0, wait), s.stopCtl.signal).catch(() => {});
  s.lastYieldMs = s.clock.nowMs();
}

/** Waits up to `drainMs` for the requests in flight (not at all once stopped). */
async function drain(s: RunState): Promise<void> {
  if (s.pending.size === 0 || s.stopCtl.signal.aborted) return;
  const idleCtl = new AbortController();
  const idle = new Promise<void>((resolve) => (s.onIdle = resolve));
  const signal = AbortSignal.any([s.stopCtl.signal, idleCtl.signal]);
  const cutoff = s.clock.sleep(s.options.drainMs, signal).catch(() => {});
  await Promise.race([idle, cutoff]);
  idleCtl.abort();
}

/** The send loop, then the drain, the cancel and the result. */
async function run(s: RunState): Promise<RunResult> {
  const { options, totalMs } = s;
  const plan = { process: options.arrival, cv: options.cv, rng: s.arrivalRng };
  for (const a of arrivals(options.stages, plan)) {
    await sleepUntil(s, a.atMs);
    if (s.stopCtl.signal.aborted) break;
    launch(s, a);
  }
  if (!s.stopCtl.signal.aborted && Number.isFinite(totalMs)) await sleepUntil(s, totalMs);
  s.phase = "draining";
  await drain(s);
  s.cancelCtl.abort();
  await Promise.all(s.pending);
  s.phase = "done";
  s.records.sort((x, y) => x.index - y.index);
  const windowMs = Math.min(totalMs, s.stoppedAtMs ?? totalMs);
  return { records: s.records, windowMs, interrupted: s.stoppedAtMs !== null };
}

/** Stops sending and cancels in-flight requests (idempotent). */
function stop(s: RunState): void {
  if (s.stopCtl.signal.aborted) return;
  s.stoppedAtMs = s.clock.nowMs() - s.startMs;
  s.stopCtl.abort();
  s.cancelCtl.abort();
}

/** The live view's figures now. */
function snapshot(s: RunState): LiveSnapshot {
  const { options } = s;
  const elapsedMs = s.clock.nowMs() - s.startMs;
  return {
    phase: s.phase,
    elapsedMs,
    totalMs: s.totalMs,
    stage: stageIndexAt(options.stages, elapsedMs),
    stageCount: options.stages.length,
    targetRatePerSec: targetRateAt(options.stages, elapsedMs),
    achievedRatePerSec: s.sendRate.ratePerSec(elapsedMs),
    inFlight: s.pending.size,
    sent: s.counts.sent,
    succeeded: s.counts.succeeded,
    failed: s.counts.failed,
    dropped: s.counts.dropped,
    p50TtftMs: s.ttfts.median(),
  };
}
