/**
 * `--engine sglang`: `/metrics` serves SGLang's series (and no `vllm:` one) with the values of
 * the traffic sent, promtool accepts it, and the controller's readers — the direct-scrape
 * `readVllmSnapshot` and the PromQL of `namespaceQueries(…, "sglang")` through a real
 * Prometheus — read the same numbers as from the vLLM flavour.
 */
import { strict as assert } from "node:assert";
import { parsePromText } from "../../src/adapters/scrape/prom_text.ts";
import { readVllmSnapshot } from "../../src/adapters/scrape/vllm_snapshot.ts";
import { kvGeometry, namespaceQueries } from "../../src/adapters/prometheus/queries.ts";
import type { EmulatorHandle, EmulatorOptions } from "../../emulator/mod.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { toolGate } from "../helpers/tools.ts";
import { postJson, promtool, readSse, sampleValue, sleep, withEmulator } from "./helpers.ts";

const L = `model_name="default/default"`;
const PROMPT_33 = Array.from({ length: 33 }, (_, i) => 1000 + i);

/** 6 streams of 3 tokens over 33-token prompts; 4 seats; steps of 200 ms. */
const LOADED: EmulatorOptions = {
  engine: "sglang",
  alphaMs: 200,
  betaMs: 0,
  gammaMs: 0,
  deltaMs: 0,
  maxNumSeqs: 4,
  kvCacheBlocks: 40,
  blockSize: 16,
  maxModelLen: 256,
};

function startStreams(emu: EmulatorHandle, n: number): Promise<unknown>[] {
  return Array.from(
    { length: n },
    () =>
      postJson(`${emu.url}/v1/completions`, { prompt: PROMPT_33, max_tokens: 3, stream: true })
        .then((r) => readSse(r)),
  );
}

async function scrape(emu: EmulatorHandle): Promise<string> {
  return await (await fetch(`${emu.url}/metrics`)).text();
}

Deno.test("sglang flavour: a scrape under load has SGLang's series and values, none of vLLM's", async () => {
  await withEmulator(LOADED, async (emu) => {
    const streams = startStreams(emu, 6);
    await sleep(100);
    const loaded = await scrape(emu);
    const v = (s: string) => sampleValue(loaded, s);
    assert.equal(v(`sglang:num_running_reqs{${L}}`), 4);
    assert.equal(v(`sglang:num_queue_reqs{${L}}`), 2);
    // each running sequence holds ceil((33 + generated) / 16) = 3 blocks: 12 of 40
    assert.equal(v(`sglang:token_usage{${L}}`), 0.3);
    assert.equal(v(`sglang:num_used_tokens{${L}}`), 192);
    assert.equal(v(`sglang:max_total_num_tokens{${L}}`), 640);
    assert.ok(!loaded.includes("vllm:"), "no vllm: series");
    const samples = loaded.split("\n").filter((l) => l.startsWith("sglang:"));
    assert.ok(samples.length > 50);
    for (const line of samples) assert.ok(line.includes(L), `model_name on ${line}`);
    await Promise.all(streams);
    const done = await scrape(emu);
    const d = (s: string) => sampleValue(done, s);
    assert.equal(d(`sglang:num_requests_total{${L}}`), 6);
    assert.equal(d(`sglang:num_aborted_requests_total{${L}}`), 0);
    assert.equal(d(`sglang:prompt_tokens_total{${L}}`), 6 * 33);
    assert.equal(d(`sglang:generation_tokens_total{${L}}`), 6 * 3);
    assert.equal(d(`sglang:cached_tokens_total{${L}}`), 0);
    assert.equal(d(`sglang:prompt_tokens_histogram_count{${L}}`), 6);
    assert.equal(d(`sglang:prompt_tokens_histogram_sum{${L}}`), 6 * 33);
    assert.equal(d(`sglang:prompt_tokens_histogram_bucket{le="100",${L}}`), 6);
    assert.equal(d(`sglang:generation_tokens_histogram_sum{${L}}`), 6 * 3);
    assert.equal(d(`sglang:time_to_first_token_seconds_count{${L}}`), 6);
    assert.equal(d(`sglang:inter_token_latency_seconds_count{${L}}`), 6 * 2, "one per gap");
    // every gap is one 200 ms step, or up to two for a sequence that joined during a step
    const itlSum = d(`sglang:inter_token_latency_seconds_sum{${L}}`)!;
    assert.ok(itlSum >= 12 * 0.2 - 1e-9 && itlSum <= 12 * 0.4, `ITL sum ${itlSum}`);
    assert.equal(d(`sglang:e2e_request_latency_seconds_count{${L}}`), 6);
    assert.equal(d(`sglang:num_running_reqs{${L}}`), 0);
    assert.equal(d(`sglang:token_usage{${L}}`), 0);
  });
});

Deno.test("sglang flavour: prefix-cache hits count in cached_tokens_total", async () => {
  const opts = { engine: "sglang", enablePrefixCaching: true, alphaMs: 1 } as const;
  await withEmulator(opts, async (emu) => {
    for (let i = 0; i < 2; i++) {
      await (await postJson(`${emu.url}/v1/completions`, { prompt: PROMPT_33, max_tokens: 1 }))
        .text();
    }
    const text = await scrape(emu);
    // the second request finds the first's two full blocks (32 tokens) cached
    assert.equal(sampleValue(text, `sglang:cached_tokens_total{${L}}`), 32);
    assert.equal(sampleValue(text, `sglang:prompt_tokens_total{${L}}`), 66);
  });
});

const promtoolGate = toolGate(
  "sglang flavour: promtool check metrics accepts a scrape taken under load",
  ["promtool"],
  "Debian package prometheus; ./scripts/test.sh installs it",
);

Deno.test({ name: promtoolGate.name, ignore: promtoolGate.ignore }, async () => {
  promtoolGate.check();
  await withEmulator(LOADED, async (emu) => {
    const streams = startStreams(emu, 6);
    await sleep(100);
    const text = await scrape(emu);
    await Promise.all(streams);
    const { code, problems } = await promtool(text);
    // SGLang's own names: the ':' and the `_histogram` suffix of the token histograms
    const allowed = [
      /^sglang:\S+ metric names should not contain ':'$/,
      /^sglang:(prompt|generation)_tokens_histogram metric name should not include type 'histogram'$/,
    ];
    const unexpected = problems.filter((p) => !allowed.some((re) => re.test(p)));
    assert.deepEqual(unexpected, [], `promtool exit ${code}`);
    assert.ok(code === 0 || code === 3, `exit ${code}: 1 would be a parse error`);
  });
});

/** The same sequential traffic on one emulator; returns the scrape after it. */
async function serveFixedTraffic(options: EmulatorOptions): Promise<string> {
  let text = "";
  await withEmulator({ alphaMs: 2, betaMs: 0, gammaMs: 1, deltaMs: 0, ...options }, async (emu) => {
    for (const [prompt, maxTokens] of [[PROMPT_33, 4], ["twelve chars", 7], [[1, 2, 3], 2]]) {
      await (await postJson(`${emu.url}/v1/completions`, { prompt, max_tokens: maxTokens })).text();
    }
    text = await scrape(emu);
  });
  return text;
}

Deno.test("the direct-scrape reader reads the same numbers from either flavour", async () => {
  const vllm = readVllmSnapshot(
    parsePromText(await serveFixedTraffic({})).samples,
    "default/default",
  );
  const sglang = readVllmSnapshot(
    parsePromText(await serveFixedTraffic({ engine: "sglang" })).samples,
    "default/default",
  );
  assert.equal(vllm.engine, "vllm");
  assert.equal(sglang.engine, "sglang");
  const { ttftSecondsSum: ts1, itlSecondsSum: is1, ...exact1 } = vllm.counters;
  const { ttftSecondsSum: ts2, itlSecondsSum: is2, ...exact2 } = sglang.counters;
  assert.deepEqual(exact2, exact1);
  assert.deepEqual(exact1, {
    requests: 3,
    promptTokensSum: 33 + 3 + 3,
    promptTokensCount: 3,
    outputTokensSum: 13,
    outputTokensCount: 3,
    ttftCount: 3,
    itlCount: 10,
  });
  assert.ok(Math.abs(is1 - 0.02) < 1e-9 && Math.abs(is2 - 0.02) < 1e-9, `ITL sums ${is1} ${is2}`);
  assert.ok(ts1 >= 0.003 && ts2 >= 0.003, `TTFT sums ${ts1} ${ts2}`);
  for (const s of [vllm, sglang]) {
    assert.equal(s.kvUsage01, 0);
    assert.equal(s.queueLength, 0);
    assert.equal(s.runningRequests, 0);
    assert.equal(s.numGpuBlocks! * s.blockSize!, 27_000 * 16, "KV capacity in tokens");
  }
});

const promGate = toolGate(
  "Prometheus reads an SGLang-flavoured emulator with the controller's sglang queries",
  ["prometheus"],
  "Debian package prometheus; ./scripts/test.sh installs it",
);

Deno.test({ name: promGate.name, ignore: promGate.ignore }, async () => {
  promGate.check();
  const opts: EmulatorOptions = {
    engine: "sglang",
    model: "ns-model",
    alphaMs: 10,
    betaMs: 0,
    gammaMs: 0,
    deltaMs: 0,
    maxNumSeqs: 2,
    kvCacheBlocks: 1000,
  };
  await withEmulator(opts, async (emu) => {
    const prom = await startPrometheus({
      staticTargets: [{
        targets: [`127.0.0.1:${emu.port}`],
        labels: { namespace: "ns", pod: "emu-0" },
      }],
      scrapeIntervalSec: 1,
    });
    const holders = new AbortController();
    try {
      await checkSglangQueries(emu, prom, holders.signal);
    } finally {
      holders.abort();
      await prom.stop();
    }
  });
});

type Prom = Awaited<ReturnType<typeof startPrometheus>>;

async function waitFor(prom: Prom, expr: string, what: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  while ((await prom.query(expr)).length === 0) {
    assert.ok(performance.now() < deadline, what);
    await sleep(250);
  }
}

async function checkSglangQueries(emu: EmulatorHandle, prom: Prom, signal: AbortSignal) {
  await waitFor(prom, 'up{pod="emu-0"} == 1', "Prometheus never scraped the emulator");
  // 10 short requests (8 prompt tokens, 5 output tokens), then 3 holders on 2 seats
  for (let i = 0; i < 10; i++) {
    const body = { model: "ns-model", prompt: [1, 2, 3, 4, 5, 6, 7, 8], max_tokens: 5 };
    await (await postJson(`${emu.url}/v1/completions`, body)).text();
  }
  for (let i = 0; i < 3; i++) {
    const body = { model: "ns-model", prompt: PROMPT_33, max_tokens: 3000, stream: true };
    const res = await postJson(`${emu.url}/v1/completions`, body, { signal });
    res.body!.pipeTo(new WritableStream()).catch(() => {});
  }
  await waitFor(prom, 'sglang:num_queue_reqs{pod="emu-0"} == 1', "the holder never queued");
  const q = namespaceQueries({ namespace: "ns", models: ["ns-model"] }, {
    windowSec: 30,
    tokenWindowSec: 30,
  }, "sglang");
  const one = async (expr: string) => (await prom.query(expr))[0];
  const num = async (expr: string) => Number((await one(expr))?.value[1]);
  assert.equal(await num(q.running_requests), 2);
  assert.equal(await num(q.queue_length), 1);
  // two running holders of 33 prompt tokens + a few hundred generated: 3..40 blocks each
  const kv = await num(q.kv_cache_usage);
  assert.ok(kv >= 6 / 1000 && kv <= 80 / 1000, `kv ${kv}`);
  const info = await one(q.cache_config_info);
  const geometry = kvGeometry("sglang", { labels: info!.metric, value: Number(info!.value[1]) });
  assert.deepEqual(geometry, { numGpuBlocks: 16_000, blockSize: 1 });
  assert.equal(await num(q.avg_input_tokens), 8);
  assert.equal(await num(q.avg_output_tokens), 5);
  // every gap is one 10 ms step, a few two (a holder that joined during a step)
  const itl = await num(q.avg_itl);
  assert.ok(itl >= 0.01 - 1e-9 && itl < 0.0105, `avg ITL ${itl}`);
  assert.ok(await num(q.arrival_rate) > 0);
  assert.ok((await num(q.avg_ttft)) >= 0);
}
