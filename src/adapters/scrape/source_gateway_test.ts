import assert from "node:assert/strict";
import { parsePromText } from "./prom_text.ts";
import { createScrapeSource } from "./source.ts";
import { combineGateways, gatewayMetrics, readGatewayPoint } from "./source_gateway.ts";

const FLOW = 'fairness_id="default-flow",priority="0",inference_pool="p"';

/** A gateway exposition: both metric families for `m`, a legacy model_name-only series. */
function exposition(dispatched: number, queue = 3): string {
  const m = `${FLOW},model_name="m",target_model_name="m"`;
  return [
    `inference_extension_flow_control_queue_size{${m}} ${queue}`,
    `inference_extension_flow_control_queue_bytes{${m}} 1200`,
    `llm_d_epp_flow_control_queue_size{${m}} ${queue}`,
    `inference_extension_flow_control_queue_size{${FLOW},model_name="legacy",target_model_name=""} 2`,
    `inference_extension_scheduler_attempts_total{status="success",target_model_name="m",pod_name="a",namespace="ns",port="8000"} ${dispatched}`,
    `inference_extension_scheduler_attempts_total{status="success",target_model_name="m",pod_name="b",namespace="ns",port="8000"} ${dispatched}`,
    `inference_extension_scheduler_attempts_total{status="failure",target_model_name="m",pod_name="",namespace="",port=""} 99`,
    `llm_d_epp_flow_control_queue_size{${FLOW},model_name="new",target_model_name="new"} 4`,
    "",
  ].join("\n");
}

const point = (text: string, atMs: number) => readGatewayPoint(parsePromText(text).samples, atMs);

Deno.test("readGatewayPoint() reads the queue and dispatches per target model", () => {
  const p = point(exposition(10), 0);
  assert.deepEqual(p.models.get("m"), { queueRequests: 3, queueBytes: 1200, dispatched: 20 });
  assert.deepEqual(p.models.get("legacy"), {
    queueRequests: 2,
    queueBytes: undefined,
    dispatched: undefined,
  });
  assert.equal(p.models.get("new")!.queueRequests, 4, "llm-d's family when GIE's has no series");
});

Deno.test("gatewayMetrics() gives the newest queue and the dispatch rate over the window", async (t) => {
  const points = [
    point(exposition(0), 0),
    point(exposition(50, 5), 5_000),
    point(exposition(100, 6), 10_000),
  ];
  await t.step("queue from the newest scrape, rate = increase ÷ span", () => {
    assert.deepEqual(gatewayMetrics(points, "m", 10_000, 10_000), {
      schedulerQueue: { requests: 6, bytes: 1200 },
      arrivalRatePerSec: 20,
      arrivalSource: "gateway",
    });
  });
  await t.step("a model the gateway does not report: nothing (unknown, not 0)", () => {
    assert.deepEqual(gatewayMetrics(points, "absent", 10_000, 10_000), {});
  });
  await t.step("no scrape in the window: nothing", () => {
    assert.deepEqual(gatewayMetrics(points, "m", 60_000, 10_000), {});
  });
  await t.step("a counter that went down counts from zero", () => {
    const reset = [point(exposition(100), 0), point(exposition(10), 5_000)];
    assert.equal(gatewayMetrics(reset, "m", 5_000, 10_000).arrivalRatePerSec, 4);
  });
  await t.step("several gateways add up", () => {
    const one = gatewayMetrics(points, "m", 10_000, 10_000);
    assert.deepEqual(combineGateways([one, one, {}]), {
      schedulerQueue: { requests: 12, bytes: 2400 },
      arrivalRatePerSec: 40,
      arrivalSource: "gateway",
    });
  });
});

Deno.test("createScrapeSource() scrapes the gateways it is given", async () => {
  let now = 0;
  let dispatched = 0;
  const fetchFake = ((url: string) => {
    if (url !== "http://gw/metrics") return Promise.reject(new Error("no replica"));
    dispatched += 30;
    return Promise.resolve(new Response(exposition(dispatched)));
  }) as unknown as typeof fetch;
  const source = createScrapeSource({
    targets: () => [],
    gateways: () => ["http://gw"],
    nowMs: () => now,
    fetch: fetchFake,
    windowMs: 10_000,
  });
  const request = { nowMs: 0, models: [{ modelId: "m", namespace: "ns", variants: [] }] };
  await source.collect(request);
  now = 3_000;
  const [m] = await source.collect(request);
  assert.deepEqual(m!.schedulerQueue, { requests: 3, bytes: 1200 });
  assert.deepEqual([m!.arrivalRatePerSec, m!.arrivalSource], [20, "gateway"]);
});
