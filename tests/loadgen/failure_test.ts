/**
 * The load generator when the target misbehaves: it dies mid-run, it answers with errors, or the
 * concurrency cap is full. Failures are counted, never thrown, and the run ends on time.
 */
import assert from "node:assert/strict";
import { FAILURE_HEADER } from "../../emulator/mod.ts";
import type { RequestRecord } from "../../src/adapters/loadgen/mod.ts";
import { runLoad, withEmulator } from "./helpers.ts";

function maxOverlap(records: readonly RequestRecord[]): number {
  const events: Array<[number, number]> = [];
  for (const r of records) {
    if (r.sentAtMs === null || r.doneAtMs === null) continue;
    events.push([r.sentAtMs, 1], [r.doneAtMs, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, max = 0;
  for (const [, d] of events) max = Math.max(max, cur += d);
  return max;
}

Deno.test("a target that dies mid-run gives counted errors and the run still ends on time", async () => {
  await withEmulator({ alphaMs: 10 }, async (emu) => {
    const kill = setTimeout(() => void emu.stop(), 1500);
    try {
      const run = await runLoad(emu.url, {
        model: emu.config.model,
        stages: [{ durationMs: 4000, fromRatePerSec: 10, toRatePerSec: 10 }],
        arrival: "constant",
        outputTokens: { kind: "fixed", tokens: 10 },
        timeoutMs: 2000,
      });
      const s = run.summary;
      assert.equal(s.sent, 40);
      assert.ok(s.succeeded >= 10 && s.succeeded <= 20, `succeeded ${s.succeeded}`);
      assert.equal(s.succeeded + s.failed, 40);
      assert.ok((s.errors.connection ?? 0) >= 20, JSON.stringify(s.errors));
      assert.ok(s.stages[0]!.failed > 0);
      assert.ok(run.elapsedMs < 5000, `took ${run.elapsedMs} ms`);
    } finally {
      clearTimeout(kill);
    }
  });
});

Deno.test("HTTP errors from the target are classified and excluded from latency and goodput", async () => {
  await withEmulator({ failure: { rate01: 1, types: ["server_error"] } }, async (emu) => {
    const run = await runLoad(emu.url, {
      stages: [{ durationMs: 1000, fromRatePerSec: 10, toRatePerSec: 10 }],
      arrival: "constant",
      headers: { [FAILURE_HEADER]: "server_error" },
    });
    assert.equal(run.summary.failed, 10);
    assert.deepEqual(run.summary.errors, { server_error: 10 });
    assert.ok(run.records.every((r) => r.status === 500));
    assert.equal(run.summary.goodput.good, 0);
    assert.equal(run.summary.ttftMs.count, 0);
  });
});

Deno.test("--max-concurrency drops and counts sends that find the cap full, never queues them", async () => {
  await withEmulator({ alphaMs: 20 }, async (emu) => {
    // Each request takes ~20 × 20 ms = 0.4 s; 20 req/s would need ~8 in flight.
    const run = await runLoad(emu.url, {
      stages: [{ durationMs: 2000, fromRatePerSec: 20, toRatePerSec: 20 }],
      arrival: "constant",
      outputTokens: { kind: "fixed", tokens: 20 },
      maxConcurrency: 3,
    });
    const s = run.summary;
    assert.equal(s.total, 40);
    assert.equal(s.sent + s.dropped, 40);
    assert.ok(s.dropped >= 20, `dropped ${s.dropped}`);
    assert.equal(s.errors.dropped, s.dropped);
    assert.equal(s.failed, 0);
    assert.ok(maxOverlap(run.records) <= 3, `overlap ${maxOverlap(run.records)}`);
    assert.ok(s.scheduleLagMs.p99 < 100, "sent requests kept their schedule");
  });
});
