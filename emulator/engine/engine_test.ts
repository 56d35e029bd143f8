import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { Engine } from "./engine.ts";
import type { EngineEvent, EngineParams, FinishEvent, TokenEvent } from "./types.ts";

const BASE: EngineParams = {
  alphaMs: 20,
  betaMs: 1,
  gammaMs: 0,
  deltaMs: 0,
  prefillScalesWithBatch: false,
  jitterCv: 0,
  maxNumSeqs: 64,
  kvCacheBlocks: 10_000,
  blockSize: 16,
  maxWaitingQueue: 100,
  preemption: true,
  kvWatermark01: 0,
};

function engine(changes: Partial<EngineParams> = {}, seed = 1): Engine {
  return new Engine({ ...BASE, ...changes }, createRng(seed));
}

/** Runs the engine until nothing is scheduled, as a timer loop would. */
function drain(e: Engine, events: EngineEvent[] = [], untilMs = Infinity): EngineEvent[] {
  for (;;) {
    const next = e.nextEventAtMs();
    if (next === undefined || next > untilMs) break;
    events.push(...e.advance(next));
  }
  return events;
}

function tokens(events: readonly EngineEvent[], id: number): TokenEvent[] {
  return events.filter((e): e is TokenEvent => e.kind === "token" && e.id === id);
}

function finish(events: readonly EngineEvent[], id: number): FinishEvent {
  const f = events.find((e): e is FinishEvent => e.kind === "finish" && e.id === id);
  assert.ok(f, `sequence ${id} did not finish`);
  return f;
}

function submit(e: Engine, id: number, o: { p?: number; out?: number; at?: number } = {}) {
  return e.submit(
    { id, promptTokens: o.p ?? 10, outputTokens: o.out ?? 5, finishReason: "length" },
    o.at ?? 0,
  );
}

Deno.test("Engine gives 8 concurrent sequences a 28 ms inter-token gap with alpha 20, beta 1", () => {
  const e = engine();
  for (let id = 1; id <= 8; id++) assert.equal(submit(e, id, { out: 6 }), "accepted");
  const events = drain(e);
  for (let id = 1; id <= 8; id++) {
    const t = tokens(events, id);
    assert.equal(t.length, 6);
    assert.equal(t[0]!.atMs, 0, "TTFT is 0 with gamma = delta = 0 and a free slot");
    for (const tok of t.slice(1)) assert.equal(tok.gapMs, 28);
    assert.equal(finish(events, id).reason, "length");
  }
  const steps = events.filter((x) => x.kind === "step");
  assert.ok(steps.every((s) => s.kind === "step" && s.batch === 8 && s.durationMs === 28));
});

Deno.test("Engine re-evaluates the step time as the batch shrinks", () => {
  const e = engine();
  for (let id = 1; id <= 4; id++) submit(e, id, { out: 3 });
  for (let id = 5; id <= 8; id++) submit(e, id, { out: 6 });
  const events = drain(e);
  const gaps = tokens(events, 8).slice(1).map((t) => t.gapMs);
  assert.deepEqual(gaps, [28, 28, 24, 24, 24]);
});

Deno.test("Engine prefill takes gamma + delta * promptTokens, scaled by the batch when asked", async (t) => {
  const cases = [
    { name: "unscaled", scales: false, ttft: [25, 25] },
    // the first admitted sees running = 1 (5 + 20 ms), the second running = 2 (5 + 40 ms)
    { name: "scaled by running count at admission", scales: true, ttft: [25, 45] },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const e = engine({ gammaMs: 5, deltaMs: 0.1, prefillScalesWithBatch: c.scales });
      submit(e, 1, { p: 200, out: 2 });
      submit(e, 2, { p: 200, out: 2 });
      const events = drain(e);
      assert.deepEqual([1, 2].map((id) => tokens(events, id)[0]!.gapMs), c.ttft);
    });
  }
});

Deno.test("Engine TTFT includes the queueing delay when max-num-seqs is full", () => {
  const e = engine({ maxNumSeqs: 2, gammaMs: 4 });
  for (let id = 1; id <= 3; id++) submit(e, id, { out: 3 });
  const events = drain(e);
  // 1 and 2: prefill 4 ms, then steps of 22 ms -> tokens at 4, 26, 48; 3 admitted at 48
  assert.deepEqual(tokens(events, 1).map((t) => t.atMs), [4, 26, 48]);
  const t3 = finish(events, 3).timing;
  assert.equal(t3.scheduledMs, 48);
  assert.equal(t3.firstTokenMs, 52);
  assert.equal(tokens(events, 3)[0]!.gapMs, 52, "TTFT counts from arrival");
});

Deno.test("Engine admits by KV capacity (FCFS) when blocks, not seats, run out", () => {
  // each sequence: 30-token prompt + 2 output = 2 blocks reserved; 5 blocks fit two
  const e = engine({ kvCacheBlocks: 5, preemption: false });
  for (let id = 1; id <= 3; id++) submit(e, id, { p: 30, out: 2 });
  assert.equal(e.advance(0).filter((x) => x.kind === "token").length, 2);
  assert.deepEqual(e.stats().waiting, 1);
  assert.equal(e.stats().usedBlocks, 4);
  const events = drain(e);
  // the first two decode together (step = 20 + 1·2 = 22 ms) and finish at 22
  assert.equal(finish(events, 3).timing.scheduledMs, 22, "admitted when a sequence finished");
  assert.equal(e.stats().usedBlocks, 0);
});

Deno.test("Engine preempts the newest sequence when KV runs out and resumes it without loss", () => {
  // 2 sequences of 16-token prompts each grow to 41 tokens (3 blocks); 5 blocks cannot hold both
  const e = engine({ kvCacheBlocks: 5, blockSize: 16 });
  submit(e, 1, { p: 16, out: 25 });
  submit(e, 2, { p: 16, out: 25 });
  const events = drain(e);
  const preempts = events.filter((x) => x.kind === "preempt");
  assert.ok(preempts.length >= 1);
  assert.ok(preempts.every((p) => p.kind === "preempt" && p.id === 2));
  for (const id of [1, 2]) {
    assert.deepEqual(tokens(events, id).map((t) => t.index), [...Array(25).keys()]);
  }
  assert.ok(finish(events, 2).timing.preemptions >= 1);
  assert.equal(e.stats().preemptionsTotal, preempts.length);
  assert.equal(e.stats().usedBlocks, 0);
});

Deno.test("Engine rejects a submit when the waiting queue is full", () => {
  const e = engine({ maxNumSeqs: 1, maxWaitingQueue: 1 });
  assert.equal(submit(e, 1), "accepted");
  assert.equal(submit(e, 2), "accepted");
  assert.equal(submit(e, 3), "queue_full");
  assert.equal(e.stats().waiting, 2, "1 to be admitted at this instant + 1 waiting");
  e.advance(0);
  assert.deepEqual([e.stats().running, e.stats().waiting], [1, 1]);
});

Deno.test("Engine abort frees the slot at once and reports finished_reason abort", () => {
  const e = engine({ maxNumSeqs: 1 });
  submit(e, 1, { out: 100 });
  submit(e, 2, { out: 2 });
  e.advance(0);
  assert.equal(e.abort(1, 30), true);
  assert.equal(e.abort(1, 30), false, "second abort is a no-op");
  const events = drain(e);
  assert.equal(finish(events, 1).reason, "abort");
  assert.equal(finish(events, 2).timing.scheduledMs, 30);
  assert.ok(e.idle);
});

Deno.test("Engine stall delays only the first token", () => {
  const e = engine({ gammaMs: 2 });
  e.submit({ id: 1, promptTokens: 5, outputTokens: 3, finishReason: "stop", stallMs: 500 }, 0);
  const events = drain(e);
  assert.deepEqual(tokens(events, 1).map((t) => t.atMs), [502, 523, 544]);
  assert.equal(finish(events, 1).reason, "stop");
});

Deno.test("Engine setParams changes the step time from the next step on", () => {
  const e = engine();
  submit(e, 1, { out: 4 });
  const events = drain(e, [], 10);
  e.setParams({ alphaMs: 40 }, 10); // the step running 0..21 keeps its duration
  drain(e, events);
  assert.deepEqual(tokens(events, 1).map((t) => t.gapMs).slice(1), [21, 41, 41]);
});

Deno.test("Engine with jitter is deterministic per seed and centred on the model", () => {
  function run(seed: number): number[] {
    const e = engine({ jitterCv: 0.1 }, seed);
    for (let id = 1; id <= 4; id++) submit(e, id, { out: 400 });
    return drain(e).flatMap((x) => (x.kind === "step" ? [x.durationMs] : []));
  }
  const a = run(7), b = run(7), c = run(8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(Math.abs(mean - 24) / 24 < 0.02, `mean step ${mean} ms should be within 2 % of 24`);
  assert.ok(a.every((d) => d >= 24 * 0.7 && d <= 24 * 1.3), "clamped to ±3 sd");
});

Deno.test("Engine rejects a sequence that can never fit the KV cache", () => {
  const e = engine({ kvCacheBlocks: 2, preemption: false });
  assert.equal(submit(e, 1, { p: 30, out: 10 }), "too_large");
  assert.throws(() => {
    submit(e, 2);
    submit(e, 2);
  }, /already in the engine/);
});

Deno.test("Engine without token and step events reports the same finishes and timings", () => {
  function run(events?: { tokenEvents: boolean; stepEvents: boolean }): EngineEvent[] {
    const e = new Engine({ ...BASE, jitterCv: 0.1, kvCacheBlocks: 12 }, createRng(3), events);
    for (let id = 1; id <= 6; id++) submit(e, id, { p: 40, out: 30, at: id * 3 });
    return drain(e);
  }
  const all = run();
  const lean = run({ tokenEvents: false, stepEvents: false });
  assert.ok(all.some((x) => x.kind === "token") && all.some((x) => x.kind === "step"));
  assert.ok(lean.every((x) => x.kind === "finish" || x.kind === "preempt"));
  const keep = (xs: EngineEvent[]) => xs.filter((x) => x.kind === "finish" || x.kind === "preempt");
  assert.deepEqual(lean, keep(all));
  assert.ok(lean.some((x) => x.kind === "preempt"), "the case exercises preemption");
});
