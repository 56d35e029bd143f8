/**
 * zod schemas of what the emulator answers: they document the responses in `/openapi.json`
 * and the tests parse real responses with them, so the document cannot drift from the server.
 *
 * @module
 */
import { z } from "zod";

const Usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.null(),
});

const TopLogprob = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()) });
const ChatLogprobs = z.object({
  content: z.array(TopLogprob.extend({ top_logprobs: z.array(TopLogprob) })),
}).nullable();

const ToolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const FinishReason = z.enum(["stop", "length", "tool_calls", "abort"]);

/** vLLM's P/D answer on the prefill side. */
export const KvTransferParams = z.object({
  do_remote_prefill: z.boolean(),
  do_remote_decode: z.boolean(),
  remote_engine_id: z.string(),
  remote_block_ids: z.array(z.number().int()),
  remote_host: z.string(),
  remote_port: z.number().int(),
  tp_size: z.number().int(),
}).optional();

/** Non-streaming `chat.completion`. */
export const ChatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.number().int(),
    message: z.object({
      role: z.literal("assistant"),
      content: z.string().nullable(),
      refusal: z.null(),
      tool_calls: z.array(ToolCall),
    }),
    logprobs: ChatLogprobs,
    finish_reason: FinishReason,
    stop_reason: z.null(),
  })),
  usage: Usage,
  kv_transfer_params: KvTransferParams,
});

const CompletionLogprobs = z.object({
  tokens: z.array(z.string()),
  token_logprobs: z.array(z.number()),
  top_logprobs: z.array(z.record(z.string(), z.number())),
  text_offset: z.array(z.number().int()),
}).nullable();

/** Non-streaming `text_completion`. */
export const CompletionSchema = z.object({
  id: z.string(),
  object: z.literal("text_completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.number().int(),
    text: z.string(),
    logprobs: CompletionLogprobs,
    finish_reason: FinishReason,
    stop_reason: z.null(),
    prompt_logprobs: z.null(),
  })),
  usage: Usage,
  kv_transfer_params: KvTransferParams,
});

/** One streamed `chat.completion.chunk` (the `data:` payload). */
export const ChatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.object({
    index: z.number().int(),
    delta: z.object({
      role: z.literal("assistant").optional(),
      content: z.string().optional(),
      tool_calls: z.array(z.object({
        index: z.number().int(),
        id: z.string().optional(),
        type: z.literal("function").optional(),
        function: z.object({ name: z.string().optional(), arguments: z.string() }),
      })).optional(),
    }),
    logprobs: ChatLogprobs,
    finish_reason: FinishReason.nullable(),
    stop_reason: z.null().optional(),
  })),
  usage: Usage.omit({ prompt_tokens_details: true }).nullable().optional(),
});

const OutputText = z.object({
  type: z.literal("output_text"),
  text: z.string(),
  annotations: z.array(z.unknown()),
  logprobs: z.array(z.unknown()),
});

/** The `response` object of `/v1/responses`. */
export const ResponseObjectSchema = z.object({
  id: z.string(),
  object: z.literal("response"),
  created_at: z.number().int(),
  status: z.enum(["in_progress", "completed", "incomplete"]),
  error: z.null(),
  incomplete_details: z.object({ reason: z.literal("max_output_tokens") }).nullable(),
  instructions: z.string().nullable(),
  max_output_tokens: z.number().int().nullable(),
  model: z.string(),
  output: z.array(z.union([
    z.object({
      type: z.literal("message"),
      id: z.string(),
      status: z.enum(["in_progress", "completed"]),
      role: z.literal("assistant"),
      content: z.array(OutputText),
    }),
    z.object({
      type: z.literal("function_call"),
      id: z.string(),
      call_id: z.string(),
      name: z.string(),
      arguments: z.string(),
      status: z.enum(["in_progress", "completed"]),
    }),
  ])),
  parallel_tool_calls: z.boolean(),
  tool_choice: z.unknown(),
  tools: z.array(z.unknown()),
  usage: z.object({
    input_tokens: z.number().int(),
    input_tokens_details: z.object({ cached_tokens: z.number().int() }),
    output_tokens: z.number().int(),
    output_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
    total_tokens: z.number().int(),
  }).nullable(),
});

/** `GET /v1/models`. */
export const ModelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(z.object({
    id: z.string(),
    object: z.literal("model"),
    created: z.number().int(),
    owned_by: z.string(),
    root: z.string(),
    parent: z.string().nullable(),
    max_model_len: z.number().int(),
  })),
});

/** `POST /tokenize`. */
export const TokenizeResponseSchema = z.object({
  count: z.number().int(),
  max_model_len: z.number().int(),
  tokens: z.array(z.number().int()),
  token_strs: z.array(z.string()).nullable(),
});

/** `POST /detokenize`. */
export const DetokenizeResponseSchema = z.object({ prompt: z.string() });

/** `GET /version`. */
export const VersionSchema = z.object({ version: z.string(), emulator: z.string() });

/** Every error: OpenAI's shape (unknown paths answer FastAPI's `{"detail": …}` instead). */
export const ErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.number().int(),
  }),
});
