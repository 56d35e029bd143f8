import { strict as assert } from "node:assert";
import {
  averageValueMetricReplicas,
  type HpaPod,
  podsMetricReplicas,
  valueMetricReplicas,
} from "./replica_calc.ts";
import { metricMilli, specMilli } from "./quantity.ts";

const TOL = { up: 0.1, down: 0.1 };
const running = (name: string, ready = true): HpaPod => ({
  name,
  phase: "Running",
  ready,
  deleting: false,
});
const pending = (name: string): HpaPod => ({
  name,
  phase: "Pending",
  ready: false,
  deleting: false,
});
const deleting = (name: string): HpaPod => ({ ...running(name), deleting: true });

interface PodsCase {
  readonly name: string;
  readonly spec: number;
  readonly target: number;
  readonly pods: readonly HpaPod[];
  readonly samples: Readonly<Record<string, number>>;
  readonly tol?: { up: number; down: number };
  readonly want: number | "error";
}

const PODS_CASES: readonly PodsCase[] = [
  {
    name: "within tolerance keeps the spec count (ratio exactly 1.1, milli-units)",
    spec: 3,
    target: 2,
    pods: [running("a"), running("b"), running("c")],
    samples: { a: 2.2, b: 2.2, c: 2.2 },
    want: 3,
  },
  {
    name: "just outside tolerance: ceil(ratio × ready)",
    spec: 3,
    target: 2,
    pods: [running("a"), running("b"), running("c")],
    samples: { a: 2.25, b: 2.25, c: 2.25 },
    want: 4,
  },
  {
    name: "per-direction tolerance: a wide up tolerance holds ratio 1.4",
    spec: 2,
    target: 1,
    pods: [running("a"), running("b")],
    samples: { a: 1.4, b: 1.4 },
    tol: { up: 0.5, down: 0.1 },
    want: 2,
  },
  {
    name: "per-direction tolerance: a narrow down tolerance lets ratio 0.85 scale down",
    spec: 4,
    target: 1,
    pods: [running("a"), running("b"), running("c"), running("d")],
    samples: { a: 0.5, b: 0.5, c: 0.5, d: 0.5 },
    tol: { up: 0.5, down: 0.1 },
    want: 2,
  },
  {
    name: "missing pods on a scale-down count as at target (not ignored)",
    spec: 4,
    target: 2,
    pods: [running("a"), running("b"), running("c", false), running("d", false)],
    samples: { a: 0.5, b: 0.5 },
    want: 3,
  },
  {
    name: "missing pods on a scale-up count as 0; a direction flip keeps the count",
    spec: 4,
    target: 2,
    pods: [running("a"), running("b", false), running("c", false), running("d", false)],
    samples: { a: 4.4 },
    want: 4,
  },
  {
    name: "missing pods on a scale-up: ceil(Σ / target) over every pod",
    spec: 2,
    target: 2,
    pods: [running("a"), running("b"), running("c", false)],
    samples: { a: 6, b: 6 },
    want: 6,
  },
  {
    name: "Pending pods on a scale-up count as 0: ratio 1 after filling holds the count",
    spec: 5,
    target: 2,
    pods: [running("a"), running("b"), pending("c"), pending("d"), pending("e")],
    samples: { a: 2.5, b: 2.5 },
    want: 5,
  },
  {
    name: "Pending pods on a scale-down are left out (fast path over ready pods)",
    spec: 4,
    target: 2,
    pods: [running("a"), running("b"), pending("c"), pending("d")],
    samples: { a: 1, b: 1 },
    want: 1,
  },
  {
    name: "a Running pod with a sample counts even when not Ready (non-CPU metric)",
    spec: 2,
    target: 2,
    pods: [running("a"), running("b", false)],
    samples: { a: 4, b: 4 },
    want: 4,
  },
  {
    name: "terminating pods are ignored, sample and all",
    spec: 3,
    target: 2,
    pods: [running("a"), running("b"), deleting("c")],
    samples: { a: 4, b: 4, c: 10 },
    want: 4,
  },
  {
    name: "no sample from any counted pod is an error",
    spec: 2,
    target: 2,
    pods: [pending("a"), running("b", false)],
    samples: { a: 3 },
    want: "error",
  },
];

Deno.test("podsMetricReplicas() follows calcPlainMetricReplicas", async (t) => {
  for (const c of PODS_CASES) {
    await t.step(c.name, () => {
      const samplesMilli = new Map(
        Object.entries(c.samples).map(([k, v]) => [k, metricMilli(v)] as const),
      );
      const p = podsMetricReplicas({
        specReplicas: c.spec,
        targetMilli: specMilli(c.target),
        tolerances: c.tol ?? TOL,
        pods: c.pods,
        samplesMilli,
      });
      if (c.want === "error") assert.ok("error" in p);
      else assert.deepEqual("replicas" in p ? p.replicas : p, c.want);
    });
  }
});

Deno.test("averageValueMetricReplicas() divides by status replicas, ignoring readiness", async (t) => {
  const cases = [
    { name: "outside tolerance: ceil(total / target)", total: 5, status: 4, want: 5 },
    { name: "within tolerance keeps status replicas", total: 4.3, status: 4, want: 4 },
    { name: "loading pods count: 6 pods, total 5 → scale down to 5", total: 5, status: 6, want: 5 },
    { name: "from zero pods a positive value scales up", total: 2.5, status: 0, want: 3 },
    { name: "from zero pods a zero value stays at zero", total: 0, status: 0, want: 0 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const p = averageValueMetricReplicas({
        totalMilli: metricMilli(c.total),
        targetMilli: 1000,
        tolerances: TOL,
        statusReplicas: c.status,
      });
      assert.equal("replicas" in p && p.replicas, c.want);
    });
  }
});

Deno.test("valueMetricReplicas() multiplies by Running and Ready pods", async (t) => {
  const cases = [
    {
      name: "ratio 3 × 1 ready pod (loading pods not counted)",
      total: 3,
      spec: 2,
      ready: 1,
      want: 3,
    },
    { name: "within tolerance keeps spec", total: 1.05, spec: 2, ready: 1, want: 2 },
    { name: "from spec 0: ceil(ratio) without tolerance", total: 1.05, spec: 0, ready: 0, want: 2 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const p = valueMetricReplicas({
        totalMilli: metricMilli(c.total),
        targetMilli: 1000,
        tolerances: TOL,
        specReplicas: c.spec,
        readyPods: c.ready,
      });
      assert.equal("replicas" in p && p.replicas, c.want);
    });
  }
});

Deno.test("metricMilli() truncates like int64(v × 1000); specMilli() rounds up", () => {
  assert.equal(metricMilli(1.005), 1004, "1.005 × 1000 = 1004.999… in float64");
  assert.equal(metricMilli(0.8), 800);
  assert.equal(specMilli(0.8), 800);
  assert.equal(specMilli(0.0005), 1);
});
