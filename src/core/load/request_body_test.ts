import assert from "node:assert/strict";
import { apiPath, buildRequestBody, promptText } from "./request_body.ts";

Deno.test("promptText() has one 4-character word per token and varies by request", () => {
  const a = promptText(100, 0);
  assert.equal(a.length, 400);
  assert.equal(a.split(" ").length - 1, 100);
  assert.notEqual(promptText(100, 1), a);
  assert.notEqual(promptText(100, 64), a);
  assert.equal(promptText(100, 0), a);
});

Deno.test("buildRequestBody() sends max_tokens, ignore_eos and asks for usage when streaming", () => {
  const chat = buildRequestBody({
    api: "chat",
    model: "m",
    promptTokens: 4,
    maxTokens: 9,
    stream: true,
  });
  assert.deepEqual(chat, {
    model: "m",
    max_tokens: 9,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: promptText(4, 0) }],
  });
  const comp = buildRequestBody({
    api: "completions",
    model: "m",
    promptTokens: 2,
    maxTokens: 1,
    stream: false,
  });
  assert.equal(comp.prompt, promptText(2, 0));
  assert.equal(comp.stream_options, undefined);
  assert.equal(apiPath("chat"), "/chat/completions");
  assert.equal(apiPath("completions"), "/completions");
});
