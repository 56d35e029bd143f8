/**
 * The load generator's settings, as one zod schema: the single source of truth for defaults,
 * for the CLI (which turns flags into this shape) and for library callers such as `wva demo`.
 *
 * @module
 */
import { z } from "zod";
import { ArrivalProcessSchema } from "./arrivals.ts";
import { LengthDistSchema } from "./lengths.ts";
import { ApiKindSchema } from "./request_body.ts";
import { StageSchema } from "./schedule.ts";
import { SloSchema } from "./slo.ts";

/** An http(s) URL whose path ends in `/v1` (trailing slash allowed), e.g. `http://host:8000/v1`. */
export const BaseUrlSchema = z.string().refine((text) => {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && /\/v1\/?$/.test(u.pathname);
  } catch {
    return false;
  }
}, { message: "must be an http(s) URL ending in /v1, e.g. http://localhost:8000/v1" })
  .transform((text) => text.replace(/\/+$/, ""));

/** Every setting of a load run; defaults are applied by parsing. */
export const LoadgenOptionsSchema = z.object({
  /** API base URL ending in /v1. */
  url: BaseUrlSchema,
  /** Model name; when absent the runner asks `GET {url}/models` and uses the first. */
  model: z.string().min(1).optional(),
  api: ApiKindSchema.default("chat"),
  stages: z.array(StageSchema).min(1).readonly(),
  arrival: ArrivalProcessSchema.default("poisson"),
  /** Coefficient of variation of the gaps for `gamma` arrivals. */
  cv: z.number().positive().finite().default(1),
  seed: z.number().int().default(0),
  promptTokens: LengthDistSchema.default({ kind: "fixed", tokens: 128 }),
  outputTokens: LengthDistSchema.default({ kind: "fixed", tokens: 128 }),
  stream: z.boolean().default(true),
  /** Per-request limit from send to last byte. */
  timeoutMs: z.number().positive().finite().default(60_000),
  /** After the last planned send, how long in-flight requests may still finish. */
  drainMs: z.number().nonnegative().finite().default(30_000),
  /** Extra HTTP headers (e.g. Authorization). */
  headers: z.record(z.string(), z.string()).default({}),
  slo: SloSchema.default({}),
  /** At most this many requests in flight; a send that finds the cap full is dropped and counted. */
  maxConcurrency: z.number().int().positive().optional(),
});

/** Parsed, defaulted settings of a load run. */
export type LoadgenOptions = z.infer<typeof LoadgenOptionsSchema>;

/** Settings as a caller writes them (defaults may be omitted). */
export type LoadgenInput = z.input<typeof LoadgenOptionsSchema>;
