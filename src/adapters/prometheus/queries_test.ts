import assert from "node:assert/strict";
import {
  escapeLabelValue,
  escapeRegex,
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
