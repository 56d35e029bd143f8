import assert from "node:assert/strict";
import { parseStagesSpec } from "./schedule.ts";
import { okRecord } from "./record_fixture.ts";
import { buildTimeline, chooseBinMs } from "./timeline.ts";

Deno.test("chooseBinMs() keeps the number of bins bounded", () => {
  assert.equal(chooseBinMs(10_000), 250);
  assert.equal(chooseBinMs(600_000), 5000);
  assert.ok(3_600_000 / chooseBinMs(3_600_000) <= 120);
});

Deno.test("buildTimeline() bins sends, latency, errors and in-flight by time", () => {
  const stages = parseStagesSpec("2s@2rps,2s@4rps");
  const records = [
    okRecord({ sentAtMs: 100, doneAtMs: 300, ttftMs: 50, itlMs: [10, 20] }),
    okRecord({ sentAtMs: 600, doneAtMs: 2500, ttftMs: 70, itlMs: [30] }),
    okRecord({ sentAtMs: 2100, doneAtMs: 2200, ok: false, errorClass: "server_error" }),
    okRecord({ sentAtMs: null, scheduledAtMs: 3500, ok: false, errorClass: "dropped" }),
  ];
  const bins = buildTimeline(records, stages, { windowMs: 4000, binMs: 1000 });
  assert.equal(bins.length, 4);
  assert.deepEqual(bins.map((b) => b.targetRatePerSec), [2, 2, 4, 4]);
  assert.deepEqual(bins.map((b) => b.sentPerSec), [2, 0, 1, 0]);
  assert.deepEqual(bins.map((b) => b.errors), [0, 0, 1, 1]);
  assert.deepEqual(bins.map((b) => b.inFlight), [1, 1, 0, 0]);
  assert.equal(bins[0]!.ttftMs.p50, 60);
  assert.equal(bins[0]!.itlMs.p50, 20);
  assert.ok(Number.isNaN(bins[1]!.ttftMs.p50));
  assert.deepEqual(bins.map((b) => b.completedPerSec), [1, 0, 1, 0]);
});

Deno.test("buildTimeline() extends past the window to the last completion with target 0 there", () => {
  const stages = parseStagesSpec("2s@1rps");
  const records = [okRecord({ sentAtMs: 1500, doneAtMs: 3400 })];
  const bins = buildTimeline(records, stages, { windowMs: 2000, binMs: 1000 });
  assert.equal(bins.length, 4);
  assert.deepEqual(bins.map((b) => b.targetRatePerSec), [1, 1, 0, 0]);
  assert.deepEqual(bins.map((b) => b.completedPerSec), [0, 0, 0, 1 / 0.4]);
  assert.equal(bins.at(-1)!.endSec, 3.4);
});
