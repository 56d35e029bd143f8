import { strict as assert } from "node:assert";
import { compileFormula } from "./formula.ts";
import { isActive, kedaMetrics, kedaPoll, newKedaState, readTriggers } from "./keda.ts";
import { kedaHpaSpec, type ScaledObjectInput, ScaledObjectSchema } from "./scaled_object.ts";

const trig = (name: string, threshold: number | string, extra: Record<string, unknown> = {}) => ({
  name,
  metadata: { query: `sum(${name})`, threshold, ...extra },
});
const so = (s: Partial<ScaledObjectInput> = {}) =>
  ScaledObjectSchema.parse({ triggers: [trig("queue", 1), trig("running", 16)], ...s });

const GUARD = "let queue_per_replica = 1; let running_per_replica = 16; " +
  "let demand = max(queue / queue_per_replica, running / running_per_replica); " +
  "demand <= replicas ? demand : max(demand - (pending ?? 0), replicas)";

Deno.test("compileFormula() evaluates the llm-d queue-guard formula", async (t) => {
  const f = compileFormula(GUARD);
  const cases = [
    {
      name: "demand below replicas passes through",
      v: { queue: 1, running: 16, pending: 0, replicas: 3 },
      want: 1,
    },
    {
      name: "pending pods are discounted",
      v: { queue: 8, running: 16, pending: 3, replicas: 2 },
      want: 5,
    },
    { name: "floored at replicas", v: { queue: 4, running: 0, pending: 10, replicas: 3 }, want: 3 },
    {
      name: "nil pending counts as 0",
      v: { queue: 6, running: 0, pending: undefined, replicas: 2 },
      want: 6,
    },
  ];
  for (const c of cases) await t.step(c.name, () => assert.equal(f(c.v), c.want));
  assert.equal(compileFormula("-2 + 3 * 4 % 5 / 2")({}), -1, "(3 × 4) % 5 = 2, / 2 = 1");
  assert.equal(compileFormula("!(1 > 2) && 3 >= 3 ? ceil(1.2) : 0")({}), 2);
  assert.throws(() => compileFormula("max(1, "), /ends too early/);
  assert.throws(() => compileFormula("foo(1)"), /unknown function/);
  assert.throws(() => compileFormula("x + 1")({}), /nil/);
});

Deno.test("kedaHpaSpec() builds the HPA KEDA would", async (t) => {
  await t.step("one External AverageValue metric per trigger, min lifted to 1, no behavior", () => {
    const h = kedaHpaSpec(so({ minReplicaCount: 0, maxReplicaCount: 8 }));
    assert.equal(h.minReplicas, 1);
    assert.equal(h.maxReplicas, 8);
    assert.equal(h.behavior, undefined, "nil behavior → the HPA's legacy path");
    assert.deepEqual(h.metrics.map((m) => m.type === "External" && m.external.target), [
      { type: "AverageValue", averageValue: 1 },
      { type: "AverageValue", averageValue: 16 },
    ]);
  });
  await t.step("behavior copied with API defaults; composite metric for scalingModifiers", () => {
    const h = kedaHpaSpec(so({
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleUp: { stabilizationWindowSeconds: 300 } },
        },
        scalingModifiers: { formula: "queue", target: "1" },
      },
    }));
    assert.equal(h.behavior?.scaleUp.stabilizationWindowSeconds, 300);
    assert.equal(h.behavior?.scaleDown.stabilizationWindowSeconds, undefined);
    assert.equal(h.metrics.length, 1);
  });
  await t.step("a bad formula is a schema problem naming the field", () => {
    const r = ScaledObjectSchema.safeParse({
      triggers: [trig("q", 1)],
      advanced: { scalingModifiers: { formula: "max(", target: 1 } },
    });
    assert.ok(!r.success);
    assert.deepEqual(r.error.issues[0]!.path, ["advanced", "scalingModifiers", "formula"]);
  });
});

Deno.test("kedaMetrics() ignoreNullValues, errors and static fallback", async (t) => {
  const s = so({
    triggers: [trig("queue", 1), trig("running", 16, { ignoreNullValues: false })],
    fallback: { failureThreshold: 2, replicas: 3 },
  });
  const values = readTriggers(s, (_t, i) => (i === 0 ? { kind: "empty" } : { kind: "empty" }));
  assert.deepEqual(values, [0, undefined], "empty → 0 only with ignoreNullValues");
  let failures = {};
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const m = kedaMetrics(s, values, { failures, statusReplicas: 2 });
    failures = m.failures;
    const r = m.readings.get("s1-prometheus")!;
    seen.push(r.kind === "total" ? `value ${r.value}` : r.kind);
  }
  await t.step(
    "errors until failures exceed the threshold, then target × fallback replicas",
    () => {
      assert.deepEqual(seen, ["error", "error", "value 48"]);
    },
  );
});

Deno.test("kedaPoll() activation, cooldown and min", async (t) => {
  const zero = so({ minReplicaCount: 0, cooldownPeriod: 300 });
  const cases = [
    { name: "active at 0 → 1", s: zero, last: undefined, cur: 0, vals: [2, 0], at: 0, want: 1 },
    {
      name: "active at 0 with min 2 → 2",
      s: so({ minReplicaCount: 2 }),
      last: undefined,
      cur: 0,
      vals: [2, 0],
      at: 0,
      want: 2,
    },
    {
      name: "inactive, never active → 0 at once",
      s: zero,
      last: undefined,
      cur: 3,
      vals: [0, 0],
      at: 0,
      want: 0,
    },
    {
      name: "inactive within cooldown → no change",
      s: zero,
      last: 0,
      cur: 3,
      vals: [0, 0],
      at: 300_000,
      want: undefined,
    },
    {
      name: "inactive after cooldown → 0",
      s: zero,
      last: 0,
      cur: 3,
      vals: [0, 0],
      at: 300_001,
      want: 0,
    },
    {
      name: "activation threshold is strict (value must exceed it)",
      s: so({ triggers: [trig("q", 1, { activationThreshold: 2 })] }),
      last: undefined,
      cur: 0,
      vals: [2],
      at: 0,
      want: undefined,
    },
    {
      name: "min ≥ 1, inactive at 1: nothing",
      s: so({ minReplicaCount: 1 }),
      last: undefined,
      cur: 1,
      vals: [0, 0],
      at: 0,
      want: undefined,
    },
    {
      name: "below min lifted to min",
      s: so({ minReplicaCount: 2 }),
      last: undefined,
      cur: 1,
      vals: [0, 0],
      at: 0,
      want: 2,
    },
    {
      name: "initialCooldownPeriod holds the first scale to zero",
      s: so({ initialCooldownPeriod: 60 }),
      last: undefined,
      cur: 1,
      vals: [0, 0],
      at: 30_000,
      want: undefined,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = kedaPoll(c.s, { ...newKedaState(0), lastActiveMs: c.last }, {
        nowMs: c.at,
        currentReplicas: c.cur,
        values: c.vals,
      });
      assert.equal(r.setReplicas, c.want);
    });
  }
  await t.step("an active poll refreshes lastActiveTime", () => {
    const r = kedaPoll(zero, newKedaState(0), { nowMs: 42, currentReplicas: 2, values: [5, 0] });
    assert.equal(r.state.lastActiveMs, 42);
    assert.deepEqual(isActive(zero, [0, 0]), { active: false, error: false });
  });
});
