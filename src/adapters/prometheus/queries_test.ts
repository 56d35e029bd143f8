import assert from "node:assert/strict";
import {
  DEFAULT_WINDOWS,
  escapeLabelValue,
  escapeRegex,
  kvGeometry,
  namespaceQueries,
  promDuration,
  requestCountQuery,
  scopeSelector,
} from "./queries.ts";

Deno.test("escapeLabelValue() and escapeRegex() keep values literal", async (t) => {
  const cases: Array<[string, string, string]> = [
    ["plain", "meta/llama-3", "meta/llama-3"],
    ["quote and backslash", 'a"b\\c', 'a\\"b\\\\c'],
    ["newline", "a\nb", "a\\nb"],
  ];
  for (const [name, input, want] of cases) {
    await t.step(name, () => assert.equal(escapeLabelValue(input), want));
  }
  await t.step("regex metacharacters", () => {
    assert.equal(escapeRegex("llama-3.1+x(y)"), "llama-3\\.1\\+x\\(y\\)");
  });
});

Deno.test("scopeSelector() uses equality for one model and an anchored regex for several", () => {
  assert.equal(
    scopeSelector({ namespace: "ns", models: ["m/a"] }),
    'namespace="ns",model_name="m/a"',
  );
  assert.equal(
    scopeSelector({ namespace: "ns", models: ["b.1", "a", "a"] }),
    'namespace="ns",model_name=~"^(?:a|b\\\\.1)$"',
  );
});

Deno.test("namespaceQueries() renders the controller.md §3.4 templates", () => {
  const q = namespaceQueries({ namespace: "llm", models: ["m"] }, {
    windowSec: 30,
    tokenWindowSec: 150,
  });
  const sel = 'namespace="llm",model_name="m"';
  assert.equal(
    q.kv_cache_usage,
    `max by (model_name,pod,llm_d_ai_variant) (max_over_time(vllm:kv_cache_usage_perc{${sel}}[30s]))`,
  );
  assert.equal(
    q.queue_length,
    `max by (model_name,pod,llm_d_ai_variant) (max_over_time(vllm:num_requests_waiting{${sel}}[30s]))`,
  );
  assert.equal(
    q.cache_config_info,
    'max by (pod,num_gpu_blocks,block_size) (vllm:cache_config_info{namespace="llm"})',
  );
  assert.equal(
    q.arrival_rate,
    `sum by (model_name) (rate(vllm:request_success_total{${sel}}[30s]))`,
  );
  assert.equal(
    q.avg_output_tokens,
    `sum by (model_name) (rate(vllm:request_generation_tokens_sum{${sel}}[150s])) / ` +
      `sum by (model_name) (rate(vllm:request_generation_tokens_count{${sel}}[150s]))`,
  );
  assert.match(q.avg_itl, /vllm:inter_token_latency_seconds_sum\{.*\}\[30s\]/);
  assert.equal(
    requestCountQuery("llm", "m", 600),
    `sum by (model_name) (increase(vllm:request_success_total{${sel}}[600s]))`,
  );
});

Deno.test("promDuration() rejects non-positive windows", () => {
  assert.equal(promDuration(59.6), "60s");
  assert.throws(() => promDuration(0), RangeError);
});

Deno.test("namespaceQueries() renders the SGLang column of controller.md §3.4", () => {
  const q = namespaceQueries({ namespace: "llm", models: ["m"] }, {
    windowSec: 30,
    tokenWindowSec: 150,
  }, "sglang");
  const sel = 'namespace="llm",model_name="m"';
  const by = "max by (model_name,pod,llm_d_ai_variant)";
  const ratio = (metric: string, win: string) =>
    `sum by (model_name) (rate(${metric}_sum{${sel}}[${win}])) / ` +
    `sum by (model_name) (rate(${metric}_count{${sel}}[${win}]))`;
  assert.deepEqual(q, {
    kv_cache_usage: `${by} (max_over_time(sglang:token_usage{${sel}}[30s]))`,
    queue_length: `${by} (max_over_time(sglang:num_queue_reqs{${sel}}[30s]))`,
    running_requests: `${by} (max_over_time(sglang:num_running_reqs{${sel}}[30s]))`,
    sample_time: `${by} (timestamp(sglang:token_usage{${sel}}))`,
    cache_config_info: 'max by (pod) (sglang:max_total_num_tokens{namespace="llm"})',
    arrival_rate: `sum by (model_name) (rate(sglang:num_requests_total{${sel}}[30s]))`,
    avg_input_tokens: ratio("sglang:prompt_tokens_histogram", "150s"),
    avg_output_tokens: ratio("sglang:generation_tokens_histogram", "150s"),
    avg_ttft: ratio("sglang:time_to_first_token_seconds", "30s"),
    avg_itl: ratio("sglang:inter_token_latency_seconds", "30s"),
    replica_itl:
      `sum by (model_name,pod,llm_d_ai_variant) (rate(sglang:inter_token_latency_seconds_sum{${sel}}[30s])) / ` +
      `sum by (model_name,pod,llm_d_ai_variant) (rate(sglang:inter_token_latency_seconds_count{${sel}}[30s]))`,
    kv_usage_instant: `${by} (sglang:token_usage{${sel}})`,
  });
  assert.equal(
    requestCountQuery("llm", "m", 600, "sglang"),
    `sum by (model_name) (increase(sglang:num_requests_total{${sel}}[600s]))`,
  );
});

Deno.test("every engine's queries read only that engine's series; vLLM is the default", () => {
  const scope = { namespace: "ns", models: ["a", "b"] };
  assert.deepEqual(namespaceQueries(scope), namespaceQueries(scope, DEFAULT_WINDOWS, "vllm"));
  for (const [engine, other] of [["vllm", "sglang:"], ["sglang", "vllm:"]] as const) {
    for (const expr of Object.values(namespaceQueries(scope, DEFAULT_WINDOWS, engine))) {
      assert.ok(!expr.includes(other), `${engine}: ${expr}`);
    }
  }
});

Deno.test("kvGeometry() reads vLLM's labels and SGLang's token count", async (t) => {
  const cases: [string, "vllm" | "sglang", Record<string, string>, number, unknown][] = [
    ["vLLM labels", "vllm", { num_gpu_blocks: "2048", block_size: "16" }, 1, {
      numGpuBlocks: 2048,
      blockSize: 16,
    }],
    ["SGLang value in tokens", "sglang", {}, 123456, { numGpuBlocks: 123456, blockSize: 1 }],
    ["vLLM without labels", "vllm", {}, 1, undefined],
    ["SGLang zero", "sglang", {}, 0, undefined],
    ["SGLang NaN", "sglang", {}, NaN, undefined],
  ];
  for (const [name, engine, labels, value, want] of cases) {
    await t.step(name, () => assert.deepEqual(kvGeometry(engine, { labels, value }), want));
  }
});
