/**
 * The official `openai` npm client against a real emulator on loopback: chat and completions,
 * streaming with the usage chunk, models, and typed errors.
 */
import { strict as assert } from "node:assert";
import OpenAI from "openai";
import { FAILURE_HEADER } from "../../emulator/mod.ts";
import { withEmulator } from "./helpers.ts";

const MODEL = "acme/llama-8b";
const FAST = { model: MODEL, alphaMs: 2, betaMs: 0.1, gammaMs: 1, deltaMs: 0.01 };

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });
}

Deno.test("openai client: chat and completions, non-streaming", async () => {
  await withEmulator(FAST, async (emu) => {
    const ai = client(emu.url);
    const chat = await ai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there" }],
      max_tokens: 7,
    });
    assert.equal(chat.object, "chat.completion");
    assert.equal(chat.model, MODEL);
    assert.match(chat.id, /^chatcmpl-/);
    assert.equal(chat.choices.length, 1);
    assert.equal(chat.choices[0]!.finish_reason, "length");
    assert.equal(chat.choices[0]!.message.role, "assistant");
    assert.equal(chat.choices[0]!.message.content!.trim().split(" ").length, 7);
    // 3 + (4 + 2) + (4 + 3) tokens: two messages of 8 and 11 characters
    assert.deepEqual(chat.usage, {
      prompt_tokens: 16,
      completion_tokens: 7,
      total_tokens: 23,
      prompt_tokens_details: null,
    });

    const comp = await ai.completions.create({
      model: MODEL,
      prompt: ["one two", "three"],
      max_tokens: 3,
      n: 2,
    });
    assert.equal(comp.object, "text_completion");
    assert.deepEqual(comp.choices.map((c) => c.index), [0, 1, 2, 3]);
    assert.ok(comp.choices.every((c) => c.text.trim().split(" ").length === 3));
    assert.equal(comp.usage!.completion_tokens, 12);
    assert.equal(comp.usage!.prompt_tokens, 2 + 2);

    const defaults = await ai.completions.create({ model: MODEL, prompt: [1, 2, 3] });
    assert.equal(defaults.usage!.prompt_tokens, 3, "token-id prompts count exactly");
    assert.equal(defaults.usage!.completion_tokens, 16, "completions default max_tokens is 16");
  });
});

Deno.test("openai client: chat streaming sends role, one chunk per token, finish, usage", async () => {
  await withEmulator(FAST, async (emu) => {
    const stream = await client(emu.url).chat.completions.create({
      messages: [{ role: "user", content: "stream please" }],
      model: MODEL,
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.length, 1 + 5 + 1 + 1);
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0]!.id));
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: "assistant", content: "" });
    const content = chunks.slice(1, 6).map((c) => c.choices[0]!.delta.content);
    assert.ok(content.every((t) => typeof t === "string" && t.length > 1));
    assert.equal(chunks[6]!.choices[0]!.finish_reason, "length");
    assert.deepEqual(chunks[7]!.choices, []);
    assert.equal(chunks[7]!.usage!.completion_tokens, 5);
  });
});

Deno.test("openai client: completions streaming with n = 2 ends each choice", async () => {
  await withEmulator(FAST, async (emu) => {
    const stream = await client(emu.url).completions.create({
      model: MODEL,
      prompt: "count",
      max_tokens: 4,
      n: 2,
      stream: true,
    });
    const perChoice = new Map<number, string[]>();
    const finishes: Array<string | null> = [];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        if (c.finish_reason) finishes.push(c.finish_reason);
        else perChoice.set(c.index, [...(perChoice.get(c.index) ?? []), c.text]);
      }
    }
    assert.deepEqual([...perChoice.keys()].sort(), [0, 1]);
    assert.ok([...perChoice.values()].every((t) => t.length === 4));
    assert.deepEqual(finishes, ["length", "length"]);
  });
});

Deno.test("openai client: models.list shows the served name and max_model_len", async () => {
  await withEmulator({ ...FAST, maxModelLen: 2048 }, async (emu) => {
    const models = await client(emu.url).models.list();
    assert.equal(models.data.length, 1);
    assert.equal(models.data[0]!.id, MODEL);
    assert.equal((models.data[0] as unknown as { max_model_len: number }).max_model_len, 2048);
  });
});

Deno.test("openai client: errors arrive as typed SDK errors with vLLM-shaped bodies", async (t) => {
  await withEmulator({ ...FAST, maxModelLen: 64 }, async (emu) => {
    const ai = client(emu.url);
    const cases = [
      {
        name: "unknown model is 404 NotFoundError",
        call: () =>
          ai.chat.completions.create({ model: "x/y", messages: [{ role: "user", content: "a" }] }),
        cls: OpenAI.NotFoundError,
        status: 404,
        re: /model 'x\/y' does not exist/,
      },
      {
        name: "context length exceeded is 400 BadRequestError",
        call: () =>
          ai.completions.create({ model: MODEL, prompt: "a".repeat(400), max_tokens: 10 }),
        cls: OpenAI.BadRequestError,
        status: 400,
        re:
          /maximum context length is 64 tokens.*110 tokens \(100 in the prompt, 10 for the completion\)/,
      },
      {
        name: "wrong field type is 400 naming the field",
        call: () =>
          ai.chat.completions.create({
            model: MODEL,
            messages: [{ role: "user", content: "a" }],
            max_tokens: "many" as unknown as number,
          }),
        cls: OpenAI.BadRequestError,
        status: 400,
        re: /max_tokens/,
      },
      ...([["rate_limit", 429, OpenAI.RateLimitError], [
        "server_error",
        500,
        OpenAI.InternalServerError,
      ], [
        "overloaded",
        503,
        OpenAI.InternalServerError,
      ]] as const).map(([type, status, cls]) => ({
        name: `injected ${type} is ${status}`,
        call: () =>
          ai.chat.completions.create(
            { model: MODEL, messages: [{ role: "user", content: "a" }], stream: true },
            { headers: { [FAILURE_HEADER]: type } },
          ),
        cls,
        status,
        re: /injected failure/,
      })),
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        const err = await c.call().then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof c.cls, `expected ${c.cls.name}, got ${String(err)}`);
        assert.equal(err.status, c.status);
        assert.match(err.message, c.re);
        const body = err.error as { type: string; code: number };
        assert.equal(body.code, c.status);
        assert.match(body.type, /Error$/);
      });
    }
  });
});

Deno.test("openai client: a full waiting queue answers 429 before streaming", async () => {
  await withEmulator({ ...FAST, maxNumSeqs: 1, maxWaitingQueue: 0 }, async (emu) => {
    const ai = client(emu.url);
    const first = await ai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hold the only seat" }],
      max_tokens: 200,
      stream: true,
    });
    const err = await ai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "no room" }],
      stream: true,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.match(err.message, /waiting queue is full/);
    first.controller.abort();
  });
});
