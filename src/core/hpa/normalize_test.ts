import { strict as assert } from "node:assert";
import {
  EMPTY_HPA_MEMORY,
  type HpaMemory,
  normalizeLegacy,
  normalizeWithBehavior,
  rateLimit,
  storeScaleEvent,
  type Timed,
} from "./normalize.ts";
import { BehaviorSchema, type ScalingRules } from "./spec.ts";

const NOW = 1_000_000;
const ago = (s: number, value: number): Timed => ({ atMs: NOW - s * 1000, value });
const args = (current: number, desired: number, recs: readonly Timed[] = []) => ({
  nowMs: NOW,
  currentReplicas: current,
  desiredReplicas: desired,
  minReplicas: 1,
  maxReplicas: 10,
  recommendations: recs,
});

Deno.test("normalizeLegacy() applies the 300 s window, then min/max and max(2×, 4)", async (t) => {
  const cases = [
    { name: "scale-up limited to 4 from 1", current: 1, desired: 10, recs: [], want: 4 },
    { name: "scale-up limited to 2× from 3", current: 3, desired: 10, recs: [], want: 6 },
    { name: "maxReplicas below the 2× limit", current: 6, desired: 20, recs: [], want: 10 },
    {
      name: "a higher recent recommendation holds",
      current: 8,
      desired: 3,
      recs: [ago(290, 8)],
      want: 8,
    },
    {
      name: "a recommendation exactly one window old still counts (!Before)",
      current: 8,
      desired: 3,
      recs: [ago(300, 7)],
      want: 7,
    },
    { name: "older than the window: gone", current: 8, desired: 3, recs: [ago(301, 8)], want: 3 },
    { name: "no scale-down rate limit", current: 10, desired: 1, recs: [], want: 1 },
    { name: "below minReplicas", current: 2, desired: 0, recs: [], want: 1 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.equal(normalizeLegacy(args(c.current, c.desired, c.recs), 300_000).replicas, c.want);
    });
  }
});

function rules(input: unknown): { up: ScalingRules; down: ScalingRules } {
  const b = BehaviorSchema.parse(input);
  return { up: b.scaleUp, down: b.scaleDown };
}

const FORK = rules({
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Min",
    policies: [{ type: "Pods", value: 1, periodSeconds: 15 }],
  },
});

function withBehavior(
  r: { up: ScalingRules; down: ScalingRules },
  a: ReturnType<typeof args>,
  memory: HpaMemory = EMPTY_HPA_MEMORY,
) {
  return normalizeWithBehavior(a, { ...r, memory }, 300_000).replicas;
}

Deno.test("normalizeWithBehavior() stabilises with both windows", async (t) => {
  const slow = rules({
    scaleUp: { stabilizationWindowSeconds: 300 },
    scaleDown: { stabilizationWindowSeconds: 300 },
  });
  const cases = [
    {
      name: "up window: lowest recent recommendation wins",
      r: slow,
      cur: 2,
      des: 6,
      recs: [ago(100, 2)],
      want: 2,
    },
    {
      name: "up window: the min of recent ones above current",
      r: slow,
      cur: 2,
      des: 6,
      recs: [ago(100, 4), ago(50, 5)],
      want: 4,
    },
    {
      name: "down window: highest recent recommendation",
      r: slow,
      cur: 6,
      des: 2,
      recs: [ago(200, 5)],
      want: 5,
    },
    {
      name: "a recommendation exactly one window old is out (After)",
      r: slow,
      cur: 6,
      des: 2,
      recs: [ago(300, 5)],
      want: 2,
    },
    {
      name: "scale-down window nil → the controller's 300 s",
      r: rules({}),
      cur: 6,
      des: 2,
      recs: [ago(200, 5)],
      want: 5,
    },
    {
      name: "window 0: nothing recent counts",
      r: FORK,
      cur: 6,
      des: 5,
      recs: [ago(1, 9)],
      want: 5,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.equal(withBehavior(c.r, args(c.cur, c.des, c.recs)), c.want));
  }
});

Deno.test("normalizeWithBehavior() applies rate policies per period", async (t) => {
  const upEvent = (s: number, n: number): HpaMemory => ({
    ...EMPTY_HPA_MEMORY,
    scaleUpEvents: [ago(s, n)],
  });
  const downEvent = (s: number, n: number): HpaMemory => ({
    ...EMPTY_HPA_MEMORY,
    scaleDownEvents: [ago(s, n)],
  });
  const pct = (v: number, policy = "Max") =>
    rules({
      scaleUp: {
        selectPolicy: policy,
        policies: [{ type: "Percent", value: v, periodSeconds: 60 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: policy,
        policies: [
          { type: "Percent", value: v, periodSeconds: 60 },
          { type: "Pods", value: 1, periodSeconds: 60 },
        ],
      },
    });
  const cases = [
    { name: "Pods 4/15 s from 2", r: FORK, cur: 2, des: 10, mem: EMPTY_HPA_MEMORY, want: 6 },
    {
      name: "4 added 10 s ago: no more this period",
      r: FORK,
      cur: 6,
      des: 10,
      mem: upEvent(10, 4),
      want: 6,
    },
    {
      name: "an event exactly one period old no longer counts",
      r: FORK,
      cur: 6,
      des: 10,
      mem: upEvent(15, 4),
      want: 10,
    },
    {
      name: "selectPolicy Min on scale-down: one pod per period",
      r: FORK,
      cur: 6,
      des: 1,
      mem: EMPTY_HPA_MEMORY,
      want: 5,
    },
    {
      name: "removed pods in the period are given back to periodStart",
      r: FORK,
      cur: 5,
      des: 1,
      mem: downEvent(5, 1),
      want: 5,
    },
    {
      name: "Percent up rounds up (10 % of 1 → 2)",
      r: pct(10),
      cur: 1,
      des: 5,
      mem: EMPTY_HPA_MEMORY,
      want: 2,
    },
    {
      name: "Percent down truncates; Max picks the larger cut",
      r: pct(50),
      cur: 3,
      des: 1,
      mem: EMPTY_HPA_MEMORY,
      want: 1,
    },
    {
      name: "Percent down with Min picks the smaller cut",
      r: pct(50, "Min"),
      cur: 9,
      des: 1,
      mem: EMPTY_HPA_MEMORY,
      want: 8,
    },
    {
      name: "Disabled scale-down holds",
      r: pct(50, "Disabled"),
      cur: 9,
      des: 1,
      mem: EMPTY_HPA_MEMORY,
      want: 9,
    },
    {
      name: "default behaviour: max(4 pods, 100 %) per 15 s",
      r: rules({}),
      cur: 3,
      des: 20,
      mem: EMPTY_HPA_MEMORY,
      want: 7,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.equal(withBehavior(c.r, args(c.cur, c.des), c.mem), c.want));
  }
});

Deno.test("rateLimit() never limits below current on the way up", () => {
  const mem = { ...EMPTY_HPA_MEMORY, scaleDownEvents: [ago(5, 3)] };
  assert.equal(rateLimit("up", FORK.up, { currentReplicas: 4, nowMs: NOW, memory: mem }), 11);
  const n = normalizeWithBehavior(args(4, 9), {
    ...FORK,
    memory: { ...EMPTY_HPA_MEMORY, scaleUpEvents: [ago(5, 6)] },
  }, 0);
  assert.equal(n.replicas, 4);
  assert.equal(n.reason, "ScaleUpLimit");
});

Deno.test("storeScaleEvent() keeps events within the longest period", () => {
  let m: HpaMemory = { ...EMPTY_HPA_MEMORY, scaleUpEvents: [ago(20, 2), ago(5, 1)] };
  m = storeScaleEvent(m, { from: 3, to: 5, nowMs: NOW }, FORK);
  assert.deepEqual(m.scaleUpEvents, [ago(5, 1), { atMs: NOW, value: 2 }]);
  m = storeScaleEvent(m, { from: 5, to: 4, nowMs: NOW }, FORK);
  assert.deepEqual(m.scaleDownEvents, [{ atMs: NOW, value: 1 }]);
});
