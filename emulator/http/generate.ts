/**
 * The handler behind `/v1/chat/completions` and `/v1/completions`: lifecycle checks, body
 * parsing, validation, planning, failure injection, then either a streaming or a collected
 * response. Every problem found before the first byte is a real HTTP status with an
 * OpenAI-shaped error body (never a 200 stream carrying an error).
 *
 * @module
 */
import type { EmulatorCore, SequenceRequest } from "../core.ts";
import type { SequenceSink } from "../sink_outbox.ts";
import { errorResponse, HttpProblem } from "./errors.ts";
import { decideFailure, FAILURE_HEADER, injectedError } from "./failure.ts";
import { planChat, planCompletion, type PlanContext, type RequestPlan } from "./plan.ts";
import type { z } from "zod";
import { ChatRequestSchema, CompletionRequestSchema, describeIssues } from "./schemas.ts";
import { type BodyLimits, readJsonBody } from "./body.ts";
import { SSE_HEADERS, SseWriter } from "./sse_writer.ts";
import { ResponseCollector } from "./collector.ts";
import { renderBody } from "./render.ts";

/** Which endpoint is being served. */
export type GenerateKind = "chat" | "completion";

/** Handles one generation request. */
export async function handleGenerate(
  core: EmulatorCore,
  kind: GenerateKind,
  req: Request,
): Promise<Response> {
  try {
    if (core.draining) {
      throw new HttpProblem(503, "The server is shutting down; retry on another replica.");
    }
    if (!core.ready) throw new HttpProblem(503, "The model is still loading; retry shortly.");
    const raw = await readJsonBody(req, bodyLimits(core));
    const plan = planRequest(core, kind, raw);
    const failure = decideFailure(core.settings.failure, req.headers.get(FAILURE_HEADER), core.rng);
    if (failure !== null) core.metrics.observeInjectedFailure(failure);
    if (failure !== null && failure !== "stall") {
      const e = injectedError(failure, core.config.model);
      return errorResponse(e.status, e.message);
    }
    const stallMs = failure === "stall" ? core.settings.failure.stallMs : 0;
    return respond(core, plan, stallMs);
  } catch (err) {
    if (err instanceof HttpProblem) {
      core.logger.debug("emulator-request-refused", { status: err.status, reason: err.message });
      return errorResponse(err.status, err.message, { param: err.param });
    }
    throw err;
  }
}

/** What planning needs from the server. */
export function planContext(core: EmulatorCore): PlanContext {
  return {
    config: core.config,
    settings: core.settings,
    rng: core.rng,
    models: (name) => core.models.resolve(name),
  };
}

/** Body limits of the server (size, time, shared timer). */
export function bodyLimits(core: EmulatorCore): BodyLimits {
  return { maxBytes: core.config.maxBodyBytes, timeoutMs: core.config.bodyTimeoutMs, timer: core };
}

function planRequest(core: EmulatorCore, kind: GenerateKind, raw: unknown): RequestPlan {
  const ctx = planContext(core);
  if (kind === "chat") return planChat(parseBody(ChatRequestSchema, raw), ctx);
  return planCompletion(parseBody(CompletionRequestSchema, raw), ctx);
}

/** Validates a body; a problem is a 400 naming the field and the value. */
export function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const { message, param } = describeIssues(parsed.error, raw);
  throw new HttpProblem(400, `Invalid request: ${message}`, param);
}

function respond(
  core: EmulatorCore,
  plan: RequestPlan,
  stallMs: number,
): Response | Promise<Response> {
  const who = {
    id: `${plan.kind === "chat" ? "chatcmpl" : "cmpl"}-${hex(core)}`,
    created: Math.floor(core.clock.nowMs() / 1000),
    model: core.config.model,
  };
  const seqs: SequenceRequest[] = plan.choices.map((c) => ({
    promptTokens: c.promptTokens,
    outputTokens: c.outputTokens,
    finishReason: c.finishReason,
    ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
    ...(stallMs > 0 ? { stallMs } : {}),
  }));
  const blockSize = core.config.blockSize;
  const target = plan.stream
    ? new SseWriter(plan, who)
    : new ResponseCollector(plan, (done) => renderBody(plan, who, done, blockSize));
  const sinks: SequenceSink[] = plan.choices.map((c) => target.sinkFor(c));
  const ids = core.submit(seqs, sinks);
  if (ids === "too_large") {
    return errorResponse(400, "The request needs more KV cache blocks than this server has.");
  }
  if (ids === "queue_full") {
    return errorResponse(
      429,
      `The waiting queue is full (${core.settings.maxWaitingQueue} requests); retry later.`,
    );
  }
  target.onCancel = () => core.abort(ids);
  if (!(target instanceof ResponseCollector)) {
    return new Response(target.body, { status: 200, headers: SSE_HEADERS });
  }
  target.start(core.config.responseHoldMs, core);
  return target.response;
}

function hex(core: EmulatorCore): string {
  const a = Math.floor(core.rng.next() * 2 ** 32).toString(16).padStart(8, "0");
  const b = Math.floor(core.rng.next() * 2 ** 32).toString(16).padStart(8, "0");
  return a + b;
}
