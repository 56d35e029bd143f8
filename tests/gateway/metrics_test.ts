/**
 * The gateway's `/metrics` under real traffic: every value matches what was sent (arrivals,
 * dispatches per endpoint with its pod name and port, requests running, the queue of a model
 * at 0, saturation against the per-endpoint limit), and `promtool check metrics` accepts a scrape
 * taken with requests in flight and in the queue.
 */
import assert from "node:assert/strict";
import { startGateway } from "../../src/adapters/gateway/router.ts";
import { toolGate } from "../helpers/tools.ts";
import {
  chat,
  chatBody,
  emulators,
  endpointsOf,
  samplesOf,
  scrape,
  sseSummary,
  streamChat,
  testEndpoints,
  until,
  value,
} from "./helpers.ts";
import { promtool } from "../emulator/helpers.ts";

const A = { target_model_name: "a" };
const B = { target_model_name: "b" };

/** Model a on two emulators (limit 4 each), model b at 0; returns the parts and a cleanup. */
async function twoModels() {
  const emus = await emulators("a", 2, 20);
  const eps = testEndpoints(["a", "b"]);
  eps.set("a", endpointsOf("a", emus));
  const gateway = startGateway({
    endpoints: eps.source,
    maxOutstandingPerEndpoint: 4,
    queue: { maxWaitMs: 60_000 },
  });
  const stop = async () => {
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  };
  return { emus, eps, gateway, stop };
}

Deno.test("gateway metrics: the values match what was sent", async () => {
  const { emus, gateway, stop } = await twoModels();
  try {
    const idle = await scrape(gateway.url);
    assert.equal(value(idle, "llm_d_epp_request_total", { model_name: "b" }), 0, "present at 0");
    assert.equal(value(idle, "inference_extension_flow_control_queue_size", B), 0);
    const born = { ...A, status: "success", pod_name: "a-1" };
    assert.equal(value(idle, "inference_extension_scheduler_attempts_total", born), 0, "born at 0");
    for (let i = 0; i < 5; i++) await (await chat(gateway.url, "a", 2)).json();
    const streams = [
      await streamChat(gateway.url, 20, "a"),
      await streamChat(gateway.url, 20, "a"),
    ];
    const waiting = chat(gateway.url, "b", 1).then((r) => r.status);
    await until(() => gateway.queued("b").requests === 1, 2000, "b queued");
    const busy = await scrape(gateway.url);
    assert.equal(value(busy, "llm_d_epp_request_running", { model_name: "a" }), 2);
    assert.equal(value(busy, "llm_d_epp_request_running", { model_name: "b" }), 0);
    const sat = (pool: string) =>
      value(busy, "llm_d_epp_flow_control_pool_saturation", { inference_pool: pool });
    assert.deepEqual([sat("a"), sat("b")], [2 / (2 * 4), 1]);
    assert.equal(value(busy, "llm_d_epp_ready_endpoints", { name: "a" }), 2);
    assert.equal(value(busy, "inference_extension_flow_control_queue_size", B), 1);
    assert.equal(value(busy, "llm_d_epp_flow_control_queue_bytes", B), chatBody("b", 1).length);
    assert.equal(value(busy, "inference_extension_flow_control_queue_size", A), 0);
    for (const s of streams) assert.equal(sseSummary(await s.text()).done, true);
    await gateway.stop(); // the queued request is refused now
    assert.equal(await waiting, 503);
    const done = await scrape(gateway.url).catch(() => undefined);
    assert.equal(done, undefined, "stopped: no listener");
    const after = samplesOf(await gateway.metrics());
    assert.equal(value(after, "llm_d_epp_request_total", { model_name: "a" }), 7);
    assert.equal(value(after, "llm_d_epp_request_total", { model_name: "b" }), 1);
    const dispatched = emus.map((emu, i) => {
      const at = { ...A, namespace: "ns", port: new URL(emu.url).port, status: "success" };
      const legacy = value(after, "inference_extension_scheduler_attempts_total", {
        ...at,
        pod_name: `a-${i}`,
      });
      const current = value(after, "llm_d_epp_scheduler_attempts_total", {
        ...at,
        endpoint_name: `a-${i}`,
      });
      assert.equal(legacy, current, "both names count the same");
      return legacy;
    });
    assert.equal(dispatched[0]! + dispatched[1]!, 7);
    assert.ok(Math.min(dispatched[0]!, dispatched[1]!) >= 3, `spread: ${dispatched}`);
    const count = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
    assert.equal(value(after, count, { ...A, outcome: "Dispatched" }), 7);
    assert.equal(value(after, count, { ...B, outcome: "EvictedOther" }), 1, "refused at stop");
  } finally {
    await stop();
  }
});

/**
 * promtool's linter reads the `_d_` of llm-d's own `llm_d_epp_*` names as an abbreviated unit
 * (days); those are the names llm-d's KEDA setups query, kept as they are.
 */
const ALLOWED_LINT = /^llm_d_epp_\w+ metric names should not contain abbreviated units$/;

const promtoolGate = toolGate(
  "gateway metrics: promtool check metrics accepts a scrape with requests running and queued",
  ["promtool"],
  "Debian package prometheus; ./scripts/test.sh installs it",
);

Deno.test({ name: promtoolGate.name, ignore: promtoolGate.ignore }, async () => {
  promtoolGate.check();
  const { eps, emus, gateway, stop } = await twoModels();
  try {
    const streams = [
      await streamChat(gateway.url, 10, "a"),
      await streamChat(gateway.url, 10, "a"),
    ];
    const queued = chat(gateway.url, "b", 1);
    await until(() => gateway.queued("b").requests === 1, 2000, "b queued");
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /inference_extension_flow_control_queue_size\{[^}]*\} 1\n/);
    const { code, problems } = await promtool(text);
    assert.deepEqual(problems.filter((p) => !ALLOWED_LINT.test(p)), [], `promtool exit ${code}`);
    assert.ok(code === 0 || code === 3, `exit ${code}: 1 would be a parse error`);
    eps.set("b", endpointsOf("a", emus).map((e) => ({ ...e, id: `b-${e.id}` })));
    assert.equal((await queued).status, 404, "the emulator serves 'a' only: it refused 'b'");
    await Promise.all([...streams.map((s) => s.text()), (await queued).body?.cancel()]);
  } finally {
    await stop();
  }
});
