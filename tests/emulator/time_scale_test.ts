/**
 * `--time-scale K`: the model runs K times faster than the wall clock. A client in another
 * process sees inter-token gaps of model/K (within 5 %), while the histograms keep model time;
 * the startup delay, the drain timeout and the response hold are divided by K; the body timeout
 * (the client's network) is not. Bounded: about 5 s.
 */
import { strict as assert } from "node:assert";
import { waitForHttp } from "../helpers/ports.ts";
import {
  freePortRun,
  postJson,
  readSse,
  reap,
  sampleValue,
  sleep,
  spawnEmulatorCli,
  withEmulator,
} from "./helpers.ts";

const L = `model_name="default/default",engine="0"`;
const STREAMS = 4;
const TOKENS = 500;
/** alpha 20 + beta 1 × 4 sequences, in model ms. */
const STEP_MODEL_MS = 24;

/** Mean gap between a stream's second and last token (wall ms, client clock). */
function meanGapMs(events: readonly { data: string; atMs: number }[]): number {
  const tokens = events.filter((e) =>
    e.data !== "[DONE]" && JSON.parse(e.data).choices[0]?.text !== ""
  );
  assert.equal(tokens.length, TOKENS);
  return (tokens.at(-1)!.atMs - tokens[1]!.atMs) / (TOKENS - 2);
}

Deno.test("wva emulator --time-scale 10: a client sees model/10 gaps, histograms keep model time", async () => {
  const port = freePortRun(1);
  const child = spawnEmulatorCli([
    "--port",
    String(port),
    "--time-scale",
    "10",
    "--alpha",
    "20",
    "--beta",
    "1",
    "--gamma",
    "0",
    "--delta",
    "0",
  ]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`, 20_000);
    const body = { prompt: "tick", max_tokens: TOKENS, stream: true };
    const all = await Promise.all(
      Array.from(
        { length: STREAMS },
        () => postJson(`${url}/v1/completions`, body).then((r) => readSse(r)),
      ),
    );
    const gaps = all.map(meanGapMs);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const want = STEP_MODEL_MS / 10;
    assert.ok(Math.abs(mean - want) / want < 0.05, `client gap ${mean} ms vs ${want} ms`);
    const text = await (await fetch(`${url}/metrics`)).text();
    const sum = sampleValue(text, `vllm:inter_token_latency_seconds_sum{${L}}`)!;
    const count = sampleValue(text, `vllm:inter_token_latency_seconds_count{${L}}`)!;
    assert.equal(count, STREAMS * (TOKENS - 1));
    assert.ok(Math.abs(sum / count - 0.024) / 0.024 < 0.02, `histogram ITL ${sum / count} s`);
  } finally {
    await reap(child);
  }
});

Deno.test("time scale 10 divides the startup delay, drain timeout and response hold", async (t) => {
  const opts = { timeScale: 10, alphaMs: 20, betaMs: 0, gammaMs: 0, deltaMs: 0 } as const;
  await t.step("a 2 s startup delay takes 0.2 s", async () => {
    const t0 = performance.now();
    await withEmulator({ ...opts, startupDelayMs: 2000 }, async (emu) => {
      await waitForHttp(`${emu.url}/health/ready`, 3000);
      const took = performance.now() - t0;
      assert.ok(took >= 190 && took < 1500, `ready after ${took} ms`);
    });
  });
  await t.step("a 1 s response hold sends headers after 0.1 s", async () => {
    await withEmulator({ ...opts, responseHoldMs: 1000 }, async (emu) => {
      // 250 tokens × 20 ms = 5 s of model time, 0.5 s of wall time
      const t0 = performance.now();
      const res = await postJson(`${emu.url}/v1/completions`, { prompt: "x", max_tokens: 250 });
      const headersMs = performance.now() - t0;
      assert.equal((await res.json()).usage.completion_tokens, 250);
      const doneMs = performance.now() - t0;
      assert.ok(headersMs >= 90 && headersMs < 350, `headers after ${headersMs} ms`);
      assert.ok(doneMs >= 450 && doneMs < 2000, `body after ${doneMs} ms`);
    });
  });
  await t.step("a 3 s drain timeout gives up after 0.3 s", async () => {
    await withEmulator({ ...opts, drainTimeoutMs: 3000 }, async (emu) => {
      // 4000 tokens × 20 ms = 80 s of model time, 8 s of wall time: cut by the timeout
      const body = { prompt: "x", max_tokens: 4000, stream: true };
      const reading = readSse(await postJson(`${emu.url}/v1/completions`, body)).catch(() => []);
      await sleep(50);
      const t0 = performance.now();
      await emu.drain();
      const took = performance.now() - t0;
      assert.ok(took >= 290 && took < 1500, `drain took ${took} ms`);
      await reading;
    });
  });
  await t.step("the body timeout stays wall time", async () => {
    await withEmulator({ ...opts, bodyTimeoutMs: 1000 }, async (emu) => {
      const json = new TextEncoder().encode(JSON.stringify({ prompt: "x", max_tokens: 1 }));
      const body = new ReadableStream<Uint8Array>({
        async start(ctrl) {
          ctrl.enqueue(json.subarray(0, 5));
          await sleep(300); // more than 1000 / 10 ms
          ctrl.enqueue(json.subarray(5));
          ctrl.close();
        },
      });
      const res = await fetch(`${emu.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    });
  });
});
