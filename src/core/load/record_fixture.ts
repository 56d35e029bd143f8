/**
 * A ready-made successful {@linkcode RequestRecord} for tests of the summary, timeline, report
 * and goodput code; override the fields a case is about.
 *
 * @module
 */
import type { RequestRecord } from "./record.ts";

/** A successful 3-token record (TTFT 40 ms, gaps 30 ms, E2E 100 ms) with `fields` applied. */
export function okRecord(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    index: 0,
    stage: 0,
    scheduledAtMs: 0,
    sentAtMs: 0,
    lagMs: 0,
    doneAtMs: 100,
    promptTokens: 10,
    maxTokens: 3,
    outputTokens: 3,
    status: 200,
    ok: true,
    errorClass: null,
    ttftMs: 40,
    itlMs: [30, 30],
    tpotMs: 30,
    e2eMs: 100,
    ...fields,
  };
}
