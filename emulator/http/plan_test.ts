import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { resolveEmulatorConfig } from "../config.ts";
import { HttpProblem } from "./errors.ts";
import { planChat, planCompletion } from "./plan.ts";
import { ChatRequestSchema, CompletionRequestSchema } from "./schemas.ts";

function ctx(outputLength: Record<string, unknown> = {}) {
  const config = resolveEmulatorConfig({ maxModelLen: 100, outputLength });
  return { config, settings: config, rng: createRng(1) };
}

function chat(body: Record<string, unknown>, c = ctx()) {
  return planChat(
    ChatRequestSchema.parse({ messages: [{ role: "user", content: "hi" }], ...body }),
    c,
  );
}

Deno.test("planChat() output length follows max_tokens, ignore_eos and the mode", async (t) => {
  const sample = { mode: "sample", kind: "fixed", meanTokens: 10 };
  const cases = [
    { name: "exact: max_tokens", body: { max_tokens: 7 }, c: ctx(), out: 7, reason: "length" },
    {
      name: "max_completion_tokens wins",
      body: { max_tokens: 7, max_completion_tokens: 3 },
      c: ctx(),
      out: 3,
      reason: "length",
    },
    {
      name: "sample: shorter than max_tokens",
      body: { max_tokens: 50 },
      c: ctx(sample),
      out: 10,
      reason: "stop",
    },
    {
      name: "sample: capped by max_tokens",
      body: { max_tokens: 4 },
      c: ctx(sample),
      out: 4,
      reason: "length",
    },
    {
      name: "ignore_eos forces max_tokens",
      body: { max_tokens: 50, ignore_eos: true },
      c: ctx(sample),
      out: 50,
      reason: "length",
    },
    {
      name: "no max_tokens draws",
      body: {},
      c: ctx({ kind: "fixed", meanTokens: 20 }),
      out: 20,
      reason: "stop",
    },
    {
      name: "no max_tokens is capped by the context left",
      body: {},
      c: ctx({ kind: "fixed", meanTokens: 500 }),
      out: 100 - 8,
      reason: "length",
    },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      const plan = chat(c.body, c.c);
      assert.deepEqual([plan.choices[0]!.outputTokens, plan.choices[0]!.finishReason], [
        c.out,
        c.reason,
      ]);
    });
  }
});

Deno.test("planChat() and planCompletion() count prompts and choices", () => {
  const p = chat({ n: 3, stream: true, stream_options: { include_usage: true } });
  assert.equal(p.choices.length, 3);
  assert.equal(p.usagePromptTokens, 3 + 4 + 1);
  assert.ok(p.stream && p.includeUsage);
  const c = planCompletion(CompletionRequestSchema.parse({ prompt: [[1, 2], [3]], n: 2 }), ctx());
  assert.deepEqual(c.choices.map((x) => [x.index, x.promptTokens, x.outputTokens]), [
    [0, 2, 16],
    [1, 2, 16],
    [2, 1, 16],
    [3, 1, 16],
  ]);
  assert.equal(c.usagePromptTokens, 3);
});

Deno.test("planCompletion() rejects a prompt that leaves no room for max_tokens", () => {
  const body = CompletionRequestSchema.parse({ prompt: "x".repeat(340), max_tokens: 16 });
  assert.throws(
    () => planCompletion(body, ctx()),
    (e: unknown) => e instanceof HttpProblem && e.status === 400,
  );
});
