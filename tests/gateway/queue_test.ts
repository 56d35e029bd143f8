/**
 * The gateway's flow-control queue with real emulators behind it: a model at 0 replicas holds its
 * requests (and says so on /metrics) until an endpoint appears, then serves them in arrival
 * order; saturated endpoints make requests wait for a free slot; a full queue answers 429, a
 * request that waited too long 503, a client that goes away leaves the queue, and a request
 * refused by a draining replica waits (at the front) for the next replica.
 */
import assert from "node:assert/strict";
import { createLocalEndpoints } from "../../src/adapters/gateway/endpoints.ts";
import { startGateway } from "../../src/adapters/gateway/router.ts";
import type { RouteRecord } from "../../src/adapters/gateway/proxy.ts";
import {
  chat,
  chatBody,
  emulators,
  endpointsOf,
  scrape,
  sleep,
  testEndpoints,
  until,
  value,
} from "./helpers.ts";

const M = { target_model_name: "m" };

Deno.test("gateway: a model at 0 queues its requests, then serves them in order", async () => {
  const eps = testEndpoints(["m"]);
  const records: RouteRecord[] = [];
  const gateway = startGateway({
    endpoints: eps.source,
    maxOutstandingPerEndpoint: 1, // one at a time: the finishing order is the dispatch order
    onRecord: (r) => records.push(r),
  });
  const emus = await emulators("m", 1);
  try {
    const sent = [];
    for (const tokens of [3, 4, 5]) {
      sent.push(chat(gateway.url, "m", tokens));
      await until(() => gateway.queued("m").requests === sent.length, 2000, `${tokens} queued`);
    }
    const bytes = [3, 4, 5].reduce((sum, t) => sum + chatBody("m", t).length, 0);
    assert.deepEqual(gateway.queued("m"), { requests: 3, bytes });
    const before = await scrape(gateway.url);
    assert.equal(value(before, "inference_extension_flow_control_queue_size", M), 3);
    assert.equal(value(before, "inference_extension_flow_control_queue_bytes", M), bytes);
    assert.equal(value(before, "llm_d_epp_flow_control_queue_size", M), 3);
    assert.equal(value(before, "llm_d_epp_ready_endpoints", { name: "m" }), 0);
    assert.equal(
      value(before, "llm_d_epp_flow_control_pool_saturation", { inference_pool: "m" }),
      1,
    );
    await sleep(100);
    eps.set("m", endpointsOf("m", emus)); // the replica became ready
    const responses = await Promise.all(sent);
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    assert.deepEqual(bodies.map((b) => b.usage.completion_tokens), [3, 4, 5]);
    await until(() => records.length === 3, 2000, "three records");
    assert.deepEqual(records.map((r) => r.outcome), ["ok", "ok", "ok"]);
    assert.ok(records.every((r) => r.queuedMs! >= 100), "each waited for the replica");
    const order = records.map((r) => r.receivedAtMs);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), "finished in arrival order");
    const after = await scrape(gateway.url);
    assert.equal(value(after, "inference_extension_flow_control_queue_size", M), 0);
    assert.equal(
      value(after, "inference_extension_scheduler_attempts_total", {
        ...M,
        status: "success",
      }),
      3,
    );
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("gateway: with no saturation limit a new endpoint takes the whole queue at once", async () => {
  const eps = testEndpoints(["m"]);
  const gateway = startGateway({ endpoints: eps.source });
  const emus = await emulators("m", 1, 30);
  try {
    const sent = [chat(gateway.url, "m", 10), chat(gateway.url, "m", 10)];
    await until(() => gateway.queued("m").requests === 2, 2000, "two queued");
    eps.set("m", endpointsOf("m", emus));
    await until(() => gateway.outstanding("m-0") === 2, 2000, "both in flight together");
    assert.equal(gateway.queued("m").requests, 0);
    for (const r of await Promise.all(sent)) {
      assert.equal((await r.json()).usage.completion_tokens, 10);
    }
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("gateway: saturated endpoints make requests wait for a free slot", async () => {
  const emus = await emulators("m", 1, 20);
  const eps = testEndpoints(["m"]);
  eps.set("m", endpointsOf("m", emus));
  const records: RouteRecord[] = [];
  const gateway = startGateway({
    endpoints: eps.source,
    maxOutstandingPerEndpoint: 1,
    onRecord: (r) => records.push(r),
  });
  try {
    const long = chat(gateway.url, "m", 20); // ≈ 400 ms
    await until(() => gateway.outstanding("m-0") === 1, 2000, "the first in flight");
    const short = chat(gateway.url, "m", 1);
    await until(() => gateway.queued("m").requests === 1, 2000, "the second queued");
    const busy = await scrape(gateway.url);
    assert.equal(value(busy, "llm_d_epp_flow_control_pool_saturation", { inference_pool: "m" }), 1);
    assert.equal(value(busy, "llm_d_epp_request_running", { model_name: "m" }), 1);
    assert.equal(value(busy, "llm_d_epp_flow_control_queue_size", M), 1);
    await sleep(150);
    assert.deepEqual([gateway.outstanding("m-0"), gateway.queued("m").requests], [1, 1], "waits");
    const bodies = await Promise.all([long, short].map(async (r) => (await r).json()));
    assert.deepEqual(bodies.map((b) => b.usage.completion_tokens), [20, 1]);
    await until(() => records.length === 2, 2000, "two records");
    const [first, second] = records;
    assert.ok(first!.queuedMs! < 50, `the first went at once (${first!.queuedMs} ms)`);
    assert.ok(second!.queuedMs! >= 300, `the second waited ${second!.queuedMs} ms for the slot`);
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("gateway: a full queue answers 429, by count and by bytes", async (t) => {
  const one = chatBody("m", 1).length;
  const cases = [
    { name: "count", queue: { maxRequests: 2 }, fits: 2, why: /2 requests waiting \(limit 2\)/ },
    { name: "bytes", queue: { maxBytes: one + 10 }, fits: 1, why: /bytes would pass the limit/ },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const eps = testEndpoints(["m"]);
      const gateway = startGateway({ endpoints: eps.source, queue: c.queue });
      const emus = await emulators("m", 1);
      try {
        const held = Array.from({ length: c.fits }, () => chat(gateway.url, "m", 1));
        await until(() => gateway.queued("m").requests === c.fits, 2000, "queue filled");
        const res = await chat(gateway.url, "m", 1);
        const body = await res.json();
        assert.equal(res.status, 429);
        assert.equal(res.headers.get("retry-after"), "1");
        assert.deepEqual([body.error.type, body.error.code], ["RateLimitError", 429]);
        assert.match(body.error.message, c.why);
        const m = await scrape(gateway.url);
        const outcome = { ...M, outcome: "RejectedCapacity" };
        const rejected = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
        assert.equal(value(m, rejected, outcome), 1);
        eps.set("m", endpointsOf("m", emus)); // the held ones are still served
        for (const r of await Promise.all(held)) {
          assert.equal((await r.json()).object, "chat.completion");
        }
      } finally {
        await gateway.stop();
        await Promise.all(emus.map((e) => e.stop()));
      }
    });
  }
});

Deno.test("gateway: a request that waits longer than the maximum gets 503", async () => {
  const eps = testEndpoints(["m"]);
  const records: RouteRecord[] = [];
  const gateway = startGateway({
    endpoints: eps.source,
    queue: { maxWaitMs: 150 },
    onRecord: (r) => records.push(r),
  });
  try {
    const started = performance.now();
    const res = await chat(gateway.url, "m", 1);
    const waitedMs = performance.now() - started;
    const body = await res.json();
    assert.equal(res.status, 503);
    assert.ok(waitedMs >= 140 && waitedMs < 2000, `waited ${waitedMs} ms`);
    assert.equal(body.error.type, "ServiceUnavailableError");
    assert.match(body.error.message, /no endpoint of model 'm' was free within 150 ms/);
    assert.equal(gateway.queued("m").requests, 0);
    const m = await scrape(gateway.url);
    const count = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
    assert.equal(value(m, count, { ...M, outcome: "EvictedTTL" }), 1);
    const failure = { ...M, status: "failure" };
    assert.equal(value(m, "inference_extension_scheduler_attempts_total", failure), 1);
    assert.deepEqual(records.map((r) => [r.status, r.outcome, r.model]), [[503, "failed", "m"]]);
  } finally {
    await gateway.stop();
  }
});

Deno.test("gateway: a client that goes away while queued leaves the queue", async () => {
  const eps = testEndpoints(["m"]);
  const gateway = startGateway({ endpoints: eps.source });
  const emus = await emulators("m", 1);
  try {
    const abort = new AbortController();
    const gone = chat(gateway.url, "m", 1, abort.signal).catch((e: Error) => e.name);
    const stays = chat(gateway.url, "m", 2);
    await until(() => gateway.queued("m").requests === 2, 2000, "two queued");
    abort.abort();
    assert.equal(await gone, "AbortError");
    await until(() => gateway.queued("m").requests === 1, 2000, "the first left the queue");
    assert.equal(gateway.queued("m").bytes, chatBody("m", 2).length);
    eps.set("m", endpointsOf("m", emus));
    assert.equal((await (await stays).json()).usage.completion_tokens, 2);
    const m = await scrape(gateway.url);
    const count = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
    assert.equal(value(m, count, { ...M, outcome: "EvictedContextCancelled" }), 1);
    const success = { ...M, status: "success" };
    assert.equal(value(m, "inference_extension_scheduler_attempts_total", success), 1);
    const served = await (await fetch(`${emus[0]!.url}/metrics`)).text();
    assert.match(served, /vllm:request_success_total\{[^}]*finished_reason="length"[^}]*\} 1\b/);
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});

Deno.test("gateway: a request refused by a draining replica waits for the next one", async () => {
  const emus = await emulators("m", 2);
  emus[0]!.core.startDrain(); // a-0 refuses new requests with 503 but is still listed (the race)
  let listed = [{ id: "a-0", url: emus[0]!.url }];
  const source = createLocalEndpoints({
    models: ["m"],
    list: () => listed,
    leaving: (id) => id === "a-0",
  });
  const records: RouteRecord[] = [];
  const gateway = startGateway({ endpoints: source, onRecord: (r) => records.push(r) });
  try {
    const res = chat(gateway.url, "m", 2);
    await until(() => gateway.queued("m").requests === 1, 2000, "back in the queue");
    listed = [{ id: "b-0", url: emus[1]!.url }]; // the replacement is ready
    source.changed();
    const answer = await res;
    assert.deepEqual([answer.status, answer.headers.get("x-wva-replica")], [200, "b-0"]);
    assert.equal((await answer.json()).usage.completion_tokens, 2);
    await until(() => records.length === 1, 2000, "the record");
    const r = records[0]!;
    assert.deepEqual([r.outcome, r.retries, r.failedByScaleDown], ["ok", 1, false]);
  } finally {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});
