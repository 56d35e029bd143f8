/**
 * The gateway routes by the body's `model` to that model's endpoints (each emulator serves one
 * model and refuses the others, so a misroute fails), answers an unknown model with vLLM's 404
 * (the official openai client raises NotFoundError), and spreads concurrent requests by least
 * outstanding work.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startGateway } from "../../src/adapters/gateway/router.ts";
import {
  chat,
  emulators,
  endpointsOf,
  sseSummary,
  streamChat,
  testEndpoints,
  until,
} from "./helpers.ts";

Deno.test("gateway: each request goes to an endpoint of the model it names", async () => {
  const [llama, qwen] = [await emulators("llama", 2), await emulators("qwen", 1)];
  const eps = testEndpoints(["llama", "qwen"]);
  eps.set("llama", endpointsOf("llama", llama));
  eps.set("qwen", endpointsOf("qwen", qwen));
  const gateway = startGateway({ endpoints: eps.source });
  try {
    const models = await (await fetch(`${gateway.url}/v1/models`)).json();
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), ["llama", "qwen"]);
    for (const model of ["llama", "qwen", "llama", "qwen", "qwen"]) {
      const res = await chat(gateway.url, model, 2);
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.model, model);
      assert.match(res.headers.get("x-wva-replica")!, new RegExp(`^${model}-\\d$`));
    }
  } finally {
    await gateway.stop();
    await Promise.all([...llama, ...qwen].map((e) => e.stop()));
  }
});

Deno.test("gateway: an unknown model is a 404 naming it; no model with two served is a 400", async () => {
  const eps = testEndpoints(["llama", "qwen"]);
  const gateway = startGateway({ endpoints: eps.source });
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: "gpt-nope", messages: [{ role: "user", content: "hi" }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.NotFoundError, String(err));
    assert.match(err.message, /The model 'gpt-nope' does not exist/);
    const res = await fetch(`${gateway.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.deepEqual(body.error, {
      message: "'model' is required: this gateway serves 'llama', 'qwen'",
      type: "BadRequestError",
      param: "model",
      code: 400,
    });
    assert.equal(gateway.queued("gpt-nope").requests, 0, "nothing queued for unknown models");
  } finally {
    await gateway.stop();
  }
});

Deno.test("gateway: concurrent requests spread by least outstanding work", async () => {
  const emus = await emulators("m", 3, 20);
  const eps = testEndpoints(["m"]);
  eps.set("m", endpointsOf("m", emus));
  const gateway = startGateway({ endpoints: eps.source });
  try {
    // Sent one at a time (each response's headers arrive before the next is sent), so every
    // choice sees the outstanding counts of the ones before.
    const responses = [];
    for (let i = 0; i < 9; i++) responses.push(await streamChat(gateway.url, 15, "m"));
    const per = [0, 1, 2].map((i) => gateway.outstanding(`m-${i}`));
    assert.deepEqual(per, [3, 3, 3], "three in flight on each");
    const used = new Map<string, number>();
    for (const res of responses) {
      const id = res.headers.get("x-wva-replica")!;
      used.set(id, (used.get(id) ?? 0) + 1);
      assert.deepEqual(sseSummary(await res.text()), { tokens: 15, done: true });
    }
    assert.deepEqual([...used.values()], [3, 3, 3]);
    await until(() => [0, 1, 2].every((i) => gateway.outstanding(`m-${i}`) === 0), 2000, "idle");
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});
