import assert from "node:assert/strict";
import { summarizeRun } from "../../core/load/summary.ts";
import type { TimelinePoint, TimelineVariant } from "./recorder.ts";
import { integrateCost, summarizeDemo } from "./summary.ts";

function v(ready: number, costPerReplica: number, desired = ready): TimelineVariant {
  return {
    ready,
    desired,
    loading: 0,
    draining: 0,
    unschedulable: 0,
    gpus: ready,
    queue: 0,
    kvUsage01: 0,
    costPerHour: ready * costPerReplica,
  };
}

const HOUR = 3_600_000;

function timeline(): TimelinePoint[] {
  const p = (tMs: number, a: number, h: number): TimelinePoint => ({
    tMs,
    targetRatePerSec: 1,
    achievedRatePerSec: 1,
    inFlight: 0,
    variants: { a100: v(a, 40), h100: v(h, 80) },
  });
  return [p(0, 1, 0), p(HOUR, 2, 1), p(2 * HOUR, 1, 0), p(3 * HOUR, 1, 0)];
}

Deno.test("integrateCost() sums cost per hour over time (left rectangles)", () => {
  const c = integrateCost(timeline());
  assert.equal(c.byVariant.a100, 40 + 80 + 40);
  assert.equal(c.byVariant.h100, 80);
  assert.equal(c.total, 240);
  assert.deepEqual(c.replicaHours, { a100: 4, h100: 1 });
});

Deno.test("summarizeDemo() reports peaks, events and the saving against holding the peak", () => {
  const run = summarizeRun([], [{ durationMs: 1000, fromRatePerSec: 1, toRatePerSec: 1 }], {
    slo: {},
    windowMs: 1000,
  });
  const events = [
    { tMs: HOUR - 1, variant: "a100", from: 1, to: 2, reason: "scale-up", message: "" },
    { tMs: HOUR, variant: "h100", from: 0, to: 1, reason: "scale-up", message: "" },
    { tMs: 2 * HOUR - 1, variant: "h100", from: 1, to: 0, reason: "scale-down", message: "" },
    { tMs: 2 * HOUR - 1, variant: "a100", from: 2, to: 1, reason: "scale-down", message: "" },
  ];
  const router = { requests: 0, ok: 0, failed: 0, cancelled: 0, failedByScaleDown: 0, retried: 0 };
  const s = summarizeDemo({
    run,
    timeline: timeline(),
    events,
    router,
    costs: { a100: 40, h100: 80 },
  });
  assert.deepEqual([s.scaleUps, s.scaleDowns], [2, 2]);
  assert.deepEqual(
    [s.variants.a100!.peakReady, s.variants.a100!.peakAtSec, s.variants.a100!.finalReady],
    [2, 3600, 1],
  );
  assert.equal(s.variants.h100!.firstScaleUpAtSec, 3600);
  assert.equal(s.cost.peakHeld, 160 * 3);
  assert.equal(s.cost.savedFraction01, 1 - 240 / 480);
  assert.equal(s.failedByScaleDown, 0);
});
