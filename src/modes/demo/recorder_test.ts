import assert from "node:assert/strict";
import type { CycleReport, VariantOutcome } from "../../core/contract/ports.ts";
import { DemoRecorder, explain } from "./recorder.ts";

function outcome(name: string, current: number, desired: number, reason: string): VariantOutcome {
  return {
    namespace: "demo",
    name,
    modelId: "m",
    accelerator: "A100",
    gpusPerReplica: 1,
    costPerReplica: 40,
    minReplicas: 1,
    maxReplicas: 4,
    currentReplicas: current,
    readyReplicas: current,
    desiredReplicas: desired,
    reason,
    steps: [{ rule: `v1.${reason}`, message: `${name} rule`, values: {} }],
    metrics: undefined,
    conditions: [],
  };
}

function report(variants: VariantOutcome[]): CycleReport {
  return {
    nowMs: 0,
    models: [{
      modelId: "m",
      namespace: "demo",
      analyzer: "saturation-v1",
      steps: [
        {
          rule: "v1.replicas",
          message: "2 replicas reported, 0 saturated",
          values: { saturated: 0 },
        },
        { rule: "v1.spare", message: "average spare below a trigger", values: {} },
        { rule: "v1.scale-down-check", message: "scale-down safe", values: {} },
      ],
      variants: variants.map((v) => ({
        name: v.name,
        current: v.currentReplicas,
        desired: v.desiredReplicas!,
        reason: v.reason,
      })),
    }],
    variants,
  };
}

Deno.test("DemoRecorder.cycle() turns changed desired counts into events with reasons", () => {
  const rec = new DemoRecorder(1000);
  const events = rec.cycle(
    report([outcome("a100", 1, 2, "scale-up"), outcome("h100", 0, 0, "hold")]),
    5000,
  );
  assert.equal(events.length, 1);
  assert.deepEqual(
    { ...events[0]! },
    {
      tMs: 4000,
      variant: "a100",
      from: 1,
      to: 2,
      reason: "scale-up",
      message: "average spare below a trigger — a100 rule",
    },
  );
  assert.match(rec.lastNote!.message, /a100 1 → 2 \(scale-up\)/);
  const down = rec.cycle(report([outcome("a100", 2, 1, "scale-down")]), 9000);
  assert.equal(down[0]!.message, "scale-down safe — a100 rule");
  const hold = rec.cycle(report([outcome("a100", 1, 1, "hold")]), 13_000);
  assert.deepEqual(hold, []);
  assert.deepEqual([rec.lastNote!.cycle, rec.lastNote!.message], [
    3,
    "hold: average spare below a trigger",
  ]);
});

Deno.test("explain() names saturated replicas when V1 counts some", () => {
  const steps = [
    { rule: "v1.replicas", message: "2 replicas reported, 2 saturated", values: { saturated: 2 } },
    { rule: "v1.spare", message: "averages 0", values: {} },
  ];
  assert.equal(
    explain(outcome("a", 1, 2, "scale-up"), steps),
    "2 replicas reported, 2 saturated — a rule",
  );
});

Deno.test("DemoRecorder.route() counts outcomes and failures by scale-down", () => {
  const rec = new DemoRecorder(0);
  const base = {
    replicaId: "a-0",
    variant: "a",
    receivedAtMs: 0,
    status: 200,
    ttftMs: 10,
    itlMs: 20,
    tokens: 5,
    retries: 0,
  };
  rec.route({ ...base, outcome: "ok", failedByScaleDown: false }, 100);
  rec.route({ ...base, outcome: "ok", failedByScaleDown: false, retries: 1, ttftMs: 30 }, 200);
  rec.route({ ...base, outcome: "failed", failedByScaleDown: true, error: "cut" }, 300);
  rec.route({ ...base, outcome: "failed", failedByScaleDown: false, error: "500" }, 400);
  rec.route({ ...base, outcome: "cancelled", failedByScaleDown: false }, 500);
  assert.deepEqual({ ...rec.router }, {
    requests: 5,
    ok: 2,
    failed: 2,
    cancelled: 1,
    failedByScaleDown: 1,
    retried: 1,
  });
  const p50 = rec.recentP50("a", 600);
  assert.deepEqual([p50.ttftMs, p50.itlMs, p50.count], [20, 20, 2]);
  assert.equal(rec.recentP50("a", 20_000).count, 0, "older than 10 s");
});

Deno.test("DemoRecorder.cycle() lists scale-ups cheapest first and scale-downs dearest first", () => {
  const rec = new DemoRecorder(0);
  const cheap = (c: number, d: number, r: string) => ({
    ...outcome("a100", c, d, r),
    costPerReplica: 40,
  });
  const dear = (c: number, d: number, r: string) => ({
    ...outcome("h100", c, d, r),
    costPerReplica: 80,
  });
  const downs = rec.cycle(report([cheap(2, 1, "scale-down"), dear(2, 0, "scale-down")]), 0);
  assert.deepEqual(downs.map((e) => e.variant), ["h100", "a100"]);
  const ups = rec.cycle(report([dear(0, 1, "scale-up"), cheap(1, 2, "scale-up")]), 0);
  assert.deepEqual(ups.map((e) => e.variant), ["a100", "h100"]);
  const mixed = rec.cycle(report([cheap(2, 1, "scale-down"), dear(0, 1, "scale-up")]), 0);
  assert.deepEqual(mixed.map((e) => e.variant), ["h100", "a100"], "ups before downs");
});
