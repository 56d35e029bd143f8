import assert from "node:assert/strict";
import { parsePromText } from "./prom_text.ts";
import { readVllmSnapshot, type VllmSnapshot } from "./vllm_snapshot.ts";

const VLLM = `# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{model_name="m",engine="0"} 0.4
vllm:kv_cache_usage_perc{model_name="m",engine="1"} 0.6
vllm:num_requests_waiting{model_name="m",engine="0"} 2
vllm:num_requests_waiting{model_name="m",engine="1"} 1
vllm:num_requests_running{model_name="m",engine="0"} 5
vllm:cache_config_info{block_size="16",num_gpu_blocks="2048",engine="0"} 1
vllm:request_success_total{model_name="m",finished_reason="stop"} 7
vllm:request_success_total{model_name="m",finished_reason="length"} 3
vllm:request_prompt_tokens_sum{model_name="m"} 5000
vllm:request_prompt_tokens_count{model_name="m"} 10
vllm:request_generation_tokens_sum{model_name="m"} 2000
vllm:request_generation_tokens_count{model_name="m"} 10
vllm:time_to_first_token_seconds_sum{model_name="m"} 1.5
vllm:time_to_first_token_seconds_count{model_name="m"} 10
vllm:inter_token_latency_seconds_sum{model_name="m"} 60
vllm:inter_token_latency_seconds_count{model_name="m"} 1990
vllm:num_requests_waiting{model_name="other"} 99
`;

/** SGLang's exposition (labels as SGLang ≥ 0.4 writes them). */
const SGLANG = `# TYPE sglang:token_usage gauge
sglang:token_usage{model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"} 0.5
sglang:num_queue_reqs{model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"} 3
sglang:num_running_reqs{model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"} 7
sglang:max_total_num_tokens{model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"} 123456
sglang:gen_throughput{model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"} 812.5
# TYPE sglang:num_requests_total counter
sglang:num_requests_total{model_name="m"} 10
sglang:prompt_tokens_total{model_name="m"} 5000
sglang:generation_tokens_total{model_name="m"} 2000
sglang:prompt_tokens_histogram_sum{model_name="m"} 5000
sglang:prompt_tokens_histogram_count{model_name="m"} 10
sglang:prompt_tokens_histogram_bucket{model_name="m",le="+Inf"} 10
sglang:generation_tokens_histogram_sum{model_name="m"} 2000
sglang:generation_tokens_histogram_count{model_name="m"} 10
sglang:time_to_first_token_seconds_sum{model_name="m"} 1.5
sglang:time_to_first_token_seconds_count{model_name="m"} 10
sglang:inter_token_latency_seconds_sum{model_name="m"} 60
sglang:inter_token_latency_seconds_count{model_name="m"} 1990
sglang:num_queue_reqs{model_name="other",tp_rank="0"} 99
`;

const COUNTERS = {
  requests: 10,
  promptTokensSum: 5000,
  promptTokensCount: 10,
  outputTokensSum: 2000,
  outputTokensCount: 10,
  ttftSecondsSum: 1.5,
  ttftCount: 10,
  itlSecondsSum: 60,
  itlCount: 1990,
};

Deno.test("readVllmSnapshot() reads vLLM's and SGLang's families into the same numbers", async (t) => {
  const cases: { name: string; text: string; model?: string; want: VllmSnapshot }[] = [
    {
      name: "vLLM, two engines of one model",
      text: VLLM,
      model: "m",
      want: {
        kvUsage01: 0.5,
        queueLength: 3,
        runningRequests: 5,
        numGpuBlocks: 2048,
        blockSize: 16,
        counters: COUNTERS,
        engine: "vllm",
      },
    },
    {
      name: "SGLang: the KV size in tokens becomes blocks of one token",
      text: SGLANG,
      model: "m",
      want: {
        kvUsage01: 0.5,
        queueLength: 3,
        runningRequests: 7,
        numGpuBlocks: 123456,
        blockSize: 1,
        counters: COUNTERS,
        engine: "sglang",
      },
    },
    {
      name: "old vLLM KV name",
      text: 'vllm:gpu_cache_usage_perc{model_name="m"} 0.25\n',
      want: {
        kvUsage01: 0.25,
        queueLength: undefined,
        runningRequests: undefined,
        numGpuBlocks: undefined,
        blockSize: undefined,
        counters: {
          ...COUNTERS,
          requests: 0,
          promptTokensSum: 0,
          promptTokensCount: 0,
          outputTokensSum: 0,
          outputTokensCount: 0,
          ttftSecondsSum: 0,
          ttftCount: 0,
          itlSecondsSum: 0,
          itlCount: 0,
        },
        engine: "vllm",
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(readVllmSnapshot(parsePromText(c.text).samples, c.model), c.want);
    });
  }
  await t.step("another model's series are ignored, in both families", () => {
    const text = SGLANG.replaceAll('model_name="m"', 'model_name="x"');
    const s = readVllmSnapshot(parsePromText(text).samples, "m");
    assert.equal(s.queueLength, undefined);
    assert.equal(s.numGpuBlocks, undefined);
    assert.equal(s.counters.requests, 0);
  });
  await t.step("without a model every series counts", () => {
    assert.equal(readVllmSnapshot(parsePromText(SGLANG).samples).queueLength, 102);
  });
});
