import assert from "node:assert/strict";
import {
  eventLine,
  renderPlainLine,
  renderViewLines,
  replicaGlyphs,
  type ViewState,
} from "./view.ts";

const variant = {
  name: "a100",
  accelerator: "A100",
  costPerReplica: 40,
  ready: 2,
  desired: 3,
  loading: 1,
  draining: 1,
  unschedulable: 0,
  gpusHeld: 4,
  gpusTotal: 4,
  queue: 2,
  kvUsage01: 0.456,
  p50TtftMs: 80,
  p50ItlMs: 22.5,
};

const state: ViewState = {
  model: "m",
  analyzer: "saturation-v2",
  intervalMs: 4000,
  schedule: "schedule quick",
  phase: "stage 2/5",
  elapsedMs: 30_000,
  totalMs: 90_000,
  targetRatePerSec: 12,
  achievedRatePerSec: 11.5,
  inFlight: 20,
  done: 200,
  good: 190,
  failed: 0,
  failedByScaleDown: 0,
  p50TtftMs: 40,
  p50ItlMs: 21,
  variants: [variant],
  costPerHour: 160,
  costSoFar: 1.25,
  events: [{
    tMs: 12_000,
    variant: "a100",
    from: 1,
    to: 2,
    reason: "scale-up",
    message: "demand high",
  }],
  note: { tMs: 28_000, cycle: 7, message: "hold" },
};

Deno.test("renderViewLines() shows load, each variant and the latest decisions", () => {
  const text = renderViewLines(state).join("\n");
  for (
    const want of [
      "0:30 / 1:30",
      "target 12 req/s",
      "within SLO 95.0%",
      "failed 0 (by scale-down 0)",
      "2/3",
      "●●◐○",
      "4/4",
      "46%",
      "80 ms",
      "22.5 ms",
      "cost now 160/h",
      "cycle 7 +28.0s: hold",
      "▲ a100 1 → 2  scale-up: demand high",
    ]
  ) assert.ok(text.includes(want), `missing ${want} in\n${text}`);
});

Deno.test("renderPlainLine() is one greppable line", () => {
  const line = renderPlainLine(state);
  assert.ok(!line.includes("\n"));
  assert.match(
    line,
    /\+30\.0s +load 12\/11\.5 req\/s \| a100 2\/3 q=2 kv=46% \| done 200 failed 0/,
  );
});

Deno.test("replicaGlyphs() and eventLine() draw replicas and scale-downs", () => {
  assert.equal(
    replicaGlyphs({ ...variant, ready: 1, loading: 0, draining: 0, unschedulable: 2 }),
    "●··",
  );
  const down = eventLine({
    tMs: 61_500,
    variant: "h100",
    from: 2,
    to: 0,
    reason: "scale-down",
    message: "spare",
  });
  assert.equal(down, " +61.5s  ▼ h100 2 → 0  scale-down: spare");
});
