import { strict as assert } from "node:assert";
import {
  DEFAULT_HPA_CONTROLLER,
  type HpaControllerConfig,
  type HpaSpec,
  metricName,
} from "./spec.ts";
import type { HpaMemory } from "./normalize.ts";
import { EMPTY_HPA_MEMORY, hpaSync, type HpaSyncInput, type MetricReading } from "./hpa.ts";
import type { HpaPod } from "./replica_calc.ts";
import { type HpaSpecInput, HpaSpecSchema } from "./spec.ts";

const ext = (name: string, avg: number) => ({
  type: "External" as const,
  external: { metric: { name }, target: { type: "AverageValue" as const, averageValue: avg } },
});
const podsMetric = (name: string, avg: number | string) => ({
  type: "Pods" as const,
  pods: { metric: { name }, target: { type: "AverageValue" as const, averageValue: avg } },
});
const spec = (s: Partial<HpaSpecInput>) =>
  HpaSpecSchema.parse({ minReplicas: 1, maxReplicas: 10, metrics: [ext("q", 1)], ...s });
const podsOf = (n: number): HpaPod[] =>
  Array.from(
    { length: n },
    (_, i) => ({ name: `p${i}`, phase: "Running", ready: true, deleting: false }),
  );

function input(
  replicas: number,
  read: (name: string) => MetricReading,
  over: Partial<HpaSyncInput> = {},
): HpaSyncInput {
  return {
    nowMs: 0,
    specReplicas: replicas,
    statusReplicas: replicas,
    pods: podsOf(replicas),
    read: (m) =>
      read(
        m.type === "Pods"
          ? m.pods.metric.name
          : m.type === "External"
          ? m.external.metric.name
          : m.object.metric.name,
      ),
    ...over,
  };
}
const total = (value: number): MetricReading => ({ kind: "total", value });

Deno.test("hpaSync() records the current count at the first sync (no scale-down for one window)", async (t) => {
  for (
    const [name, s] of [
      ["legacy", spec({})],
      ["behavior with the default down window", spec({ behavior: {} })],
    ] as const
  ) {
    await t.step(name, () => {
      const r = hpaSync(s, EMPTY_HPA_MEMORY, input(5, () => total(2)));
      assert.equal(r.replicas, 5);
      assert.equal(r.recommendation, 2);
      const later = hpaSync(s, r.memory, input(5, () => total(2), { nowMs: 301_000 }));
      assert.equal(later.replicas, 2, "after the window the low recommendation applies");
    });
  }
});

Deno.test("hpaSync() pre-metric rules: disabled at 0, above max, below min", async (t) => {
  const cases = [
    {
      name: "spec 0 with min 1: ScalingDisabled",
      s: spec({}),
      cur: 0,
      want: 0,
      reason: "ScalingDisabled",
    },
    {
      name: "above max: max",
      s: spec({ maxReplicas: 3 }),
      cur: 5,
      want: 3,
      reason: "TooManyReplicas",
    },
    {
      name: "below min: min",
      s: spec({ minReplicas: 2 }),
      cur: 1,
      want: 2,
      reason: "TooFewReplicas",
    },
    {
      name: "min 0 at 0 that the HPA did not scale to 0: ScalingDisabled (v1.36)",
      s: spec({ minReplicas: 0 }),
      cur: 0,
      want: 0,
      reason: "ScalingDisabled",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = hpaSync(c.s, EMPTY_HPA_MEMORY, input(c.cur, () => total(3)));
      assert.equal(r.replicas, c.want);
      assert.equal(r.reason, c.reason);
    });
  }
});

Deno.test("hpaSync() from 0 replicas: only after scaling to 0 itself (v1.36, KEP-2021)", async (t) => {
  const zero = spec({ minReplicas: 0 });
  const own: HpaMemory = { ...EMPTY_HPA_MEMORY, recommendations: [], scaledToZero: true };
  const cases: {
    name: string;
    s: HpaSpec;
    memory: HpaMemory;
    config?: Partial<HpaControllerConfig>;
    value: number;
    want: number;
    reason: string;
  }[] = [
    {
      name: "created at 0 (or scaled to 0 by someone else): stays 0",
      s: zero,
      memory: EMPTY_HPA_MEMORY,
      value: 3,
      want: 0,
      reason: "ScalingDisabled",
    },
    {
      name: "the same before v1.36 (scaleFromZero min-zero): wakes up",
      s: zero,
      memory: EMPTY_HPA_MEMORY,
      config: { scaleFromZero: "min-zero" },
      value: 3,
      want: 3,
      reason: "DesiredWithinRange",
    },
    {
      name: "scaled to 0 by the HPA: wakes up on a value above 0",
      s: zero,
      memory: own,
      value: 3,
      want: 3,
      reason: "DesiredWithinRange",
    },
    {
      name: "scaled to 0 by the HPA, value 0: stays 0 (0 / (target × 0) is not within tolerance)",
      s: zero,
      memory: own,
      value: 0,
      want: 0,
      reason: "DesiredWithinRange",
    },
    {
      name: "scaled to 0 by the HPA, min raised to 2 since: at least min",
      s: spec({ minReplicas: 2, behavior: {} }),
      memory: own,
      value: 0,
      want: 2,
      reason: "DesiredWithinRange",
    },
    {
      name: "min 1 at 0 (KEDA's HPA after KEDA scaled to 0): ScalingDisabled",
      s: spec({}),
      memory: EMPTY_HPA_MEMORY,
      value: 3,
      want: 0,
      reason: "ScalingDisabled",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = hpaSync(c.s, c.memory, input(0, () => total(c.value)), {
        ...DEFAULT_HPA_CONTROLLER,
        ...c.config,
      });
      assert.equal(r.replicas, c.want);
      assert.equal(r.reason, c.reason);
    });
  }
  await t.step("the condition: set by the HPA's own > 0 → 0, cleared by any other rescale", () => {
    let mem: HpaMemory = EMPTY_HPA_MEMORY;
    const seen: [number, boolean | undefined][] = [];
    let cur = 3;
    for (const [nowMs, value] of [[0, 3], [301_000, 0], [304_000, 0], [307_000, 5]] as const) {
      const r = hpaSync(zero, mem, input(cur, () => total(value), { nowMs }));
      mem = r.memory;
      cur = r.replicas;
      seen.push([cur, mem.scaledToZero]);
    }
    // 0 → 5 is capped by the legacy max(2 × 0, 4).
    assert.deepEqual(seen, [[3, undefined], [0, true], [0, true], [4, false]]);
  });
});

Deno.test("hpaSync() takes the max over metrics and handles metric errors", async (t) => {
  const two = spec({ metrics: [ext("a", 1), ext("b", 1)] });
  const cases = [
    { name: "max of proposals", a: total(3), b: total(6), want: 6, rescale: true },
    {
      name: "all fail: no change",
      a: { kind: "error", message: "x" },
      b: { kind: "error", message: "y" },
      want: 4,
      rescale: false,
    },
    {
      name: "one fails, the other would scale down: no change",
      a: { kind: "error", message: "x" },
      b: total(1),
      want: 4,
      rescale: false,
    },
    {
      name: "one fails, the other scales up: proceed",
      a: { kind: "error", message: "x" },
      b: total(7),
      want: 7,
      rescale: true,
    },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = hpaSync(two, EMPTY_HPA_MEMORY, input(4, (n) => (n === "a" ? c.a : c.b)));
      assert.equal(r.replicas, c.want);
      assert.equal(r.rescale, c.rescale);
      assert.equal(r.proposals.length, 2);
    });
  }
});

Deno.test("hpaSync() legacy and default-behavior paths differ when two rescalings fall within 15 s", () => {
  const legacy = spec({});
  const behavior = spec({ behavior: {} });
  const run = (s: typeof legacy) => {
    let mem: HpaMemory = EMPTY_HPA_MEMORY;
    let cur = 1;
    const seen: number[] = [];
    for (const nowMs of [0, 5_000, 10_000]) {
      const r = hpaSync(s, mem, input(cur, () => total(40), { nowMs }));
      mem = r.memory;
      cur = r.replicas;
      seen.push(cur);
    }
    return seen;
  };
  assert.deepEqual(run(legacy), [4, 8, 10], "legacy: max(2×, 4) per sync, no memory of events");
  assert.deepEqual(run(behavior), [5, 5, 5], "behavior: max(+4, +100 %) per 15 s period");
});

Deno.test("hpaSync() per-direction tolerance needs behavior and the gate", () => {
  const s = spec({ behavior: { scaleUp: { tolerance: 0.5 } } });
  const at = (configurableTolerance: boolean) =>
    hpaSync(s, EMPTY_HPA_MEMORY, input(4, () => total(5.6)), {
      syncPeriodMs: 15_000,
      tolerance: 0.1,
      downscaleStabilizationMs: 300_000,
      configurableTolerance,
    }).replicas;
  assert.equal(at(true), 4, "ratio 1.4 is within the 0.5 up tolerance");
  assert.equal(at(false), 6, "gate off: the global 0.1 applies");
});

Deno.test("hpaSync() FORK-like Pods HPA counts loading pods as capacity on the way up", () => {
  const s = spec({
    metrics: [podsMetric("waiting", 2), podsMetric("kv", "800m")],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Min",
        policies: [{ type: "Pods", value: 1, periodSeconds: 15 }],
      },
    },
  });
  const pods: HpaPod[] = [
    { name: "a", phase: "Running", ready: true, deleting: false },
    { name: "b", phase: "Running", ready: false, deleting: false },
    { name: "c", phase: "Pending", ready: false, deleting: false },
  ];
  const read = (n: string): MetricReading =>
    n === "waiting"
      ? { kind: "pods", samples: new Map([["a", 9]]) }
      : { kind: "pods", samples: new Map([["a", 0.5]]) };
  const r = hpaSync(s, EMPTY_HPA_MEMORY, {
    nowMs: 0,
    specReplicas: 3,
    statusReplicas: 3,
    pods,
    read: (m) => read(metricName(m)),
  });
  // waiting: ratio 4.5 with missing b and Pending c filled with 0 → 3/pod → ceil(1.5 × 3) = 5.
  // kv: ratio 0.625 (a scale-down), so missing b counts at target 0.8 → 0.65/pod → ceil(0.8125 × 2)
  // = 2 (the Pending pod is left out on a scale-down).
  assert.deepEqual(r.proposals.map((p) => p.replicas), [5, 2]);
  assert.equal(r.replicas, 5);
});
