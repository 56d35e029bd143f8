/**
 * `/v1/responses` through the official `openai` client (plain, streamed events, the strict
 * `responses.stream()` accumulator, function calls, `max_output_tokens`), and the small
 * endpoints: `/tokenize`, `/detokenize`, `/version`, `/openapi.json`.
 */
import { strict as assert } from "node:assert";
import OpenAI from "openai";
import {
  DetokenizeResponseSchema,
  ResponseObjectSchema,
  TokenizeResponseSchema,
  VersionSchema,
} from "../../emulator/http/response_schemas.ts";
import { postJson, withEmulator } from "./helpers.ts";

const MODEL = "acme/llama-8b";
const FAST = {
  model: MODEL,
  alphaMs: 1,
  betaMs: 0.05,
  gammaMs: 1,
  deltaMs: 0.01,
  outputLength: { kind: "fixed", meanTokens: 6 },
} as const;

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });
}

Deno.test("openai client: responses.create returns a completed message", async () => {
  await withEmulator(FAST, async (emu) => {
    const res = await client(emu.url).responses.create({
      model: MODEL,
      instructions: "be brief",
      input: "Say hello",
    });
    ResponseObjectSchema.parse(res);
    assert.equal(res.status, "completed");
    assert.match(res.id, /^resp_/);
    assert.equal(res.output.length, 1);
    assert.equal(res.output[0]!.type, "message");
    assert.equal(res.output_text.trim().split(" ").length, 6);
    assert.equal(res.usage!.output_tokens, 6);
    // system (4 + 2) + user (4 + 3) + primer 3
    assert.equal(res.usage!.input_tokens, 16);
    assert.equal(res.instructions, "be brief");
  });
});

Deno.test("openai client: max_output_tokens makes an incomplete response", async () => {
  await withEmulator(FAST, async (emu) => {
    const res = await client(emu.url).responses.create({
      model: MODEL,
      input: [{ role: "user", content: [{ type: "input_text", text: "long story" }] }],
      max_output_tokens: 3,
    });
    assert.equal(res.status, "incomplete");
    assert.deepEqual(res.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(res.usage!.output_tokens, 3);
  });
});

Deno.test("openai client: streamed response events arrive in order", async () => {
  await withEmulator(FAST, async (emu) => {
    const stream = await client(emu.url).responses.create({
      model: MODEL,
      input: "Stream it",
      stream: true,
    });
    const types: string[] = [];
    let text = "", seq = -1;
    for await (const event of stream) {
      types.push(event.type);
      assert.equal(event.sequence_number, seq + 1);
      seq = event.sequence_number;
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") {
        ResponseObjectSchema.parse(event.response);
        assert.equal(event.response.output_text ?? text, text);
      }
    }
    assert.deepEqual(types, [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(6).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });
});

Deno.test("openai client: responses.stream() accumulates a function call", async () => {
  await withEmulator(FAST, async (emu) => {
    const stream = client(emu.url).responses.stream({
      model: MODEL,
      input: "Weather in Rome?",
      tools: [{
        type: "function",
        name: "get_weather",
        strict: false,
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        },
      }],
      tool_choice: "required",
    });
    let deltas = "";
    stream.on("response.function_call_arguments.delta", (e) => deltas += e.delta);
    const final = await stream.finalResponse();
    assert.equal(final.status, "completed");
    const call = final.output[0]!;
    assert.equal(call.type, "function_call");
    if (call.type !== "function_call") return;
    assert.equal(call.name, "get_weather");
    assert.equal(call.arguments, deltas);
    assert.equal(typeof JSON.parse(call.arguments).city, "string");
  });
});

Deno.test("tokenize, detokenize, version and openapi.json", async (t) => {
  await withEmulator(FAST, async (emu) => {
    await t.step("/tokenize counts what usage counts and /detokenize inverts ASCII", async () => {
      const prompt = "Hello tokenizer, round trip!";
      const tok = TokenizeResponseSchema.parse(
        await (await postJson(`${emu.url}/tokenize`, { prompt, return_token_strs: true })).json(),
      );
      const comp = await client(emu.url).completions.create({
        model: MODEL,
        prompt,
        max_tokens: 1,
      });
      assert.equal(tok.count, comp.usage!.prompt_tokens);
      assert.equal(tok.token_strs!.join(""), prompt);
      const detok = DetokenizeResponseSchema.parse(
        await (await postJson(`${emu.url}/detokenize`, { tokens: tok.tokens })).json(),
      );
      assert.equal(detok.prompt, prompt);
    });
    await t.step("/tokenize with chat messages matches chat usage", async () => {
      const messages = [{ role: "user" as const, content: "count me" }];
      const tok = await (await postJson(`${emu.url}/tokenize`, { messages })).json();
      const chat = await client(emu.url).chat.completions.create({
        model: MODEL,
        messages,
        max_tokens: 1,
      });
      assert.equal(tok.count, chat.usage!.prompt_tokens);
    });
    await t.step("/detokenize refuses an id out of range, naming it", async () => {
      const res = await postJson(`${emu.url}/detokenize`, { tokens: [1, -5] });
      assert.equal(res.status, 400);
      assert.match((await res.json()).error.message, /tokens\[1\].*\(got -5\)/);
    });
    await t.step("/version names the emulated vLLM and the emulator", async () => {
      VersionSchema.parse(await (await fetch(`${emu.url}/version`)).json());
    });
    await t.step("/openapi.json describes every route with schemas", async () => {
      const doc = await (await fetch(`${emu.url}/openapi.json`)).json();
      assert.equal(doc.openapi, "3.1.0");
      for (
        const path of ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/tokenize"]
      ) {
        assert.ok(doc.paths[path]?.post, `no POST ${path}`);
      }
      const chat = doc.components.schemas.ChatCompletionRequest;
      assert.ok(chat.properties.messages && chat.properties.tools && chat.properties.logprobs);
      assert.deepEqual(chat.required, ["messages"]);
    });
  });
});
