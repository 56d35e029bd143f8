/**
 * wva's SGLang readers against SGLang's metric names: a stand-in server exposes the `sglang:`
 * series WVA reads (controller.md §3.4) with counters that grow on every scrape; a real
 * Prometheus scrapes it and the SGLang queries (src/adapters/prometheus/queries.ts) return the
 * numbers it serves, and the direct-scrape source reads the same load from the same text.
 */
import assert from "node:assert/strict";
import { createPromClient } from "../../src/adapters/prometheus/client.ts";
import {
  kvGeometry,
  NAMESPACE_QUERY_NAMES,
  namespaceQueries,
  requestCountQuery,
} from "../../src/adapters/prometheus/queries.ts";
import { createScrapeSource } from "../../src/adapters/scrape/source.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { waitFor } from "../helpers/testcluster.ts";

/** Per scrape: 10 requests of 500 prompt and 200 output tokens, TTFT 0.1 s, ITL 0.03 s. */
function sglangText(scrapes: number): string {
  const l = 'model_name="m",engine_type="unified",tp_rank="0",pp_rank="0"';
  const n = 10 * scrapes;
  const lines = [
    "# TYPE sglang:token_usage gauge",
    `sglang:token_usage{${l}} 0.42`,
    `sglang:num_queue_reqs{${l}} 3`,
    `sglang:num_running_reqs{${l}} 7`,
    `sglang:max_total_num_tokens{${l}} 123456`,
    "# TYPE sglang:num_requests_total counter",
    `sglang:num_requests_total{${l}} ${n}`,
    "# TYPE sglang:prompt_tokens_histogram histogram",
    `sglang:prompt_tokens_histogram_bucket{${l},le="+Inf"} ${n}`,
    `sglang:prompt_tokens_histogram_sum{${l}} ${500 * n}`,
    `sglang:prompt_tokens_histogram_count{${l}} ${n}`,
    "# TYPE sglang:generation_tokens_histogram histogram",
    `sglang:generation_tokens_histogram_bucket{${l},le="+Inf"} ${n}`,
    `sglang:generation_tokens_histogram_sum{${l}} ${200 * n}`,
    `sglang:generation_tokens_histogram_count{${l}} ${n}`,
    "# TYPE sglang:time_to_first_token_seconds histogram",
    `sglang:time_to_first_token_seconds_bucket{${l},le="+Inf"} ${n}`,
    `sglang:time_to_first_token_seconds_sum{${l}} ${0.1 * n}`,
    `sglang:time_to_first_token_seconds_count{${l}} ${n}`,
    "# TYPE sglang:inter_token_latency_seconds histogram",
    `sglang:inter_token_latency_seconds_bucket{${l},le="+Inf"} ${199 * n}`,
    `sglang:inter_token_latency_seconds_sum{${l}} ${0.03 * 199 * n}`,
    `sglang:inter_token_latency_seconds_count{${l}} ${199 * n}`,
  ];
  return lines.join("\n") + "\n";
}

Deno.test("SGLang's metric names through a real Prometheus and the direct scrape", async (t) => {
  let scrapes = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, () => {
    scrapes++;
    return new Response(sglangText(scrapes), { headers: { "content-type": "text/plain" } });
  });
  const target = `127.0.0.1:${server.addr.port}`;
  const prom = await startPrometheus({
    staticTargets: [{ targets: [target], labels: { pod: "sg-0", namespace: "ns" } }],
    scrapeIntervalSec: 1,
  });
  const client = createPromClient({ url: prom.url });
  const q = namespaceQueries({ namespace: "ns", models: ["m"] }, {
    windowSec: 4,
    tokenWindowSec: 4,
  }, "sglang");
  const one = async (expr: string) => (await client.instant(expr))[0];
  try {
    await t.step("every SGLang query returns the served numbers", async () => {
      // rate() divides by the window: wait until the window is full of scrapes.
      await waitFor("a full window of scrapes", async () => {
        return ((await one(q.arrival_rate))?.value ?? 0) > 7 ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      const got = Object.fromEntries(
        await Promise.all(NAMESPACE_QUERY_NAMES.map(async (n) => [n, await one(q[n])] as const)),
      );
      for (const n of NAMESPACE_QUERY_NAMES) assert.ok(got[n], `${n}: no result for ${q[n]}`);
      assert.equal(got.kv_cache_usage!.value, 0.42);
      assert.equal(got.kv_cache_usage!.labels.pod, "sg-0");
      assert.equal(got.queue_length!.value, 3);
      assert.equal(got.running_requests!.value, 7);
      assert.deepEqual(kvGeometry("sglang", got.cache_config_info!), {
        numGpuBlocks: 123456,
        blockSize: 1,
      });
      assert.ok(
        got.arrival_rate!.value > 7 && got.arrival_rate!.value < 14,
        `${got.arrival_rate!.value}`,
      );
      assert.ok(Math.abs(got.avg_input_tokens!.value - 500) < 1e-6);
      assert.ok(Math.abs(got.avg_output_tokens!.value - 200) < 1e-6);
      assert.ok(Math.abs(got.avg_ttft!.value - 0.1) < 1e-9);
      assert.ok(Math.abs(got.avg_itl!.value - 0.03) < 1e-9);
      const count = await one(requestCountQuery("ns", "m", 60, "sglang"));
      assert.ok(count && count.value > 0);
    });

    await t.step("the direct scrape reads the same gauges and load", async () => {
      const source = createScrapeSource({
        targets: () => [{
          replicaId: "sg-0",
          variant: "v",
          modelId: "m",
          namespace: "ns",
          url: `http://${target}`,
        }],
        windowMs: 10_000,
      });
      await source.scrape();
      await new Promise((r) => setTimeout(r, 300));
      const [m] = await source.collect({
        nowMs: Date.now(),
        models: [{
          modelId: "m",
          namespace: "ns",
          variants: [{ name: "v", replicaIds: ["sg-0"] }],
        }],
      });
      const r = m!.replicas[0]!;
      assert.equal(r.kvUsage01, 0.42);
      assert.equal(r.queueLength, 3);
      assert.equal(r.runningRequests, 7);
      assert.equal(r.numGpuBlocks! * r.blockSize!, 123456);
      assert.ok(Math.abs(m!.avgInputTokens! - 500) < 1e-6);
      assert.ok(Math.abs(m!.avgOutputTokens! - 200) < 1e-6);
      assert.ok(Math.abs(m!.itlMs! - 30) < 1e-6);
      assert.ok(m!.arrivalRatePerSec! > 0);
    });
  } finally {
    await prom.stop();
    await server.shutdown();
  }
});
