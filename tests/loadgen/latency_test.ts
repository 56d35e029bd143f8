/**
 * TTFT and ITL measured by the load generator against the emulator's latency model: first with
 * requests that never overlap (batch 1, so the model gives exact values), then under load
 * compared with the emulator's own server-side histograms.
 */
import assert from "node:assert/strict";
import { histogramMean, relErr, runLoad, withEmulator } from "./helpers.ts";

const MODEL = { alphaMs: 20, betaMs: 2, gammaMs: 60, deltaMs: 0.4 };

Deno.test("loadgen TTFT and ITL match the emulator's model for isolated requests (within 10 %)", async () => {
  await withEmulator(MODEL, async (emu) => {
    // completions: the prompt counts exactly 100 tokens → prefill 60 + 0.4·100 = 100 ms;
    // 8 output tokens take 100 + 7·22 = 254 ms, less than the 333 ms between sends → batch 1.
    const run = await runLoad(emu.url, {
      api: "completions",
      stages: [{ durationMs: 3000, fromRatePerSec: 3, toRatePerSec: 3 }],
      arrival: "constant",
      promptTokens: { kind: "fixed", tokens: 100 },
      outputTokens: { kind: "fixed", tokens: 8 },
    });
    const s = run.summary;
    assert.equal(s.succeeded, 9);
    assert.ok(run.records.every((r) => r.promptTokens === 100 && r.outputTokens === 8));
    const wantTtft = MODEL.gammaMs + MODEL.deltaMs * 100;
    const wantItl = MODEL.alphaMs + MODEL.betaMs * 1;
    assert.ok(relErr(s.ttftMs.mean, wantTtft) < 0.1, `TTFT ${s.ttftMs.mean} vs ${wantTtft}`);
    assert.ok(relErr(s.itlMs.mean, wantItl) < 0.1, `ITL ${s.itlMs.mean} vs ${wantItl}`);
    assert.ok(relErr(s.itlMs.p50, wantItl) < 0.1, `ITL p50 ${s.itlMs.p50} vs ${wantItl}`);
    assert.equal(s.itlMs.count, 9 * 7);
    const wantE2e = wantTtft + 7 * wantItl;
    assert.ok(relErr(s.e2eMs.mean, wantE2e) < 0.1, `E2E ${s.e2eMs.mean} vs ${wantE2e}`);
  });
});

Deno.test("loadgen TTFT and ITL under load agree with the emulator's own histograms (within 10 %)", async () => {
  await withEmulator({ ...MODEL, maxNumSeqs: 4 }, async (emu) => {
    // Each request holds a slot ~0.45 s; 14 req/s needs ~6 slots of the 4: full batches and
    // queueing that shows up in TTFT.
    const run = await runLoad(emu.url, {
      stages: [{ durationMs: 3000, fromRatePerSec: 14, toRatePerSec: 14 }],
      arrival: "constant",
      seed: 3,
      promptTokens: { kind: "uniform", min: 50, max: 150 },
      outputTokens: { kind: "uniform", min: 10, max: 20 },
      drainMs: 20_000,
    });
    const s = run.summary;
    assert.equal(s.failed, 0);
    assert.equal(s.cancelled, 0);
    const serverTtftMs = 1000 * await histogramMean(emu.url, "vllm:time_to_first_token_seconds");
    const serverItlMs = 1000 * await histogramMean(emu.url, "vllm:inter_token_latency_seconds");
    assert.ok(s.ttftMs.max > 2 * (MODEL.gammaMs + MODEL.deltaMs * 150), "some requests queued");
    assert.ok(
      relErr(s.ttftMs.mean, serverTtftMs) < 0.1,
      `TTFT ${s.ttftMs.mean} vs ${serverTtftMs}`,
    );
    assert.ok(relErr(s.itlMs.mean, serverItlMs) < 0.1, `ITL ${s.itlMs.mean} vs ${serverItlMs}`);
  });
});
