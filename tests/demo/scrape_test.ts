/**
 * The direct-scrape metrics source against a real emulator's `/metrics`: per-replica gauges and
 * cache geometry as the cycle wants them, rates from successive scrapes, and what happens when a
 * replica cannot be scraped.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { createScrapeSource, type ScrapeTarget } from "../../src/adapters/scrape/source.ts";
import { streamChat } from "./helpers.ts";

Deno.test("scrape source: gauges, geometry and load from a real emulator", async () => {
  const emu = await startEmulator({
    port: 0,
    model: "m",
    alphaMs: 20,
    betaMs: 0,
    maxNumSeqs: 2,
    kvCacheBlocks: 100,
    blockSize: 16,
    maxModelLen: 1024,
  });
  const targets: ScrapeTarget[] = [
    { replicaId: "a-0", variant: "a", modelId: "m", namespace: "demo", url: emu.url },
  ];
  const source = createScrapeSource({ targets: () => targets, windowMs: 60_000 });
  try {
    await source.scrape(); // the base point: counters at zero
    const long = [1, 2, 3].map(() => streamChat(emu.url, 30)); // 2 run, 1 waits
    await new Promise((r) => setTimeout(r, 150));
    const request = {
      nowMs: Date.now(),
      models: [{ modelId: "m", namespace: "demo", variants: [{ name: "a", replicaIds: ["a-0"] }] }],
    };
    const busy = await source.collect(request);
    const r = busy[0]!.replicas[0]!;
    assert.equal(r.variant, "a");
    assert.equal(r.runningRequests, 2);
    assert.equal(r.queueLength, 1);
    assert.ok(r.kvUsage01! > 0 && r.kvUsage01! < 1);
    assert.deepEqual([r.numGpuBlocks, r.blockSize], [100, 16]);
    assert.ok(Math.abs(r.sampleMs! - Date.now()) < 1000);
    await Promise.all((await Promise.all(long)).map((res) => res.text()));
    const done = await source.collect({ ...request, nowMs: Date.now() });
    const m = done[0]!;
    assert.ok(m.arrivalRatePerSec! > 0, "3 requests finished between scrapes");
    assert.equal(m.avgOutputTokens, 30);
    assert.ok(m.itlMs! >= 19 && m.itlMs! <= 30, `mean ITL ${m.itlMs} ms for 20 ms steps`);
    assert.ok(m.ttftMs! > 0);
    // The window keeps the busy scrape: maximum over the window (max_over_time).
    assert.equal(done[0]!.replicas[0]!.queueLength, 1);
    assert.equal(source.gauges("a-0", 1)!.queueLength, 0, "the newest scrape alone");
  } finally {
    await emu.stop();
  }
});

Deno.test("scrape source: an unreachable replica yields no fresh sample", async () => {
  const targets: ScrapeTarget[] = [
    {
      replicaId: "gone-0",
      variant: "gone",
      modelId: "m",
      namespace: "demo",
      url: "http://127.0.0.1:9",
    },
  ];
  const source = createScrapeSource({ targets: () => targets, timeoutMs: 500 });
  const out = await source.collect({
    nowMs: Date.now(),
    models: [{
      modelId: "m",
      namespace: "demo",
      variants: [{ name: "gone", replicaIds: ["gone-0"] }],
    }],
  });
  assert.deepEqual(out[0]!.replicas, []);
  assert.equal(out[0]!.arrivalRatePerSec, undefined, "no data is not zero traffic");
  assert.equal(source.failures.get("gone-0"), 1);
});
