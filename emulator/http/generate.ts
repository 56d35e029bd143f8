/**
 * The handler behind `/v1/chat/completions`, `/v1/completions` and `/v1/responses`: lifecycle
 * checks, body parsing, validation, planning, failure injection, then either a streaming or a
 * collected response. Every problem found before the first byte is a real HTTP status with an
 * OpenAI-shaped error body (never a 200 stream carrying an error).
 *
 * @module
 */
import type { z } from "zod";
import type { EmulatorCore, SequenceRequest } from "../core.ts";
import type { SequenceSink } from "../sink_outbox.ts";
import { type BodyLimits, readJsonBody } from "./body.ts";
import { ResponseCollector } from "./collector.ts";
import { errorResponse, HttpProblem } from "./errors.ts";
import { decideFailure, FAILURE_HEADER, injectedError } from "./failure.ts";
import { planChat, planCompletion, type PlanContext, type RequestPlan } from "./plan.ts";
import { renderBody } from "./render.ts";
import { planResponses, type ResponsesEcho, ResponsesRequestSchema } from "./responses_plan.ts";
import { renderResponsesBody, ResponsesSseWriter } from "./responses_render.ts";
import { ChatRequestSchema, CompletionRequestSchema, describeIssues } from "./schemas.ts";
import { SSE_HEADERS, SseWriter } from "./sse_writer.ts";

/** Which endpoint is being served. */
export type GenerateKind = "chat" | "completion" | "responses";

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
    const { plan, echo } = planRequest(core, kind, raw);
    const failure = decideFailure(core.settings.failure, req.headers.get(FAILURE_HEADER), core.rng);
    if (failure !== null) core.metrics.observeInjectedFailure(failure);
    if (failure !== null && failure !== "stall") {
      const e = injectedError(failure, core.config.model);
      return errorResponse(e.status, e.message);
    }
    const stallMs = failure === "stall" ? core.settings.failure.stallMs : 0;
    return respond(core, plan, { stallMs, echo });
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
  return core.bodyLimits;
}

function planRequest(
  core: EmulatorCore,
  kind: GenerateKind,
  raw: unknown,
): { plan: RequestPlan; echo?: ResponsesEcho } {
  const ctx = planContext(core);
  if (kind === "chat") return { plan: planChat(parseBody(ChatRequestSchema, raw), ctx) };
  if (kind === "completion") {
    return { plan: planCompletion(parseBody(CompletionRequestSchema, raw), ctx) };
  }
  return planResponses(parseBody(ResponsesRequestSchema, raw), ctx);
}

/** Validates a body; a problem is a 400 naming the field and the value. */
export function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const { message, param } = describeIssues(parsed.error, raw);
  throw new HttpProblem(400, `Invalid request: ${message}`, param);
}

function sequencesOf(plan: RequestPlan, stallMs: number): SequenceRequest[] {
  return plan.choices.map((c) => ({
    promptTokens: c.promptTokens,
    outputTokens: c.outputTokens,
    finishReason: c.finishReason,
    ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
    ...(stallMs > 0 ? { stallMs } : {}),
    ...(c.promptIds ? { promptIds: c.promptIds } : {}),
    ...(plan.lora ? { lora: plan.lora } : {}),
    ...(plan.kvTransfer?.doRemotePrefill ? { remotePrefill: true } : {}),
  }));
}

type Target = SseWriter | ResponsesSseWriter | ResponseCollector;

function targetFor(core: EmulatorCore, plan: RequestPlan, echo: ResponsesEcho | undefined): Target {
  const created = Math.floor(core.clock.nowMs() / 1000);
  const model = plan.lora ?? core.config.model;
  if (plan.kind === "responses") {
    const who = {
      id: `resp_${hex(core)}`,
      created,
      model,
      itemId: `${plan.choices[0]!.toolCalls ? "fc" : "msg"}_${hex(core)}`,
    };
    if (plan.stream) return new ResponsesSseWriter(plan, echo!, who);
    return new ResponseCollector(
      plan,
      (done) => renderResponsesBody(plan, echo!, who, done, done[0]?.cached ?? 0),
    );
  }
  const who = { id: `${plan.kind === "chat" ? "chatcmpl" : "cmpl"}-${hex(core)}`, created, model };
  if (plan.stream) return new SseWriter(plan, who);
  const blockSize = core.config.blockSize;
  return new ResponseCollector(plan, (done) => renderBody(plan, who, done, blockSize));
}

function respond(
  core: EmulatorCore,
  plan: RequestPlan,
  o: { readonly stallMs: number; readonly echo: ResponsesEcho | undefined },
): Response | Promise<Response> {
  const target = targetFor(core, plan, o.echo);
  const sinks: SequenceSink[] = plan.choices.map((c) => target.sinkFor(c));
  const ids = core.submit(sequencesOf(plan, o.stallMs), sinks);
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
  target.start(core.wallDelayMs(core.config.responseHoldMs), core);
  return target.response;
}

function hex(core: EmulatorCore): string {
  const a = Math.floor(core.rng.next() * 2 ** 32).toString(16).padStart(8, "0");
  const b = Math.floor(core.rng.next() * 2 ** 32).toString(16).padStart(8, "0");
  return a + b;
}
