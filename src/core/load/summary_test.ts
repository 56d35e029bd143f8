import assert from "node:assert/strict";
import type { RequestRecord } from "./record.ts";
import { parseStagesSpec } from "./schedule.ts";
import { okRecord } from "./record_fixture.ts";
import { summarizeRun } from "./summary.ts";

function rec(i: number, stage: number, fields: Partial<RequestRecord>): RequestRecord {
  return okRecord({ index: i, stage, scheduledAtMs: i * 1000, sentAtMs: i * 1000, ...fields });
}

Deno.test("summarizeRun() computes goodput for a hand-worked case", () => {
  // SLO ttft ≤ 500 ms and mean ITL ≤ 50 ms. Ten requests over a 10 s window:
  //  0–4  good (ttft 100, gaps 40)            → 5 good
  //  5    ttft 600                            → bad
  //  6    gaps [40, 70] mean 55               → bad
  //  7    gaps [30, 70] mean 50 (= bound)     → good
  //  8    HTTP 500                            → bad (failed)
  //  9    dropped by the cap                  → not sent
  // good = 6, sent = 9 → fraction 6/9, rate 0.6/s
  const records: RequestRecord[] = [];
  for (let i = 0; i < 5; i++) records.push(rec(i, 0, { ttftMs: 100, itlMs: [40, 40] }));
  records.push(rec(5, 1, { ttftMs: 600, itlMs: [40, 40] }));
  records.push(rec(6, 1, { ttftMs: 100, itlMs: [40, 70] }));
  records.push(rec(7, 1, { ttftMs: 100, itlMs: [30, 70] }));
  records.push(rec(8, 1, { ok: false, status: 500, errorClass: "server_error", ttftMs: null }));
  records.push(
    rec(9, 1, { ok: false, status: 0, errorClass: "dropped", sentAtMs: null, lagMs: null }),
  );
  const stages = parseStagesSpec("5s@1rps,5s@1rps");
  const s = summarizeRun(records, stages, { slo: { ttftMs: 500, itlMs: 50 }, windowMs: 10_000 });
  assert.equal(s.total, 10);
  assert.equal(s.sent, 9);
  assert.equal(s.succeeded, 8);
  assert.equal(s.failed, 1);
  assert.equal(s.dropped, 1);
  assert.equal(s.goodput.good, 6);
  assert.equal(s.goodput.fraction01, 6 / 9);
  assert.equal(s.goodput.ratePerSec, 0.6);
  assert.equal(s.achievedRatePerSec, 0.9);
  assert.equal(s.targetRatePerSec, 1);
  assert.deepEqual(s.errors, { server_error: 1, dropped: 1 });
  assert.equal(s.itlMs.count, 16);
  assert.equal(s.stages[0]!.goodput.good, 5);
  assert.equal(s.stages[1]!.goodput.good, 1);
  assert.equal(s.stages[1]!.achievedRatePerSec, 4 / 5);
});

Deno.test("summarizeRun() shortens the windows of an interrupted run", () => {
  const stages = parseStagesSpec("4s@2rps,4s@2rps");
  const records = [0, 500, 1000, 1500, 2000, 2500].map((t, i) =>
    okRecord({ index: i, scheduledAtMs: t, sentAtMs: t })
  );
  const s = summarizeRun(records, stages, { slo: {}, windowMs: 3000, interrupted: true });
  assert.equal(s.interrupted, true);
  assert.equal(s.durationSec, 3);
  assert.equal(s.achievedRatePerSec, 2);
  assert.equal(s.stages[0]!.durationSec, 3);
  assert.equal(s.stages[1]!.durationSec, 0);
  assert.ok(Number.isNaN(s.stages[1]!.achievedRatePerSec));
  assert.equal(s.goodput.good, 6);
});

Deno.test("summarizeRun() counts late sends and cancelled requests apart from failures", () => {
  const stages = parseStagesSpec("1s@3rps");
  const records = [
    okRecord({ index: 0, lagMs: 2 }),
    okRecord({ index: 1, lagMs: 25 }),
    okRecord({ index: 2, ok: false, errorClass: "cancelled", ttftMs: null }),
  ];
  const s = summarizeRun(records, stages, { slo: {}, windowMs: 1000 });
  assert.equal(s.late, 1);
  assert.equal(s.cancelled, 1);
  assert.equal(s.failed, 0);
  assert.equal(s.scheduleLagMs.max, 25);
});
