import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { Engine } from "./engine.ts";
import { prefixBlockHashes } from "./prefix_cache.ts";
import type { EngineEvent, EngineParams, FinishEvent, SequenceSpec, StepEvent } from "./types.ts";

const BASE: EngineParams = {
  alphaMs: 10,
  betaMs: 0,
  gammaMs: 5,
  deltaMs: 1,
  prefillScalesWithBatch: false,
  jitterCv: 0,
  maxNumSeqs: 8,
  kvCacheBlocks: 1000,
  blockSize: 16,
  maxWaitingQueue: 100,
  preemption: true,
  kvWatermark01: 0,
};

function run(e: Engine, until = Infinity): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (;;) {
    const next = e.nextEventAtMs();
    if (next === undefined || next > until) return out;
    out.push(...e.advance(next));
  }
}

function finished(events: readonly EngineEvent[], id: number): FinishEvent {
  const f = events.find((x): x is FinishEvent => x.kind === "finish" && x.id === id);
  assert.ok(f, `no finish for ${id}`);
  return f;
}

const ids = (n: number, base = 0) => Array.from({ length: n }, (_, i) => base + i);

function seq(id: number, extra: Partial<SequenceSpec> = {}): SequenceSpec {
  return { id, promptTokens: 64, outputTokens: 2, finishReason: "length", ...extra };
}

Deno.test("prefix cache: a shared prefix skips prefill once computed", async (t) => {
  const hashes = prefixBlockHashes(ids(64), 16);
  assert.equal(hashes.length, 4);
  const e = new Engine({ ...BASE, prefixCaching: true }, createRng(1));
  e.submit(seq(1, { prefixHashes: hashes }), 0);
  e.submit(seq(2, { prefixHashes: hashes }), 10); // before 1's prefill ends (69 ms): no hit
  const early = run(e, 100);
  e.submit(seq(3, { prefixHashes: hashes }), 200);
  const other = prefixBlockHashes(ids(64, 1000), 16);
  e.submit(seq(4, { prefixHashes: other }), 200);
  const late = run(e);
  await t.step("the first computes all 64 tokens: 5 + 64 ms", () => {
    assert.equal(finished(early, 1).timing.firstTokenMs, 69);
    assert.equal(finished(early, 1).timing.cachedPromptTokens, 0);
  });
  await t.step("a request during that prefill finds nothing cached yet", () => {
    assert.equal(finished(early, 2).timing.cachedPromptTokens, 0);
    assert.equal(finished(early, 2).timing.firstTokenMs, 10 + 69);
  });
  await t.step("a later one reuses 3 blocks (never the last token): 5 + 16 ms", () => {
    const t3 = finished(late, 3).timing;
    assert.equal(t3.cachedPromptTokens, 48);
    assert.equal(t3.firstTokenMs - t3.arrivalMs, 21);
  });
  await t.step("a different prefix still prefills in full", () => {
    assert.equal(finished(late, 4).timing.firstTokenMs - 200, 69);
  });
  await t.step("iteration tokens count only the computed prompt tokens", () => {
    const step = late.find((x): x is StepEvent => x.kind === "step" && x.atMs === 221);
    assert.ok(step, "a step starts when 3's prefill ends");
    assert.equal(step.prefillTokens, 16);
  });
  await t.step("cached blocks outlive their sequences and count as free", () => {
    const s = e.stats();
    assert.equal(s.usedBlocks, 0);
    assert.equal(s.cachedFreeBlocks, 8);
  });
});

Deno.test("prefix cache: unused cached blocks are evicted when space is needed", () => {
  // 10 blocks; two different 64-token prefixes leave 8 cached blocks, then a 150-token prompt
  // needs 10 and must evict them
  const e = new Engine({ ...BASE, kvCacheBlocks: 10, prefixCaching: true }, createRng(1));
  e.submit(seq(1, { prefixHashes: prefixBlockHashes(ids(64), 16) }), 0);
  e.submit(seq(2, { prefixHashes: prefixBlockHashes(ids(64, 500), 16) }), 0);
  run(e);
  assert.equal(e.stats().cachedFreeBlocks, 8);
  e.submit(seq(3, { promptTokens: 150, outputTokens: 2 }), 1000);
  const events = run(e);
  assert.equal(finished(events, 3).reason, "length");
  assert.ok(e.stats().cachedFreeBlocks < 8);
});

Deno.test("prefix cache off: the same prompts prefill in full", () => {
  const hashes = prefixBlockHashes(ids(64), 16);
  const e = new Engine(BASE, createRng(1));
  e.submit(seq(1, { prefixHashes: hashes }), 0);
  run(e);
  e.submit(seq(2, { prefixHashes: hashes }), 500);
  const t2 = finished(run(e), 2).timing;
  assert.equal(t2.cachedPromptTokens, 0);
  assert.equal(t2.firstTokenMs - 500, 69);
  assert.equal(e.stats().cachedFreeBlocks, 0);
});

Deno.test("LoRA: at most maxLoras adapters run; a blocked request lets the next one pass", () => {
  const e = new Engine({ ...BASE, gammaMs: 0, deltaMs: 0, maxLoras: 1 }, createRng(1));
  e.submit(seq(1, { lora: 1, outputTokens: 3 }), 0);
  e.submit(seq(2, { lora: 2, outputTokens: 3 }), 0);
  e.submit(seq(3, { lora: 1, outputTokens: 3 }), 0);
  e.submit(seq(4, { outputTokens: 3 }), 0);
  e.advance(0);
  const s = e.stats();
  assert.deepEqual([s.running, s.waiting], [3, 1]);
  assert.deepEqual(s.runningLoras, [1]);
  assert.deepEqual(s.waitingLoras, [2]);
  const events = run(e);
  // 1, 3 and 4 get tokens at 0, 10, 20 and finish at 20; then 2 runs
  assert.equal(finished(events, 2).timing.scheduledMs, 20);
  assert.deepEqual(e.stats().runningLoras, []);
});

Deno.test("P/D: a remote prefill takes the KV transfer time instead of the prefill", () => {
  const e = new Engine(
    { ...BASE, gammaMs: 50, deltaMs: 1, kvTransferLatencyMs: 3, kvTransferMsPerToken: 0.1 },
    createRng(1),
  );
  e.submit(seq(1, { promptTokens: 100, remotePrefill: true }), 0);
  e.submit(seq(2, { promptTokens: 100 }), 0);
  const events = run(e);
  assert.equal(finished(events, 1).timing.firstTokenMs, 13);
  assert.equal(finished(events, 2).timing.firstTokenMs, 150);
  const firstStep = events.find((x): x is StepEvent => x.kind === "step")!;
  assert.equal(firstStep.prefillTokens, 0, "a transfer computes no prompt tokens");
});
