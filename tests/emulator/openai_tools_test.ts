/**
 * The official `openai` npm client against a real emulator: tool calls (named, required, auto,
 * none; streamed and not), arguments that validate against the tool's JSON Schema, logprobs
 * (chat and completions), `n > 1`, and JSON answers. Responses are also parsed with the zod
 * schemas behind `/openapi.json`, so the published document matches what the server sends.
 */
import { strict as assert } from "node:assert";
import OpenAI from "openai";
import { z } from "zod";
import {
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  CompletionSchema,
} from "../../emulator/http/response_schemas.ts";
import { withEmulator } from "./helpers.ts";

const MODEL = "acme/llama-8b";
const FAST = { model: MODEL, alphaMs: 1, betaMs: 0.05, gammaMs: 1, deltaMs: 0.01 };

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });
}

const WEATHER_PARAMS: Record<string, unknown> = {
  type: "object",
  properties: {
    city: { type: "string" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    days: { type: "integer", minimum: 1, maximum: 7 },
  },
  required: ["city", "unit"],
  additionalProperties: false,
};
const weatherValidator = () =>
  z.fromJSONSchema(WEATHER_PARAMS as Parameters<typeof z.fromJSONSchema>[0]);

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: "function",
    function: { name: "get_weather", description: "Weather", parameters: WEATHER_PARAMS },
  },
  {
    type: "function",
    function: {
      name: "search",
      parameters: {
        type: "object",
        properties: { q: { type: "string" }, limit: { type: "integer", maximum: 10 } },
        required: ["q"],
      },
    },
  },
];

const MSG = [{ role: "user" as const, content: "What is the weather in Paris?" }];

Deno.test("openai client: a named tool is called with arguments that match its schema", async () => {
  await withEmulator(FAST, async (emu) => {
    const res = await client(emu.url).chat.completions.create({
      model: MODEL,
      messages: MSG,
      tools: TOOLS,
      tool_choice: { type: "function", function: { name: "get_weather" } },
      n: 3,
    });
    ChatCompletionSchema.parse(res);
    assert.equal(res.choices.length, 3);
    const validate = weatherValidator();
    for (const choice of res.choices) {
      assert.equal(choice.finish_reason, "tool_calls");
      assert.equal(choice.message.content, null);
      const call = choice.message.tool_calls![0]!;
      assert.equal(call.type, "function");
      if (call.type !== "function") continue;
      assert.equal(call.function.name, "get_weather");
      assert.match(call.id, /^chatcmpl-tool-/);
      const args = JSON.parse(call.function.arguments);
      assert.ok(validate.safeParse(args).success, call.function.arguments);
    }
    const args = res.choices.map((c) =>
      (c.message.tool_calls![0] as { function: { arguments: string } }).function.arguments
    );
    const pieces = args.reduce((a, s) => a + Math.ceil([...s].length / 4), 0);
    assert.equal(res.usage!.completion_tokens, pieces, "argument pieces are the generated tokens");
  });
});

Deno.test("openai client: streamed tool-call deltas assemble into the same call", async () => {
  await withEmulator(FAST, async (emu) => {
    const stream = await client(emu.url).chat.completions.create({
      model: MODEL,
      messages: MSG,
      tools: TOOLS,
      tool_choice: "required",
      stream: true,
    });
    let name = "", args = "", id = "", finish: string | null = null;
    for await (const chunk of stream) {
      ChatCompletionChunkSchema.parse(chunk);
      const c = chunk.choices[0];
      if (!c) continue;
      for (const t of c.delta.tool_calls ?? []) {
        id ||= t.id ?? "";
        name += t.function?.name ?? "";
        args += t.function?.arguments ?? "";
      }
      finish = c.finish_reason ?? finish;
    }
    assert.equal(finish, "tool_calls");
    assert.match(id, /^chatcmpl-tool-/);
    assert.ok(["get_weather", "search"].includes(name), name);
    assert.doesNotThrow(() => JSON.parse(args), args);
  });
});

Deno.test("openai client: tool_choice auto, none and a bad choice", async (t) => {
  await withEmulator({ ...FAST, toolCallRate01: 1 }, async (emu) => {
    const ai = client(emu.url);
    await t.step("auto with toolCallRate01 1 calls a tool", async () => {
      const res = await ai.chat.completions.create({ model: MODEL, messages: MSG, tools: TOOLS });
      assert.equal(res.choices[0]!.finish_reason, "tool_calls");
    });
    await t.step("none answers with text", async () => {
      const res = await ai.chat.completions.create({
        model: MODEL,
        messages: MSG,
        tools: TOOLS,
        tool_choice: "none",
        max_tokens: 5,
      });
      assert.equal(res.choices[0]!.finish_reason, "length");
      assert.deepEqual(res.choices[0]!.message.tool_calls, []);
      assert.equal(res.choices[0]!.message.content!.trim().split(" ").length, 5);
    });
    await t.step("a named function that is not among the tools is a 400 naming it", async () => {
      const err = await ai.chat.completions.create({
        model: MODEL,
        messages: MSG,
        tools: TOOLS,
        tool_choice: { type: "function", function: { name: "nope" } },
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.match(err.message, /tool_choice: function 'nope' is not among the tools/);
    });
  });
  await withEmulator({ ...FAST, toolCallRate01: 0 }, async (emu) => {
    await t.step("auto with toolCallRate01 0 answers with text", async () => {
      const res = await client(emu.url).chat.completions.create({
        model: MODEL,
        messages: MSG,
        tools: TOOLS,
        max_tokens: 3,
      });
      assert.equal(res.choices[0]!.finish_reason, "length");
    });
  });
});

Deno.test("openai client: chat logprobs with top_logprobs, streamed and not", async () => {
  await withEmulator(FAST, async (emu) => {
    const ai = client(emu.url);
    const res = await ai.chat.completions.create({
      model: MODEL,
      messages: MSG,
      max_tokens: 6,
      logprobs: true,
      top_logprobs: 3,
      n: 2,
    });
    ChatCompletionSchema.parse(res);
    for (const choice of res.choices) {
      const content = choice.logprobs!.content!;
      assert.equal(content.length, 6);
      assert.equal(content.map((e) => e.token).join(""), choice.message.content);
      for (const e of content) {
        assert.ok(e.logprob < 0);
        assert.equal(e.top_logprobs.length, 3);
        assert.equal(e.top_logprobs[0]!.token, e.token, "the sampled token is the most likely");
        assert.ok(e.top_logprobs[1]!.logprob < e.top_logprobs[0]!.logprob);
      }
    }
    const stream = await ai.chat.completions.create({
      model: MODEL,
      messages: MSG,
      max_tokens: 4,
      logprobs: true,
      stream: true,
    });
    let entries = 0;
    for await (const chunk of stream) entries += chunk.choices[0]?.logprobs?.content?.length ?? 0;
    assert.equal(entries, 4);
  });
});

Deno.test("openai client: completions logprobs list tokens, offsets and alternatives", async () => {
  await withEmulator(FAST, async (emu) => {
    const res = await client(emu.url).completions.create({
      model: MODEL,
      prompt: "Once upon a time",
      max_tokens: 5,
      logprobs: 2,
    });
    CompletionSchema.parse(res);
    const lp = res.choices[0]!.logprobs!;
    assert.equal(lp.tokens!.join(""), res.choices[0]!.text);
    assert.equal(lp.token_logprobs!.length, 5);
    assert.equal(Object.keys(lp.top_logprobs![0]!).length, 2);
    assert.deepEqual(lp.text_offset!.slice(0, 2), [0, lp.tokens![0]!.length]);
  });
});

Deno.test("openai client: response_format json_schema answers JSON matching the schema", async () => {
  await withEmulator(FAST, async (emu) => {
    const res = await client(emu.url).chat.completions.create({
      model: MODEL,
      messages: MSG,
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather", schema: WEATHER_PARAMS },
      },
    });
    assert.equal(res.choices[0]!.finish_reason, "stop");
    const value = JSON.parse(res.choices[0]!.message.content!);
    assert.ok(weatherValidator().safeParse(value).success);
  });
});
