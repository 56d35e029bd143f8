/**
 * Writing one request's outcome into the records: a success with its latencies, or a failure
 * class. Each request gets exactly one outcome; later calls for it are ignored.
 *
 * @module
 */
import type { SequenceTiming } from "../../../../emulator/engine/types.ts";
import { OK, type Pod, QUEUED, RUNNING, type World } from "./types.ts";

/** True while the request has no outcome yet. */
export function unresolved(w: World, req: number): boolean {
  const s = w.records.status[req]!;
  return s <= RUNNING;
}

/** Bytes a queued prompt counts for in the gateway's `queue_bytes` (4 per token). */
export const BYTES_PER_TOKEN = 4;

/** Takes a request that leaves the gateway queue off the model's counts. */
export function unqueue(w: World, req: number): void {
  const model = w.models[w.plan.model[req]!]!;
  model.queued--;
  model.queuedBytes -= BYTES_PER_TOKEN * w.plan.promptTokens[req]!;
}

/** Records a failure (`ERROR`, `RATE_LIMITED`, `TIMEOUT` or `SHED`) at now. */
export function fail(w: World, req: number, code: number): void {
  if (!unresolved(w, req)) return;
  const r = w.records;
  if (r.status[req] === QUEUED) unqueue(w, req);
  r.status[req] = code;
  r.e2eMs[req] = w.nowMs - w.plan.atMs[req]!;
}

/** Records a success from the engine's timing of the sequence (times on the virtual clock). */
export function succeed(w: World, req: number, pod: Pod, timing: SequenceTiming): void {
  if (!unresolved(w, req)) return;
  const r = w.records;
  const arrival = w.plan.atMs[req]!;
  r.status[req] = OK;
  r.ttftMs[req] = timing.firstTokenMs - arrival;
  r.e2eMs[req] = timing.finishedMs - arrival;
  const gaps = timing.generatedTokens - 1;
  r.itlMs[req] = gaps > 0 ? (timing.lastTokenMs - timing.firstTokenMs) / gaps : NaN;
  r.variantOf[req] = pod.variant.index;
  const c = pod.counters;
  c.success++;
  c.promptTokens += timing.promptTokens;
  c.generationTokens += timing.generatedTokens;
  c.ttftSumSec += (timing.firstTokenMs - timing.arrivalMs) / 1000;
  c.ttftCount++;
  if (gaps > 0) {
    c.itlSumSec += (timing.lastTokenMs - timing.firstTokenMs) / 1000;
    c.itlCount += gaps;
  }
}
