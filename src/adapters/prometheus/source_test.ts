import assert from "node:assert/strict";
import type { PromQuery, PromSample } from "./client.ts";
import { createPrometheusSource } from "./source.ts";

const EVAL_MS = 2_000_000;

function sample(labels: Record<string, string>, value: number): PromSample {
  return { labels, atMs: EVAL_MS, value };
}

/** A PromQuery answering by the metric name found in the expression. */
function cannedProm(
  answers: Record<string, PromSample[]>,
  fail?: RegExp,
): PromQuery & { exprs: string[] } {
  const exprs: string[] = [];
  return {
    exprs,
    instant(expr) {
      exprs.push(expr);
      if (fail?.test(expr)) return Promise.reject(new Error("prometheus down"));
      const key = Object.keys(answers).find((k) => expr.includes(k));
      return Promise.resolve(key ? answers[key]! : []);
    },
    close() {},
  };
}

const pod = (p: string, extra: Record<string, string> = {}) => ({
  model_name: "m",
  pod: p,
  ...extra,
});

Deno.test("createPrometheusSource() assembles samples and load", async (t) => {
  const prom = cannedProm({
    "max_over_time(vllm:kv_cache_usage_perc": [
      sample(pod("a-0"), 0.5),
      sample(pod("a-1", { llm_d_ai_variant: "va-a" }), 0.9),
      sample({ model_name: "other", pod: "o-0" }, 0.1),
    ],
    "vllm:num_requests_waiting": [sample(pod("a-0"), 2)],
    "vllm:num_requests_running": [sample(pod("a-0"), 7)],
    "timestamp(": [sample(pod("a-0"), EVAL_MS / 1000 - 3)],
    "vllm:cache_config_info": [sample({ pod: "a-0", num_gpu_blocks: "1000", block_size: "16" }, 1)],
    "rate(vllm:request_success_total": [sample({ model_name: "m" }, 4.5)],
    "vllm:request_prompt_tokens_sum": [sample({ model_name: "m" }, 120)],
    "vllm:request_generation_tokens_sum": [sample({ model_name: "m" }, NaN)],
    "vllm:time_to_first_token_seconds_sum": [sample({ model_name: "m" }, 0.05)],
    "sum by (model_name,pod,llm_d_ai_variant) (rate(vllm:inter_token_latency_seconds_sum": [
      sample(pod("a-0"), 0.025),
    ],
    "max by (model_name,pod,llm_d_ai_variant) (vllm:kv_cache_usage_perc": [
      sample(pod("a-0"), 0.4),
    ],
  });
  const source = createPrometheusSource(prom);
  const nowMs = 9_000_000;
  const [m] = await source.collect({
    nowMs,
    models: [{ modelId: "m", namespace: "ns", variants: [], requestWindowMs: 60_000 }],
  });
  await t.step("per-pod samples: missing series stay undefined, age from timestamp()", () => {
    assert.deepEqual(m!.replicas, [
      {
        replicaId: "a-0",
        kvUsage01: 0.5,
        queueLength: 2,
        runningRequests: 7,
        numGpuBlocks: 1000,
        blockSize: 16,
        itlMs: 25,
        kvUsageInstant01: 0.4,
        sampleMs: nowMs - 3000,
      },
      {
        replicaId: "a-1",
        variant: "va-a",
        kvUsage01: 0.9,
        queueLength: undefined,
        runningRequests: undefined,
        numGpuBlocks: undefined,
        blockSize: undefined,
        kvUsageInstant01: undefined,
        sampleMs: undefined,
      },
    ]);
  });
  await t.step("model load: NaN dropped, seconds to ms, empty request count is unknown", () => {
    assert.equal(m!.arrivalRatePerSec, 4.5);
    assert.equal(m!.arrivalSource, "completions");
    assert.equal(m!.avgInputTokens, 120);
    assert.equal(m!.avgOutputTokens, undefined);
    assert.equal(m!.ttftMs, 50);
    assert.equal(m!.itlMs, undefined);
    // issue 12 case 4: an empty result was counted as 0 requests (idle → scale to zero)
    assert.equal(m!.requestsInWindow, undefined);
    assert.equal(m!.schedulerQueue, undefined, "no gateway series: not read");
  });
  await t.step("one set of queries per namespace, the gateway's, plus the request counts", () => {
    assert.equal(prom.exprs.length, 18);
    const perModel = prom.exprs.filter((e) =>
      e.includes("flow_control_queue") || e.includes("llm_d_epp_request_total")
    );
    assert.equal(
      perModel.length,
      4,
      "the gateway queue, its arrival rate and request count are per target model",
    );
    assert.ok(
      prom.exprs.filter((e) => !perModel.includes(e)).every((e) => e.includes('namespace="ns"')),
    );
  });
});

Deno.test("createPrometheusSource() reads the inference gateway per target model", async (t) => {
  const gw = (model: string, value: number) => sample({ target_model_name: model }, value);
  const prom = cannedProm({
    // No flow-control departures (the arrival query also names the queue size).
    "request_queue_duration_seconds_count": [],
    "inference_extension_flow_control_queue_size": [gw("m", 3), gw("other", 9)],
    "inference_extension_flow_control_queue_bytes": [gw("m", 900)],
    "rate(inference_extension_scheduler_attempts_total": [gw("m", 7)],
    "rate(vllm:request_success_total": [sample({ model_name: "m" }, 4.5)],
    "increase(vllm:request_success_total": [sample({ model_name: "m" }, 0)],
  });
  const [m, idle] = await createPrometheusSource(prom).collect({
    nowMs: 0,
    models: [
      { modelId: "m", namespace: "ns", variants: [], requestWindowMs: 60_000 },
      { modelId: "idle", namespace: "ns", variants: [] },
    ],
  });
  await t.step("queue size and bytes become the scheduler queue", () => {
    assert.deepEqual(m!.schedulerQueue, { requests: 3, bytes: 900 });
    assert.equal(idle!.schedulerQueue, undefined);
  });
  await t.step("without flow-control departures, the gateway's dispatches", () => {
    assert.deepEqual([m!.arrivalRatePerSec, m!.arrivalSource], [7, "dispatches"]);
  });
  await t.step("a request count series at 0 is 0", () => assert.equal(m!.requestsInWindow, 0));
  await t.step("the queries: GIE's names first, model_name fallback, then llm-d's", () => {
    const size = prom.exprs.find((e) => e.includes("queue_size"))!;
    assert.match(
      size,
      /^sum by \(target_model_name\) \(inference_extension_flow_control_queue_size\{target_model_name=~"\^\(\?:idle\|m\)\$"\}\) or label_replace\(/,
    );
    assert.match(size, /model_name=~"\^\(\?:idle\|m\)\$",target_model_name=""/);
    assert.match(size, / or sum by \(target_model_name\) \(llm_d_epp_flow_control_queue_size\{/);
    const rate = prom.exprs.find((e) => e.includes("scheduler_attempts"))!;
    assert.doesNotMatch(rate, /flow_control/, "dispatches only");
    assert.match(rate, /status="success",namespace="ns"/);
    assert.match(
      rate,
      / or sum by \(target_model_name\) \(rate\(llm_d_epp_scheduler_attempts_total/,
    );
  });
});

Deno.test("createPrometheusSource() takes the gateway's arrivals over its dispatches", async (t) => {
  const gw = (model: string, value: number) => sample({ target_model_name: model }, value);
  const prom = cannedProm({
    // First: the arrival query also names the queue size (its growth).
    "request_queue_duration_seconds_count": [gw("m", 50), gw("draining", -2)],
    "rate(inference_extension_scheduler_attempts_total": [gw("m", 17), gw("draining", 5)],
    "rate(vllm:request_success_total": [sample({ model_name: "m" }, 16)],
  });
  const [m, draining] = await createPrometheusSource(prom, {
    windows: { windowSec: 30, tokenWindowSec: 300 },
  }).collect({
    nowMs: 0,
    models: [
      { modelId: "m", namespace: "ns", variants: [] },
      { modelId: "draining", namespace: "ns", variants: [] },
    ],
  });
  await t.step("arrivals, not the 17 dispatched or the 16 completed", () => {
    assert.deepEqual([m!.arrivalRatePerSec, m!.arrivalSource], [50, "gateway"]);
  });
  await t.step("a queue emptying faster than anything leaves is 0 arriving, not less", () => {
    assert.deepEqual([draining!.arrivalRatePerSec, draining!.arrivalSource], [0, "gateway"]);
  });
  await t.step("the query: departures of every outcome plus the queue's growth", () => {
    const q = prom.exprs.find((e) => e.includes("request_queue_duration_seconds_count"))!;
    const departures = "sum by (target_model_name) (rate(" +
      'inference_extension_flow_control_request_queue_duration_seconds_count{target_model_name=~"^(?:draining|m)$"}[30s]))';
    assert.ok(q.startsWith(`((${departures} or label_replace(`), q);
    assert.match(q, /llm_d_epp_flow_control_request_queue_duration_seconds_count\{/);
    assert.match(
      q,
      /\) \+ \(sum by \(target_model_name\) \(delta\(inference_extension_flow_control_queue_size\{[^}]*\}\[30s\]\)\)/,
    );
    assert.match(q, /delta\(llm_d_epp_flow_control_queue_size\{[^}]*\}\[30s\]\)\)\) \/ 30\) or \(/);
    assert.doesNotMatch(q, /outcome/, "every outcome counts");
  });
});

Deno.test("createPrometheusSource(): the request count is the most of completions and gateway arrivals", async (t) => {
  const count = async (answers: Record<string, PromSample[]>) => {
    const [m] = await createPrometheusSource(cannedProm(answers)).collect({
      nowMs: 0,
      models: [{ modelId: "m", namespace: "ns", variants: [], requestWindowMs: 20_000 }],
    });
    return m!.requestsInWindow;
  };
  const served = (v: number) => [sample({ model_name: "m" }, v)];
  const arrived = (v: number) => [sample({ target_model_name: "m" }, v)];
  const cases: [string, Record<string, PromSample[]>, number | undefined][] = [
    [
      "a server scaled from zero, first scraped after serving the queued requests: the gateway counts them",
      {
        "increase(vllm:request_success_total": served(0),
        "increase(llm_d_epp_request_total": arrived(3),
      },
      3,
    ],
    ["no gateway: the servers' count", { "increase(vllm:request_success_total": served(5) }, 5],
    ["no replica, no requests at the gateway: 0", {
      "increase(llm_d_epp_request_total": arrived(0),
    }, 0],
    ["neither series: unknown (never idle)", {}, undefined],
  ];
  for (const [name, answers, want] of cases) {
    await t.step(name, async () => assert.equal(await count(answers), want));
  }
  await t.step(
    "the gateway query: llm-d's arrivals counter of the target model over the window",
    () => {
      const prom = cannedProm({});
      return createPrometheusSource(prom).collect({
        nowMs: 0,
        models: [{ modelId: "m", namespace: "ns", variants: [], requestWindowMs: 20_000 }],
      }).then(() => {
        assert.ok(
          prom.exprs.includes(
            'sum by (target_model_name) (increase(llm_d_epp_request_total{target_model_name="m"}[20s]))',
          ),
          prom.exprs.join("\n"),
        );
      });
    },
  );
});

Deno.test("createPrometheusSource() fails a namespace, not the others", async () => {
  const prom = cannedProm({}, /namespace="bad"/);
  const observed: boolean[] = [];
  const source = createPrometheusSource(prom, { observe: (q) => observed.push(q.ok) });
  const r = await source.collect({
    nowMs: 0,
    models: [
      { modelId: "m", namespace: "bad", variants: [] },
      { modelId: "m", namespace: "good", variants: [] },
    ],
  });
  assert.equal(r.find((x) => x.namespace === "bad")!.error, "prometheus down");
  assert.equal(r.find((x) => x.namespace === "good")!.error, undefined);
  assert.ok(observed.includes(false) && observed.includes(true));
});

Deno.test("createPrometheusSource() reads SGLang models in the sglang: family", async (t) => {
  const prom = cannedProm({
    "max_over_time(sglang:token_usage": [sample(pod("s-0"), 0.3)],
    "sglang:num_queue_reqs": [sample(pod("s-0"), 4)],
    "sglang:max_total_num_tokens": [sample({ pod: "s-0" }, 500_000)],
    "max_over_time(vllm:kv_cache_usage_perc": [sample({ model_name: "v", pod: "v-0" }, 0.7)],
    "increase(sglang:num_requests_total": [sample({ model_name: "m" }, 3)],
  });
  const r = await createPrometheusSource(prom).collect({
    nowMs: 0,
    models: [
      { modelId: "m", namespace: "ns", variants: [], engine: "sglang", requestWindowMs: 60_000 },
      { modelId: "v", namespace: "ns", variants: [] },
    ],
  });
  const m = r.find((x) => x.modelId === "m")!;
  await t.step("gauges and the KV size in tokens (blocks of one token)", () => {
    assert.deepEqual(
      [m.replicas[0]?.kvUsage01, m.replicas[0]?.queueLength, m.replicas[0]?.numGpuBlocks],
      [0.3, 4, 500_000],
    );
    assert.equal(m.replicas[0]?.blockSize, 1);
    assert.equal(m.requestsInWindow, 3);
  });
  await t.step("one query set per namespace and engine", () => {
    assert.equal(r.find((x) => x.modelId === "v")!.replicas[0]?.kvUsage01, 0.7);
    const sglang = prom.exprs.filter((e) => e.includes("sglang:"));
    const vllm = prom.exprs.filter((e) => e.includes("vllm:"));
    assert.ok(sglang.length >= 12 && vllm.length >= 12);
    assert.ok(sglang.every((e) => !e.includes('model_name="v"')));
  });
});
