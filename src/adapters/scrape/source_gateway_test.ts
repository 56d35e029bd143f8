import assert from "node:assert/strict";
import { parsePromText } from "./prom_text.ts";
import { createScrapeSource } from "./source.ts";
import { combineGateways, gatewayMetrics, readGatewayPoint } from "./source_gateway.ts";

const FLOW = 'fairness_id="default-flow",priority="0",inference_pool="p"';

/**
 * A gateway exposition: both metric families for `m`, a legacy model_name-only series; with
 * `departed`, flow-control departures of `m` split over two outcomes.
 */
function exposition(dispatched: number, queue = 3, departed?: number): string {
  const m = `${FLOW},model_name="m",target_model_name="m"`;
  const left = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
  return [
    ...(departed === undefined ? [] : [
      `${left}{${m},outcome="Dispatched"} ${departed - 7}`,
      `${left}{${m},outcome="RejectedCapacity"} 7`,
    ]),
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
  assert.deepEqual(p.models.get("m"), {
    queueRequests: 3,
    queueBytes: 1200,
    dispatched: 20,
    departed: undefined,
  });
  assert.deepEqual(p.models.get("legacy"), {
    queueRequests: 2,
    queueBytes: undefined,
    dispatched: undefined,
    departed: undefined,
  });
  assert.equal(point(exposition(10, 3, 50), 0).models.get("m")!.departed, 50, "every outcome");
  assert.equal(p.models.get("new")!.queueRequests, 4, "llm-d's family when GIE's has no series");
});

Deno.test("gatewayMetrics() without flow-control departures: the dispatch rate", async (t) => {
  const points = [
    point(exposition(0), 0),
    point(exposition(50, 5), 5_000),
    point(exposition(100, 6), 10_000),
  ];
  await t.step("queue from the newest scrape, rate = increase ÷ span", () => {
    assert.deepEqual(gatewayMetrics(points, "m", 10_000, 10_000), {
      schedulerQueue: { requests: 6, bytes: 1200 },
      arrivalRatePerSec: 20,
      arrivalSource: "dispatches",
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
      arrivalSource: "dispatches",
    });
  });
});

Deno.test("gatewayMetrics() with flow control: departures plus queue growth", async (t) => {
  // 10 s: 30 dispatched; 80 left flow control (50 of them rejected or evicted); queue 3 → 43.
  const points = [point(exposition(0, 3, 20), 0), point(exposition(15, 43, 100), 10_000)];
  await t.step("arrivals = (80 departed + 40 queued more) ÷ 10 s, not the 3 dispatched/s", () => {
    assert.deepEqual(gatewayMetrics(points, "m", 10_000, 15_000).arrivalRatePerSec, 12);
    assert.equal(gatewayMetrics(points, "m", 10_000, 15_000).arrivalSource, "gateway");
  });
  await t.step("a queue draining faster than requests leave is 0 arriving, not less", () => {
    const drain = [point(exposition(0, 43, 100), 0), point(exposition(0, 3, 110), 10_000)];
    assert.equal(gatewayMetrics(drain, "m", 10_000, 15_000).arrivalRatePerSec, 0);
  });
  await t.step("a gateway without flow control makes the sum dispatches", () => {
    const arrivals = gatewayMetrics(points, "m", 10_000, 15_000);
    const plain = gatewayMetrics(
      [point(exposition(0), 0), point(exposition(10), 10_000)],
      "m",
      10_000,
      15_000,
    );
    assert.equal(plain.arrivalSource, "dispatches");
    assert.deepEqual(combineGateways([arrivals, plain]).arrivalSource, "dispatches");
    assert.deepEqual(combineGateways([arrivals, arrivals]).arrivalRatePerSec, 24);
    assert.deepEqual(combineGateways([arrivals, arrivals]).arrivalSource, "gateway");
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
  assert.deepEqual([m!.arrivalRatePerSec, m!.arrivalSource], [20, "dispatches"]);
});
