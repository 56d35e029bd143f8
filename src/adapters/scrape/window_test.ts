import assert from "node:assert/strict";
import { parsePromText } from "./prom_text.ts";
import {
  readVllmSnapshot,
  type VllmCounters,
  type VllmSnapshot,
  ZERO_COUNTERS,
} from "./vllm_snapshot.ts";
import { counterIncrease, estimateLoad, type ScrapePoint, windowGauges } from "./window.ts";

function point(atMs: number, fields: Partial<VllmSnapshot> & { c?: Partial<VllmCounters> }) {
  const { c, ...rest } = fields;
  return {
    atMs,
    snapshot: { ...rest, counters: { ...ZERO_COUNTERS, ...c } },
  } satisfies ScrapePoint;
}

Deno.test("readVllmSnapshot() reads gauges, cache geometry, counters and sums", () => {
  const text = [
    'vllm:num_requests_running{model_name="m",engine="0"} 2',
    'vllm:num_requests_running{model_name="m",engine="1"} 1',
    'vllm:num_requests_waiting{model_name="m",engine="0"} 4',
    'vllm:num_requests_waiting{model_name="other",engine="0"} 99',
    'vllm:kv_cache_usage_perc{model_name="m",engine="0"} 0.5',
    'vllm:kv_cache_usage_perc{model_name="m",engine="1"} 0.3',
    'vllm:cache_config_info{block_size="16",num_gpu_blocks="64",engine="0"} 1',
    'vllm:request_success_total{model_name="m",finished_reason="length"} 10',
    'vllm:request_success_total{model_name="m",finished_reason="abort"} 1',
    'vllm:request_prompt_tokens_sum{model_name="m"} 1100',
    'vllm:request_prompt_tokens_count{model_name="m"} 11',
    'vllm:time_to_first_token_seconds_sum{model_name="m"} 0.55',
    'vllm:time_to_first_token_seconds_count{model_name="m"} 11',
    'vllm:time_to_first_token_seconds_bucket{model_name="m",le="0.1"} 11',
  ].join("\n");
  const s = readVllmSnapshot(parsePromText(text).samples, "m");
  assert.equal(s.runningRequests, 3);
  assert.equal(s.queueLength, 4);
  assert.ok(Math.abs(s.kvUsage01! - 0.4) < 1e-12);
  assert.equal(s.numGpuBlocks, 64);
  assert.equal(s.blockSize, 16);
  assert.equal(s.counters.requests, 11);
  assert.equal(s.counters.promptTokensSum, 1100);
  assert.equal(s.counters.ttftCount, 11);
});

Deno.test("readVllmSnapshot() uses the old KV gauge only when the new one is absent", () => {
  const both = "vllm:kv_cache_usage_perc 0.2\nvllm:gpu_cache_usage_perc 0.9\n";
  assert.equal(readVllmSnapshot(parsePromText(both).samples).kvUsage01, 0.2);
  const old = "vllm:gpu_cache_usage_perc 0.9\n";
  assert.equal(readVllmSnapshot(parsePromText(old).samples).kvUsage01, 0.9);
  assert.equal(readVllmSnapshot([]).kvUsage01, undefined);
});

Deno.test("windowGauges() takes the maximum over the window and the newest geometry", async (t) => {
  const pts = [
    point(1000, { kvUsage01: 0.9, queueLength: 7 }),
    point(5000, { kvUsage01: 0.2, queueLength: 1, numGpuBlocks: 64, blockSize: 16 }),
    point(8000, { kvUsage01: 0.4, queueLength: 0, numGpuBlocks: 64, blockSize: 16 }),
  ];
  await t.step("window covers the last two", () => {
    const g = windowGauges(pts, 9000, 5000)!;
    assert.deepEqual([g.kvUsage01, g.queueLength, g.sampleMs, g.numGpuBlocks], [0.4, 1, 8000, 64]);
  });
  await t.step("window covers all", () => {
    const g = windowGauges(pts, 9000, 60_000)!;
    assert.deepEqual([g.kvUsage01, g.queueLength], [0.9, 7]);
  });
  await t.step("window older than every point keeps the newest (its age shows staleness)", () => {
    const g = windowGauges(pts, 100_000, 5000)!;
    assert.deepEqual([g.kvUsage01, g.sampleMs], [0.4, 8000]);
  });
  await t.step("no point before now", () => assert.equal(windowGauges(pts, 500, 5000), undefined));
});

Deno.test("counterIncrease() spans about one window and survives a restart", async (t) => {
  const pts = [
    point(0, { c: { requests: 0 } }),
    point(4000, { c: { requests: 8 } }),
    point(10_000, { c: { requests: 20 } }),
    point(14_000, { c: { requests: 30 } }),
  ];
  await t.step("base is the newest point a full window back", () => {
    const inc = counterIncrease(pts, 14_000, 10_000)!;
    assert.deepEqual([inc.deltas.requests, inc.spanMs], [30 - 8, 10_000]);
  });
  await t.step("short history uses the oldest point", () => {
    const inc = counterIncrease(pts, 14_000, 60_000)!;
    assert.deepEqual([inc.deltas.requests, inc.spanMs], [30, 14_000]);
  });
  await t.step("one point is not enough", () => {
    assert.equal(counterIncrease(pts.slice(0, 1), 14_000, 10_000), undefined);
  });
  await t.step("a counter going down counts from zero", () => {
    const restarted = [point(0, { c: { requests: 50 } }), point(2000, { c: { requests: 4 } })];
    assert.equal(counterIncrease(restarted, 2000, 10_000)!.deltas.requests, 4);
  });
});

Deno.test("estimateLoad() sums rates and pools averages over replicas", () => {
  const a = {
    spanMs: 10_000,
    deltas: {
      ...ZERO_COUNTERS,
      requests: 50,
      promptTokensSum: 5000,
      promptTokensCount: 50,
      ttftSecondsSum: 5,
      ttftCount: 50,
      itlSecondsSum: 20,
      itlCount: 1000,
    },
  };
  const b = {
    spanMs: 5000,
    deltas: { ...ZERO_COUNTERS, requests: 10, promptTokensSum: 3000, promptTokensCount: 10 },
  };
  const load = estimateLoad([a, b]);
  assert.equal(load.arrivalRatePerSec, 5 + 2);
  assert.equal(load.avgInputTokens, 8000 / 60);
  assert.equal(load.ttftMs, 100);
  assert.equal(load.itlMs, 20);
  assert.equal(load.avgOutputTokens, undefined);
  assert.equal(estimateLoad([]).arrivalRatePerSec, 0);
});

Deno.test("windowGauges(): the instant KV usage and the replica's mean ITL", async (t) => {
  const pts = [
    point(0, { kvUsage01: 0.9, c: { itlSecondsSum: 1, itlCount: 100 } }),
    point(10_000, { kvUsage01: 0.3, c: { itlSecondsSum: 4, itlCount: 200 } }),
  ];
  await t.step("ITL = Δsum / Δcount over the window: 3 s / 100 tokens = 30 ms", () => {
    const g = windowGauges(pts, 10_000, 15_000)!;
    assert.ok(Math.abs(g.itlMs! - 30) < 1e-9);
    assert.equal(g.kvUsageInstant01, 0.3, "the newest scrape, not the window's 0.9");
    assert.equal(g.kvUsage01, 0.9);
  });
  await t.step("nothing decoded in the window: no ITL", () => {
    const idle = [
      point(0, { c: { itlSecondsSum: 4, itlCount: 200 } }),
      point(10_000, {
        c: { itlSecondsSum: 4, itlCount: 200 },
      }),
    ];
    assert.equal(windowGauges(idle, 10_000, 10_000)!.itlMs, undefined);
  });
});
