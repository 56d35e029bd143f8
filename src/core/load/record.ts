/**
 * What the load generator records for each request: one {@linkcode RequestRecord} per planned
 * request, whether it succeeded, failed, was cancelled or was dropped by the concurrency cap.
 * `requests.jsonl` holds these objects, one per line.
 *
 * @module
 */

/**
 * Why a request did not succeed:
 * - `rate_limited`: HTTP 429; `client_error`: other 4xx; `server_error`: 5xx;
 * - `timeout`: no complete answer within `--timeout`;
 * - `connection`: refused, reset or unreachable before an HTTP status arrived;
 * - `stream`: the SSE stream broke, carried an error event or ended without `[DONE]`;
 * - `cancelled`: stopped by Ctrl-C or cut off when the drain period after the schedule ended;
 * - `dropped`: never sent because `--max-concurrency` requests were already in flight.
 */
export type ErrorClass =
  | "rate_limited"
  | "client_error"
  | "server_error"
  | "timeout"
  | "connection"
  | "stream"
  | "cancelled"
  | "dropped";

/** Every error class, in report order. */
export const ERROR_CLASSES: readonly ErrorClass[] = [
  "rate_limited",
  "client_error",
  "server_error",
  "timeout",
  "connection",
  "stream",
  "cancelled",
  "dropped",
];

/** Maps an HTTP status (≥ 400) to its error class. */
export function errorClassForStatus(status: number): ErrorClass {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "client_error";
}

/**
 * One request as measured. Times are ms offsets from the run start (`…AtMs`) or durations
 * (`…Ms`); `null` where a value does not exist (no first token, a failed request).
 */
export interface RequestRecord {
  /** Sequence number in the plan. */
  readonly index: number;
  /** Stage the planned send time falls in. */
  readonly stage: number;
  /** Planned send time. */
  readonly scheduledAtMs: number;
  /** Actual send time (`null` when dropped). */
  readonly sentAtMs: number | null;
  /** `sentAtMs − scheduledAtMs`: how late the load generator was. */
  readonly lagMs: number | null;
  /** When the response ended (success or error). */
  readonly doneAtMs: number | null;
  /** Prompt tokens: the server's `usage.prompt_tokens` when reported, else the planned count. */
  readonly promptTokens: number;
  /** Output tokens asked for (`max_tokens`). */
  readonly maxTokens: number;
  /** Output tokens received: `usage.completion_tokens` when reported, else content chunks. */
  readonly outputTokens: number;
  /** HTTP status; 0 when none arrived. */
  readonly status: number;
  /** True when the answer completed with a 2xx status. */
  readonly ok: boolean;
  /** Why it failed; `null` on success. */
  readonly errorClass: ErrorClass | null;
  /** One-line detail for a failure. */
  readonly error?: string;
  /** Time to the first content token (streaming) or to the whole answer (non-streaming). */
  readonly ttftMs: number | null;
  /** Every gap between consecutive content chunks, in arrival order. */
  readonly itlMs: readonly number[];
  /** (e2e − ttft) / (outputTokens − 1); `null` with fewer than 2 output tokens. */
  readonly tpotMs: number | null;
  /** Send to last byte. */
  readonly e2eMs: number | null;
}

/** Mean of a record's inter-token gaps, or `null` without gaps. */
export function meanItlMs(record: RequestRecord): number | null {
  const n = record.itlMs.length;
  if (n === 0) return null;
  let s = 0;
  for (const g of record.itlMs) s += g;
  return s / n;
}

/** Largest inter-token gap of a record, or `null` without gaps. */
export function maxItlMs(record: RequestRecord): number | null {
  if (record.itlMs.length === 0) return null;
  let m = -Infinity;
  for (const g of record.itlMs) if (g > m) m = g;
  return m;
}
