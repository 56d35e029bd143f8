/**
 * A real Prometheus (Debian's binary) scraping the gateway answers the queries WVA and llm-d's
 * KEDA setups run (controller.md §3.4, baselines.md §5): while requests for a model at 0 wait,
 * the queue size and bytes per target model; once an endpoint appears and serves them, a queue
 * of 0 and a positive arrival rate (WVA's dispatch-based one and wva's arrivals). This is the
 * signal scale-from-zero reads.
 */
import assert from "node:assert/strict";
import { startGateway } from "../../src/adapters/gateway/router.ts";
import { gatewayQueries } from "../../src/adapters/prometheus/gateway_queries.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { toolGate } from "../helpers/tools.ts";
import { chat, chatBody, emulators, endpointsOf, testEndpoints, until } from "./helpers.ts";

/** WVA's model-level queries (internal/collector/registration), for model `m`. */
const WVA = {
  queueSize: 'sum(inference_extension_flow_control_queue_size{target_model_name="m"}) or ' +
    'sum(inference_extension_flow_control_queue_size{model_name="m",target_model_name=""})',
  queueBytes: 'sum(inference_extension_flow_control_queue_bytes{target_model_name="m"}) or ' +
    'sum(inference_extension_flow_control_queue_bytes{model_name="m",target_model_name=""})',
  arrivalRate: "sum by (namespace)(rate(inference_extension_scheduler_attempts_total" +
    '{status="success",namespace="ns",target_model_name="m"}[1m]))',
};
/** llm-d's KEDA trigger (baselines.md §5 #4). */
const KEDA_QUEUE = 'sum(llm_d_epp_flow_control_queue_size{target_model_name="m"})';

const gate = toolGate(
  "gateway metrics through Prometheus: WVA's queue and arrival queries see the waiting demand",
  ["prometheus"],
  "Debian package prometheus; ./scripts/test.sh installs it",
);

Deno.test({ name: gate.name, ignore: gate.ignore }, async () => {
  gate.check();
  const eps = testEndpoints(["m"]);
  const gateway = startGateway({ endpoints: eps.source, queue: { maxWaitMs: 60_000 } });
  const emus = await emulators("m", 1);
  const prom = await startPrometheus({
    staticTargets: [{ targets: [new URL(gateway.url).host], labels: { namespace: "ns" } }],
  });
  const scalar = async (expr: string) => Number((await prom.query(expr))[0]?.value[1] ?? NaN);
  const eventually = async (expr: string, want: (v: number) => boolean, what: string) => {
    let last = NaN;
    const deadline = Date.now() + 20_000;
    while (!want(last = await scalar(expr))) {
      if (Date.now() > deadline) throw new Error(`${what}: ${expr} = ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  try {
    const sent = [chat(gateway.url, "m", 1), chat(gateway.url, "m", 2)];
    await until(() => gateway.queued("m").requests === 2, 2000, "two queued");
    await eventually(WVA.queueSize, (v) => v === 2, "WVA's queue size");
    assert.equal(await scalar(KEDA_QUEUE), 2, "KEDA's queue trigger");
    const bytes = chatBody("m", 1).length + chatBody("m", 2).length;
    assert.equal(await scalar(WVA.queueBytes), bytes);
    eps.set("m", endpointsOf("m", emus)); // scaled from zero: the replica is ready
    for (const r of await Promise.all(sent)) assert.equal(r.status, 200, await r.text());
    await eventually(WVA.queueSize, (v) => v === 0, "the queue drained");
    // The endpoint's dispatch counter was born at 2 (it got the queue the instant it appeared),
    // so rate() cannot count those two; it counts what follows.
    for (let i = 0; i < 4; i++) {
      assert.equal((await (await chat(gateway.url, "m", 1)).json()).object, "chat.completion");
      await new Promise((r) => setTimeout(r, 700));
    }
    await eventually(WVA.arrivalRate, (v) => v > 0, "WVA's arrival rate");
    // wva's arrivals: what left flow control (the queue-duration histogram) + the queue's growth.
    const wva = gatewayQueries({ namespace: "ns", models: ["m"] }, 60);
    await eventually(wva.gateway_arrival_rate, (v) => v > 0, "wva's gateway arrival rate");
  } finally {
    await prom.stop();
    await gateway.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});
