/**
 * Engine features that change scaling behaviour, over real HTTP: prefix caching (a shared
 * prefix lowers TTFT and shows in the prefix-cache counters), LoRA adapters (extra model names,
 * at most `maxLoras` in a batch, `lora_requests_info`), prefill/decode disaggregation
 * (`kv_transfer_params`), and no metrics while the model loads unless asked for.
 */
import { strict as assert } from "node:assert";
import { postJson, readSse, sampleValue, sleep, withEmulator } from "./helpers.ts";

const L = `model_name="default/default",engine="0"`;
const SYSTEM = "You are a helpful assistant. ".repeat(80); // 2,320 characters, 580 tokens

async function ttftMs(url: string, body: Record<string, unknown>): Promise<number> {
  const t0 = performance.now();
  const res = await postJson(`${url}/v1/chat/completions`, { ...body, stream: true });
  const events = await readSse(res);
  return events[0]!.atMs - t0;
}

async function metrics(url: string): Promise<string> {
  return await (await fetch(`${url}/metrics`)).text();
}

Deno.test("prefix caching: a repeated long prefix skips most of its prefill", async () => {
  const opts = { enablePrefixCaching: true, alphaMs: 2, betaMs: 0, gammaMs: 2, deltaMs: 0.5 };
  await withEmulator(opts, async (emu) => {
    const ask = (q: string) => ({
      messages: [{ role: "system", content: SYSTEM }, { role: "user", content: q }],
      max_tokens: 2,
    });
    const cold = await ttftMs(emu.url, ask("first question"));
    const warm = await ttftMs(emu.url, ask("second question"));
    // model: cold 2 + 0.5 · 594 ≈ 299 ms; warm 2 + 0.5 · (594 − 576) = 11 ms
    assert.ok(cold > 250, `cold TTFT ${cold.toFixed(1)} ms`);
    assert.ok(warm < cold / 4, `warm TTFT ${warm.toFixed(1)} ms vs cold ${cold.toFixed(1)} ms`);
    const text = await metrics(emu.url);
    const queries = sampleValue(text, `vllm:prefix_cache_queries_total{${L}}`)!;
    const hits = sampleValue(text, `vllm:prefix_cache_hits_total{${L}}`)!;
    // the shared part is 587 tokens (template + system + the next message start): 36 blocks
    assert.equal(hits, 576, `hits ${hits} of ${queries}`);
    assert.match(text, /vllm:cache_config_info\{[^}]*enable_prefix_caching="True"/);
  });
});

Deno.test("prefix caching off (the default): no hits, full prefill every time", async () => {
  await withEmulator({ alphaMs: 2, betaMs: 0, gammaMs: 2, deltaMs: 0.2 }, async (emu) => {
    const body = { messages: [{ role: "system", content: SYSTEM }], max_tokens: 1 };
    for (let i = 0; i < 2; i++) {
      await (await postJson(`${emu.url}/v1/chat/completions`, body)).text();
    }
    const text = await metrics(emu.url);
    assert.equal(sampleValue(text, `vllm:prefix_cache_hits_total{${L}}`), 0);
    assert.ok(sampleValue(text, `vllm:prefix_cache_queries_total{${L}}`)! > 1000);
  });
});

Deno.test("LoRA: adapters are model names, limited per batch and shown in lora_requests_info", async () => {
  const opts = {
    loraModules: ["sql-lora"],
    maxLoras: 1,
    alphaMs: 5,
    betaMs: 0,
    gammaMs: 0,
    deltaMs: 0,
  };
  await withEmulator(opts, async (emu) => {
    const load = await postJson(`${emu.url}/v1/load_lora_adapter`, {
      lora_name: "chat-lora",
      lora_path: "/tmp/chat",
    });
    assert.equal(load.status, 200, await load.text());
    const models = await (await fetch(`${emu.url}/v1/models`)).json();
    assert.deepEqual(
      models.data.map((m: { id: string; parent: string | null }) => [m.id, m.parent]),
      [["default/default", null], ["sql-lora", "default/default"], [
        "chat-lora",
        "default/default",
      ]],
    );
    const long = (model: string) =>
      postJson(`${emu.url}/v1/completions`, { model, prompt: "x", max_tokens: 40, stream: true })
        .then(readSse);
    const a = long("sql-lora"), b = long("chat-lora");
    await sleep(60);
    const text = await metrics(emu.url);
    assert.equal(sampleValue(text, `vllm:num_requests_running{${L}}`), 1, "one adapter at a time");
    assert.equal(sampleValue(text, `vllm:num_requests_waiting{${L}}`), 1);
    assert.match(
      text,
      /vllm:lora_requests_info\{max_lora="1",running_lora_adapters="sql-lora",waiting_lora_adapters="chat-lora"\} \d/,
    );
    const [ea, eb] = await Promise.all([a, b]);
    assert.match(ea[0]!.data, /"model":"sql-lora"/);
    assert.equal(eb.at(-1)!.data, "[DONE]");
    const unknown = await postJson(`${emu.url}/v1/completions`, {
      model: "nope-lora",
      prompt: "x",
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  });
});

Deno.test("P/D: the prefill side answers kv_transfer_params, the decode side skips prefill", async () => {
  const opts = {
    gammaMs: 300,
    deltaMs: 0,
    alphaMs: 2,
    betaMs: 0,
    kvTransferLatencyMs: 5,
    kvTransferMsPerToken: 0,
  };
  await withEmulator(opts, async (emu) => {
    const messages = [{ role: "user", content: "disaggregate me" }];
    const prefill = await (await postJson(`${emu.url}/v1/chat/completions`, {
      messages,
      max_tokens: 1,
      kv_transfer_params: { do_remote_decode: true },
    })).json();
    assert.equal(prefill.kv_transfer_params.do_remote_prefill, true);
    assert.ok(prefill.kv_transfer_params.remote_block_ids.length >= 1);
    const decodeTtft = await ttftMs(emu.url, {
      messages,
      max_tokens: 3,
      kv_transfer_params: prefill.kv_transfer_params,
    });
    assert.ok(decodeTtft < 150, `decode-side TTFT ${decodeTtft.toFixed(1)} ms (prefill is 300 ms)`);
    const bad = await postJson(`${emu.url}/v1/chat/completions`, {
      messages,
      kv_transfer_params: { do_remote_prefill: true, do_remote_decode: true },
    });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /kv_transfer_params/);
    const text = await metrics(emu.url);
    assert.equal(sampleValue(text, `vllm:request_success_total{${L},finished_reason="length"}`), 2);
  });
});

Deno.test("while the model loads: no /metrics by default, zeros with metricsWhileLoading", async (t) => {
  await t.step("default: 503 until ready, then the metrics", async () => {
    await withEmulator({ startupDelayMs: 300 }, async (emu) => {
      const early = await fetch(`${emu.url}/metrics`);
      assert.equal(early.status, 503);
      assert.match((await early.json()).error.message, /loading/);
      await sleep(350);
      const ready = await fetch(`${emu.url}/metrics`);
      assert.equal(ready.status, 200);
      assert.equal(sampleValue(await ready.text(), `vllm:num_requests_running{${L}}`), 0);
    });
  });
  await t.step("metricsWhileLoading: zeros from the start", async () => {
    await withEmulator({ startupDelayMs: 300, metricsWhileLoading: true }, async (emu) => {
      const early = await fetch(`${emu.url}/metrics`);
      assert.equal(early.status, 200);
      assert.equal(
        sampleValue(await early.text(), `vllm:request_success_total{${L},finished_reason="stop"}`),
        0,
      );
      assert.equal(
        await fetch(`${emu.url}/health/ready`).then(async (
          r,
        ) => (await r.body?.cancel(), r.status)),
        503,
      );
    });
  });
});
