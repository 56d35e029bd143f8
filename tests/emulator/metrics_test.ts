/**
 * The `/metrics` scrape: promtool accepts it (under load), and the values match what was sent:
 * request counts by finished_reason, token totals, histogram counts, gauges during load.
 */
import { strict as assert } from "node:assert";
import { toolGate } from "../helpers/tools.ts";
import { postJson, promtool, readSse, sampleValue, sleep, withEmulator } from "./helpers.ts";

const L = `model_name="default/default",engine="0"`;
const MSG = [{ role: "user", content: "twelve chars" }];

/**
 * promtool's linter flags every vLLM name for its ':' and `iteration_tokens_total` for a
 * `_total` suffix on a histogram; both are vLLM's own names, kept for compatibility.
 */
const ALLOWED_LINT = [
  /^vllm:\S+ metric names should not contain ':'$/,
  /^vllm:iteration_tokens_total non-counter metrics should not have "_total" suffix$/,
];

const promtoolGate = toolGate(
  "promtool check metrics accepts a scrape taken under load",
  ["promtool"],
  "Debian package prometheus; ./scripts/test.sh installs it",
);

Deno.test({ name: promtoolGate.name, ignore: promtoolGate.ignore }, async () => {
  promtoolGate.check();
  await withEmulator({ alphaMs: 5, betaMs: 0.5, deprecatedMetrics: true }, async (emu) => {
    const streams = Array.from(
      { length: 12 },
      (_, i) =>
        postJson(`${emu.url}/v1/chat/completions`, {
          messages: MSG,
          max_tokens: 20 + i,
          stream: true,
        })
          .then((r) => readSse(r)),
    );
    await sleep(60);
    const text = await (await fetch(`${emu.url}/metrics`)).text();
    assert.equal(sampleValue(text, `vllm:num_requests_running{${L}}`), 12);
    await Promise.all(streams);
    const { code, problems } = await promtool(text);
    const unexpected = problems.filter((p) => !ALLOWED_LINT.some((re) => re.test(p)));
    assert.deepEqual(unexpected, [], `promtool exit ${code}`);
    assert.ok(code === 0 || code === 3, `exit ${code}: 1 would be a parse error`);
  });
});

Deno.test("metrics count what was served", async () => {
  await withEmulator({ alphaMs: 2, betaMs: 0.1, gammaMs: 3, deltaMs: 0 }, async (emu) => {
    const before = await (await fetch(`${emu.url}/metrics`)).text();
    assert.equal(sampleValue(before, `vllm:e2e_request_latency_seconds_count{${L}}`), 0);
    assert.equal(sampleValue(before, `vllm:num_requests_waiting{${L}}`), 0);
    for (let i = 0; i < 5; i++) {
      const r = await postJson(`${emu.url}/v1/chat/completions`, { messages: MSG, max_tokens: 4 });
      await r.text();
    }
    const r = await postJson(`${emu.url}/v1/completions`, { prompt: "abcd", max_tokens: 2, n: 3 });
    await r.text();
    const text = await (await fetch(`${emu.url}/metrics`)).text();
    const v = (s: string) => sampleValue(text, s);
    assert.equal(v(`vllm:request_success_total{${L},finished_reason="length"}`), 8);
    assert.equal(v(`vllm:request_success_total{${L},finished_reason="stop"}`), 0, "pre-created");
    assert.equal(v(`vllm:generation_tokens_total{${L}}`), 5 * 4 + 3 * 2);
    assert.equal(
      v(`vllm:prompt_tokens_total{${L}}`),
      5 * 10 + 3 * 1,
      "chat: 3 + 4 + 3 per request",
    );
    assert.equal(v(`vllm:time_to_first_token_seconds_count{${L}}`), 8);
    assert.equal(v(`vllm:inter_token_latency_seconds_count{${L}}`), 5 * 3 + 3 * 1);
    assert.equal(v(`vllm:request_queue_time_seconds_count{${L}}`), 8, "every finished request");
    assert.equal(v(`vllm:e2e_request_latency_seconds_count{${L}}`), 8);
    assert.equal(v(`vllm:request_params_n_count{${L}}`), 6);
    assert.equal(v(`vllm:request_generation_tokens_sum{${L}}`), 26);
    assert.equal(v(`vllm:num_requests_running{${L}}`), 0);
    assert.equal(v(`vllm:kv_cache_usage_perc{${L}}`), 0);
    assert.match(
      text,
      /vllm:cache_config_info\{block_size="16",num_gpu_blocks="27000",[^}]*engine="0"\} 1/,
    );
    assert.equal(v(`vllm:time_to_first_token_seconds_bucket{le="0.001",${L}}`), 0, "TTFT 3 ms");
    assert.equal(v(`vllm:time_to_first_token_seconds_bucket{le="0.005",${L}}`), 8);
    assert.equal(v(`vllm:time_to_first_token_seconds_bucket{le="+Inf",${L}}`), 8);
    assert.ok(!text.includes("vllm:gpu_cache_usage_perc"), "aliases are off by default");
    assert.ok(!text.includes("process_cpu"), "no default process metrics");
  });
});

Deno.test("kv_cache_usage_perc follows resident tokens while requests run", async () => {
  // 4 blocks × 16 tokens; one request with a 33-token prompt holds 3 blocks
  const opts = { alphaMs: 5, betaMs: 0, kvCacheBlocks: 4, blockSize: 16, maxModelLen: 64 } as const;
  await withEmulator(opts, async (emu) => {
    const res = await postJson(`${emu.url}/v1/completions`, {
      prompt: Array.from({ length: 33 }, (_, i) => i),
      max_tokens: 20,
      stream: true,
    });
    const reading = readSse(res);
    await sleep(40);
    const text = await (await fetch(`${emu.url}/metrics`)).text();
    assert.equal(sampleValue(text, `vllm:kv_cache_usage_perc{${L}}`), 0.75);
    await reading;
  });
});
