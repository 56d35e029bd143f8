/**
 * `/openapi.json`: an OpenAPI 3.1 document generated from the zod schemas the server validates
 * requests with (emulator/http/schemas.ts and friends) and answers with
 * (emulator/http/response_schemas.ts), so standard API tooling works against the emulator.
 *
 * @module
 */
import { z } from "zod";
import { AdminPatchSchema } from "../config.ts";
import { ResponsesRequestSchema } from "./responses_plan.ts";
import * as R from "./response_schemas.ts";
import { ChatRequestSchema, CompletionRequestSchema } from "./schemas.ts";
import { DetokenizeRequestSchema, TokenizeRequestSchema } from "./tokenize.ts";

const COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  ChatCompletionRequest: ChatRequestSchema,
  CompletionRequest: CompletionRequestSchema,
  ResponsesRequest: ResponsesRequestSchema,
  TokenizeRequest: TokenizeRequestSchema,
  DetokenizeRequest: DetokenizeRequestSchema,
  AdminPatch: AdminPatchSchema,
  ChatCompletion: R.ChatCompletionSchema,
  ChatCompletionChunk: R.ChatCompletionChunkSchema,
  Completion: R.CompletionSchema,
  Response: R.ResponseObjectSchema,
  ModelList: R.ModelListSchema,
  TokenizeResponse: R.TokenizeResponseSchema,
  DetokenizeResponse: R.DetokenizeResponseSchema,
  Version: R.VersionSchema,
  Error: R.ErrorSchema,
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const ERRORS = Object.fromEntries(
  ["400", "404", "413", "429", "500", "503"].map((
    s,
  ) => [s, { description: "Error", content: json("Error") }]),
);

function post(summary: string, request: string, response: string, streams?: string) {
  return {
    post: {
      summary,
      requestBody: { required: true, content: json(request) },
      responses: {
        "200": {
          description: streams
            ? `${response}; with "stream": true, server-sent events of ${streams}`
            : response,
          content: {
            ...json(response),
            ...(streams ? { "text/event-stream": { schema: { type: "string" } } } : {}),
          },
        },
        ...ERRORS,
      },
    },
  };
}

function get(summary: string, response?: string, contentType?: string) {
  const content = response
    ? json(response)
    : contentType
    ? { [contentType]: { schema: { type: "string" } } }
    : undefined;
  return {
    get: {
      summary,
      responses: { "200": { description: summary, ...(content ? { content } : {}) } },
    },
  };
}

function paths() {
  return {
    "/v1/chat/completions": post(
      "Chat completion",
      "ChatCompletionRequest",
      "ChatCompletion",
      "ChatCompletionChunk",
    ),
    "/v1/completions": post(
      "Text completion",
      "CompletionRequest",
      "Completion",
      "text_completion chunks",
    ),
    "/v1/responses": post(
      "Response (Responses API)",
      "ResponsesRequest",
      "Response",
      "response.* events",
    ),
    "/tokenize": post("Tokenize a prompt or chat messages", "TokenizeRequest", "TokenizeResponse"),
    "/detokenize": post("Detokenize token ids", "DetokenizeRequest", "DetokenizeResponse"),
    "/v1/models": get("Served model and LoRA adapters", "ModelList"),
    "/version": get("Version", "Version"),
    "/health": get("Liveness"),
    "/health/ready": get("Readiness (503 while loading or draining)"),
    "/metrics": get("Prometheus metrics (vllm: or sglang: names)", undefined, "text/plain"),
    "/admin/config": {
      ...get("Run-time settings"),
      patch: {
        summary: "Change run-time settings",
        requestBody: { required: true, content: json("AdminPatch") },
        responses: { "200": { description: "The new settings" }, ...ERRORS },
      },
    },
  };
}

function component(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
}

let cached: string | undefined;

/** The OpenAPI document as JSON text (built once). */
export function openApiJson(version: string): string {
  cached ??= JSON.stringify({
    openapi: "3.1.0",
    info: {
      title: "wva emulator: vLLM-compatible OpenAI API",
      version,
      description: "An emulated vLLM server; latency follows alpha + beta * batch per decode step.",
    },
    paths: paths(),
    components: {
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([k, s]) => [k, component(s)])),
    },
  });
  return cached;
}
