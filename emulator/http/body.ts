/**
 * Reading a JSON request body safely: at most `maxBytes` (413 as soon as more arrives, whether
 * the length was declared or not), within `timeoutMs` (408 for a client that trickles its body),
 * strict UTF-8 (400 for invalid bytes), and a JSON object at the top (400 otherwise).
 *
 * @module
 */
import type { DeadlineHandle } from "../deadline_queue.ts";
import { HttpProblem } from "./errors.ts";

const DECODER = new TextDecoder("utf-8", { fatal: true });

/** Limits of one body read. */
export interface BodyLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** A shared timer for body timeouts (every entry waits `timeoutMs`). */
  readonly timer: { hold(delayMs: number, fn: () => void): DeadlineHandle };
}

/**
 * The body's bytes, at most `maxBytes`. A chunked body is read chunk by chunk and each chunk is
 * copied: a chunk is a view into a 64 KiB read buffer, so keeping views would let a client that
 * sends one byte at a time pin 64 KiB per byte. `stop()` ends the read (timeout).
 */
async function readBytes(
  req: Request,
  maxBytes: number,
  stop: { cancel?: () => void },
): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > maxBytes) {
      throw new HttpProblem(
        413,
        `Request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes.`,
      );
    }
    return new Uint8Array(await req.arrayBuffer());
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  stop.cancel = () => void reader.cancel().catch(() => {});
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new HttpProblem(413, `Request body exceeds the limit of ${maxBytes} bytes.`);
    }
    chunks.push(value.slice());
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Resolves after a few microtask turns (a body Deno already holds is read by then). */
function soon(): Promise<typeof PENDING> {
  let p: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < 12; i++) p = p.then();
  return p.then(() => PENDING);
}
const PENDING = Symbol("pending");

/**
 * Reads the body within the limits. A body that has already arrived (the usual case: a small
 * request comes in one packet with its headers) needs no timer; only a read still pending after
 * a few microtask turns is raced against the timeout.
 */
async function readLimited(req: Request, limits: BodyLimits): Promise<Uint8Array> {
  const stop: { cancel?: () => void } = {};
  const reading = readBytes(req, limits.maxBytes, stop);
  reading.catch(() => {}); // a read abandoned at the timeout may fail later
  const first = await Promise.race([reading, soon()]);
  if (first !== PENDING) return first;
  let expire!: (err: HttpProblem) => void;
  const expired = new Promise<never>((_, reject) => expire = reject);
  const hold = limits.timer.hold(limits.timeoutMs, () => {
    stop.cancel?.();
    expire(
      new HttpProblem(408, `Request body not received within ${limits.timeoutMs / 1000} s.`),
    );
  });
  try {
    return await Promise.race([reading, expired]);
  } finally {
    hold.cancel();
    expired.catch(() => {});
  }
}

/** The body parsed as a JSON object. @throws {HttpProblem} 400, 408 or 413. */
export async function readJsonBody(
  req: Request,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const bytes = await readLimited(req, limits);
  if (bytes.length > limits.maxBytes) {
    throw new HttpProblem(413, `Request body exceeds the limit of ${limits.maxBytes} bytes.`);
  }
  let text: string;
  try {
    text = DECODER.decode(bytes);
  } catch {
    throw new HttpProblem(400, "Request body is not valid UTF-8.");
  }
  if (text.trim() === "") {
    throw new HttpProblem(400, "Request body is empty; expected a JSON object.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new HttpProblem(400, `Request body is not valid JSON: ${why}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpProblem(400, "Request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
