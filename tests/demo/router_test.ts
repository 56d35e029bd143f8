/**
 * The demo's gateway in front of real emulator servers: least-outstanding routing, streaming
 * pass-through (checked with the official openai client), retries away from a draining replica,
 * and the honest count of failures caused by a removed replica. The gateway's queue and metrics
 * have their own tests under tests/gateway/.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type EmulatorHandle, startEmulator } from "../../emulator/mod.ts";
import { createLocalEndpoints } from "../../src/adapters/gateway/endpoints.ts";
import {
  type GatewayOptions,
  type RouteRecord,
  startGateway,
} from "../../src/adapters/gateway/router.ts";
import { sseSummary, streamChat, until } from "./helpers.ts";

async function emulators(n: number, alphaMs = 5): Promise<EmulatorHandle[]> {
  return await Promise.all(
    Array.from({ length: n }, () => startEmulator({ port: 0, model: "m", alphaMs, betaMs: 0 })),
  );
}

/** A gateway for model "m" over `emus`, named `names`; `state` says which are leaving. */
function startRouter(
  emus: readonly EmulatorHandle[],
  names: readonly string[],
  options: Omit<GatewayOptions, "endpoints"> & { state?: ReadonlyMap<string, string> } = {},
) {
  const endpoints = createLocalEndpoints({
    models: ["m"],
    list: () =>
      emus.map((e, i) => ({ id: names[i]!, variant: names[i]!.split("-")[0]!, url: e.url })),
    leaving: (id) => ["draining", "stopped"].includes(options.state?.get(id) ?? ""),
  });
  return startGateway({ endpoints, ...options });
}

Deno.test("router: sends each request to the replica with the least outstanding work", async () => {
  const emus = await emulators(2, 30);
  const records: RouteRecord[] = [];
  const router = startRouter(emus, ["a-0", "b-0"], { onRecord: (r) => records.push(r) });
  try {
    const first = await streamChat(router.url, 20); // ≈ 600 ms on its replica
    const second = await streamChat(router.url, 20);
    const a = first.headers.get("x-wva-replica");
    const b = second.headers.get("x-wva-replica");
    assert.notEqual(a, b, "the busy replica is avoided");
    assert.equal(router.outstanding(a!), 1);
    const third = await streamChat(router.url, 1);
    assert.ok(third.headers.get("x-wva-replica"));
    for (const res of [first, second, third]) assert.equal(sseSummary(await res.text()).done, true);
    await until(() => records.length === 3, 2000, "three records");
    assert.equal(router.outstanding("a-0") + router.outstanding("b-0"), 0);
    assert.ok(records.every((r) => r.outcome === "ok" && !r.failedByScaleDown));
    const long = records.find((r) => r.tokens === 20)!;
    assert.ok(long.ttftMs! > 0 && long.itlMs! >= 25, `itl ${long.itlMs} ms (30 ms steps)`);
  } finally {
    await router.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("router: streams through unchanged for the official openai client", async () => {
  const emus = await emulators(1);
  const router = startRouter(emus, ["a-0"]);
  try {
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "none" });
    const models = await client.models.list();
    assert.equal(models.data[0]!.id, "m");
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 7,
      stream: true,
    });
    let tokens = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) tokens++;
    assert.equal(tokens, 7);
    const plain = await client.completions.create({ model: "m", prompt: "x", max_tokens: 3 });
    assert.equal(plain.usage?.completion_tokens, 3);
  } finally {
    await router.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("router: a request that races into a draining replica is retried elsewhere", async () => {
  const emus = await emulators(2);
  const records: RouteRecord[] = [];
  const state = new Map([["a-0", "draining"], ["b-0", "ready"]]);
  // "a-0" is still listed (the race): it refuses with 503 because it drains.
  emus[0]!.core.startDrain();
  const router = startRouter(emus, ["a-0", "b-0"], { state, onRecord: (r) => records.push(r) });
  try {
    const res = await streamChat(router.url, 3);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-wva-replica"), "b-0");
    assert.deepEqual(sseSummary(await res.text()), { tokens: 3, done: true });
    await until(() => records.length === 1, 2000, "the record");
    assert.deepEqual([records[0]!.outcome, records[0]!.retries], ["ok", 1]);
  } finally {
    await router.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("router: failures are attributed to scale-down only when the replica was leaving", async (t) => {
  for (const leaving of [true, false]) {
    await t.step(
      leaving ? "replica stopped by a scale-down" : "replica crashed while ready",
      async () => {
        const emus = await emulators(1, 20);
        const records: RouteRecord[] = [];
        const state = new Map([["a-0", "ready"]]);
        const router = startRouter(emus, ["a-0"], { state, onRecord: (r) => records.push(r) });
        try {
          const res = await streamChat(router.url, 50); // ≈ 1 s
          const body = res.text().catch(() => "broken");
          await new Promise((r) => setTimeout(r, 200));
          if (leaving) state.set("a-0", "stopped");
          await emus[0]!.stop(); // aborts in-flight requests: no drain
          const text = await body;
          assert.equal(sseSummary(text === "broken" ? "" : text).done, false);
          await until(() => records.length === 1, 3000, "the record");
          assert.equal(records[0]!.outcome, "failed");
          assert.equal(records[0]!.failedByScaleDown, leaving);
        } finally {
          await router.stop();
          await emus[0]!.stop();
        }
      },
    );
  }
});

Deno.test("router: no ready replica: 503 after the queue's wait, unknown paths 404", async () => {
  const records: RouteRecord[] = [];
  const router = startRouter([], [], {
    queue: { maxWaitMs: 100 },
    onRecord: (r) => records.push(r),
  });
  try {
    const res = await streamChat(router.url, 1);
    assert.equal(res.status, 503);
    assert.match(
      (await res.json()).error.message,
      /no endpoint of model 'm' was free within 100 ms/,
    );
    const ready = await fetch(`${router.url}/health/ready`);
    assert.equal(ready.status, 503);
    await ready.body?.cancel();
    const missing = await fetch(`${router.url}/v2/nothing`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    assert.deepEqual(records.map((r) => [r.outcome, r.failedByScaleDown]), [["failed", false]]);
  } finally {
    await router.stop();
  }
});
