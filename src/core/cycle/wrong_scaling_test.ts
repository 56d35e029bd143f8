/**
 * Regression tests for issue 12 ("scale correctly on partial data and when HPA/KEDA actuates:
 * ten wrong-scaling cases"). Each step reproduces one observation of the issue on the pure cycle
 * (`decideCycle`, or the stage the case concerns) and pins the decision the rule now gives. The
 * comment on each row quotes the decision of the code before the fix ("before: 4 → 2").
 */
import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import { projectWorkload } from "../../adapters/kubernetes/backend/objects.ts";
import { variantFromObject } from "../../adapters/kubernetes/backend/variant.ts";
import {
  parseSaturationConfigMap,
  parseScaleToZero,
  saturationConfigFor,
  scaleToZeroFor,
} from "../api/configmaps/mod.ts";
import type {
  ClusterSnapshot,
  CycleReport,
  ModelMetrics,
  ReplicaSample,
  VariantSnapshot,
} from "../contract/ports.ts";
import {
  type CycleSettings,
  type CycleState,
  DEFAULT_CYCLE_SETTINGS,
  EMPTY_CYCLE_STATE,
} from "../contract/settings.ts";
import { decideCycle } from "./decide_cycle.ts";

const NOW = 1_000_000_000;
const MIN = 60_000;

/** A variant of model `m` in namespace `ns`: replicas `<name>-<i>`, pending = current − ready. */
function va(
  name: string,
  f: {
    cost: number;
    current: number;
    ready?: number;
    min?: number;
    max?: number;
    prev?: number;
    analyzer?: VariantSnapshot["analyzer"];
    modelId?: string;
    accelerator?: string;
  },
): VariantSnapshot {
  const ready = f.ready ?? f.current;
  return variantSnapshot({
    namespace: "ns",
    modelId: f.modelId ?? "m",
    name,
    accelerator: f.accelerator ?? "A100",
    costPerReplica: f.cost,
    currentReplicas: f.current,
    readyReplicas: ready,
    pendingReplicas: f.current - ready,
    minReplicas: f.min ?? 1,
    maxReplicas: f.max ?? 10,
    ...(f.prev !== undefined ? { previousDesiredReplicas: f.prev } : {}),
    ...(f.analyzer ? { analyzer: f.analyzer } : {}),
  });
}

/** A replica sample with 16000 KV tokens (1000 blocks × 16), taken `ageMs` before `at`. */
function rep(id: string, kv: number, queue: number, at = NOW, ageMs = 0): ReplicaSample {
  return {
    replicaId: id,
    kvUsage01: kv,
    queueLength: queue,
    runningRequests: 1,
    numGpuBlocks: 1000,
    blockSize: 16,
    sampleMs: at - ageMs,
  };
}

function metricsOf(
  replicas: readonly ReplicaSample[],
  extra: Partial<ModelMetrics> = {},
  modelId = "m",
): ModelMetrics {
  return { modelId, namespace: "ns", replicas, ...extra };
}

const settings = (over: Partial<CycleSettings> = {}): CycleSettings => ({
  ...DEFAULT_CYCLE_SETTINGS,
  ...over,
});
const V2 = settings({ analyzer: "saturation-v2" });

interface Run {
  readonly variants: readonly VariantSnapshot[];
  readonly metrics: readonly ModelMetrics[];
  readonly settings?: CycleSettings;
  readonly state?: CycleState;
  readonly nowMs?: number;
  readonly snapshot?: Partial<ClusterSnapshot>;
}

function run(r: Run) {
  return decideCycle({ ...r.snapshot, variants: r.variants }, r.metrics, {
    nowMs: r.nowMs ?? NOW,
    settings: r.settings ?? settings(),
    state: r.state ?? EMPTY_CYCLE_STATE,
  });
}

function desired(report: CycleReport): Record<string, number | undefined> {
  return Object.fromEntries(report.variants.map((v) => [v.name, v.desiredReplicas]));
}

function condition(report: CycleReport, variant: string, type: string) {
  return report.variants.find((v) => v.name === variant)?.conditions.find((c) => c.type === type);
}

const ids = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}-${i}`);

Deno.test("issue 12 case 1: partial metrics never scale a variant down", async (t) => {
  const a100 = va("a100", { cost: 40, current: 4 });
  await t.step("V2, 1 of 4 ready replicas reports (KV 0.9, queue 2): up, not down", () => {
    // before: 4 → 2 (supply over 4 ready replicas, demand over 1), MetricsAvailable True
    const samples = [
      rep("a100-0", 0.9, 2),
      ...ids("a100", 4).slice(1).map((id) => rep(id, 0.9, 2, NOW, 2 * MIN)),
    ];
    const r = run({ variants: [a100], metrics: [metricsOf(samples)], settings: V2 });
    assert.deepEqual(desired(r.report), { a100: 5 });
    const c = condition(r.report, "a100", "MetricsAvailable")!;
    assert.match(c.message, /1 of 4 ready replicas report/);
    assert.equal(c.reason, "MetricsPartial");
  });
  await t.step("V2, all four report the same numbers (control): 4 → 6", () => {
    const samples = ids("a100", 4).map((id) => rep(id, 0.9, 2));
    const r = run({ variants: [a100], metrics: [metricsOf(samples)], settings: V2 });
    assert.deepEqual(desired(r.report), { a100: 6 });
    assert.match(condition(r.report, "a100", "MetricsAvailable")!.message, /4 of 4 ready/);
  });
  await t.step("V1, 2 of 4 ready replicas report, both calm: hold", () => {
    // before: 4 → 3
    const samples = ["a100-0", "a100-1"].map((id) => rep(id, 0.2, 0));
    const r = run({ variants: [a100], metrics: [metricsOf(samples)] });
    assert.deepEqual(desired(r.report), { a100: 4 });
    assert.match(condition(r.report, "a100", "MetricsAvailable")!.message, /2 of 4 ready/);
  });
  await t.step("V2, a partly silent variant blocks the model's scale-down", () => {
    // before: h100 2 → 1 while a100 has a silent replica
    const h100 = va("h100", { cost: 75, current: 2 });
    const samples = [rep("a100-0", 0.1, 0), rep("a100-1", 0.1, 0), rep("a100-2", 0.1, 0)]
      .concat(ids("h100", 2).map((id) => rep(id, 0.1, 0)));
    const r = run({ variants: [a100, h100], metrics: [metricsOf(samples)], settings: V2 });
    assert.deepEqual(desired(r.report), { a100: 4, h100: 2 });
  });
});

/** Runs cycles 30 s apart; `follow` gives the next cycle's variants from the published ones. */
function sequence(
  cycles: number,
  first: readonly VariantSnapshot[],
  samples: (vs: readonly VariantSnapshot[], at: number) => ReplicaSample[],
  follow: (vs: readonly VariantSnapshot[], published: CycleReport) => readonly VariantSnapshot[],
  s: CycleSettings,
): number[][] {
  let state = EMPTY_CYCLE_STATE;
  let variants: readonly VariantSnapshot[] = first;
  const out: number[][] = [];
  for (let i = 0; i < cycles; i++) {
    const at = NOW + i * 30_000;
    const r = run({
      variants,
      metrics: [metricsOf(samples(variants, at))],
      settings: s,
      state,
      nowMs: at,
    });
    state = r.state;
    out.push(r.report.variants.map((v) => v.desiredReplicas!));
    variants = follow(variants, r.report);
  }
  return out;
}

Deno.test("issue 12 case 2: V2 publishes a steady desired value while the target catches up", async (t) => {
  const calm = (vs: readonly VariantSnapshot[], at: number) =>
    vs.flatMap((v) => ids(v.name, v.readyReplicas).map((id) => rep(id, 0.1, 0, at)));
  await t.step("HPA/KEDA (scale-down window: the Deployment stays at 4)", () => {
    // before: 1, 4, 1, 4 (each 4 → 1 a ScaledDown event)
    const got = sequence(4, [va("a100", { cost: 40, current: 4 })], calm, (vs) => vs, V2);
    assert.deepEqual(got, [[1], [1], [1], [1]]);
  });
  await t.step("direct scaling (the Deployment follows at once) (guard)", () => {
    const follow = (vs: readonly VariantSnapshot[], r: CycleReport) =>
      vs.map((v) => {
        const d = r.variants.find((o) => o.name === v.name)!.desiredReplicas!;
        return va(v.name, { cost: v.costPerReplica, current: d });
      });
    assert.deepEqual(sequence(3, [va("a100", { cost: 40, current: 4 })], calm, follow, V2), [
      [1],
      [1],
      [1],
    ]);
  });
  await t.step("HPA scale-up: new pods pending count in anticipated supply (guard)", () => {
    const hot = (vs: readonly VariantSnapshot[], at: number) =>
      vs.flatMap((v) => ids(v.name, v.readyReplicas).map((id) => rep(id, 0.95, 8, at)));
    const follow = (vs: readonly VariantSnapshot[], r: CycleReport) =>
      vs.map((v) => {
        const d = r.variants.find((o) => o.name === v.name)!.desiredReplicas!;
        return va(v.name, { cost: v.costPerReplica, current: d, ready: 1 });
      });
    assert.deepEqual(sequence(3, [va("a100", { cost: 40, current: 1 })], hot, follow, V2), [
      [2],
      [2],
      [2],
    ]);
  });
});

Deno.test("issue 12 case 3: a target that does not move is reported, not held forever", async (t) => {
  const calm = (names: Record<string, number>, at = NOW) =>
    Object.entries(names).flatMap(([n, c]) => ids(n, c).map((id) => rep(id, 0.1, 0, at)));
  await t.step("V1 restart with a stale desired 5 in the VA status, zero load: scale down", () => {
    // before: 5 (held "in transition" forever)
    const r = run({
      variants: [va("a100", { cost: 40, current: 4, prev: 5 })],
      metrics: [metricsOf(calm({ a100: 4 }))],
    });
    assert.deepEqual(desired(r.report), { a100: 3 });
  });
  await t.step("the model's other variants are not frozen", () => {
    // before: a100 5, h100 2 (everything held)
    const r = run({
      variants: [
        va("a100", { cost: 40, current: 4, prev: 5 }),
        va("h100", { cost: 75, current: 2 }),
      ],
      metrics: [metricsOf(calm({ a100: 4, h100: 2 }))],
    });
    assert.deepEqual(desired(r.report), { a100: 4, h100: 1 });
  });
  await t.step("HPA maxReplicas 4 below the VA's: 4 → 5 published, then zero load: down", () => {
    // before: 5, 5 (held under zero load)
    const hot = ids("a100", 4).map((id) => rep(id, 0.9, 8));
    const first = run({
      variants: [va("a100", { cost: 40, current: 4 })],
      metrics: [metricsOf(hot)],
    });
    assert.deepEqual(desired(first.report), { a100: 5 });
    const second = run({
      variants: [va("a100", { cost: 40, current: 4 })],
      metrics: [metricsOf(calm({ a100: 4 }, NOW + 30_000))],
      state: first.state,
      nowMs: NOW + 30_000,
    });
    assert.deepEqual(desired(second.report), { a100: 3 });
  });
  await t.step("a target that has not moved for long is reported: TargetNotFollowing", () => {
    // before: no condition says so
    const stuck = va("a100", { cost: 40, current: 4, prev: 6 });
    const hot = (at: number) => ids("a100", 4).map((id) => rep(id, 0.9, 8, at));
    const first = run({ variants: [stuck], metrics: [metricsOf(hot(NOW))] });
    const c1 = condition(first.report, "a100", "TargetFollowing")!;
    assert.deepEqual([c1.status, c1.reason], ["True", "TargetCatchingUp"]);
    const later = NOW + 11 * MIN;
    const second = run({
      variants: [va("a100", { cost: 40, current: 4 })],
      metrics: [metricsOf(hot(later))],
      state: first.state,
      nowMs: later,
    });
    const c2 = condition(second.report, "a100", "TargetFollowing")!;
    assert.deepEqual([c2.status, c2.reason], ["False", "TargetNotFollowing"]);
    assert.match(c2.message, /published 5 .* still at 4/);
    const caught = run({
      variants: [va("a100", { cost: 40, current: 5 })],
      metrics: [metricsOf(ids("a100", 5).map((id) => rep(id, 0.5, 3, later + 30_000)))],
      state: second.state,
      nowMs: later + 30_000,
    });
    assert.equal(condition(caught.report, "a100", "TargetFollowing")!.reason, "TargetAtDesired");
  });
});

Deno.test("issue 12 case 4: scale from zero only on demand, and an unknown count is not idle", async (t) => {
  const zero = [
    va("cheap", { cost: 10, current: 0, min: 0 }),
    va("dear", { cost: 40, current: 0, min: 0 }),
  ];
  const stzOn = settings({ scaleToZeroFor: () => ({ enabled: true, retentionMs: 10 * MIN }) });
  const cases = [
    {
      // before: 0, 0 (idle wins: the model stays at 0 whatever waits at the gateway)
      name: "scale-to-zero on, 3 requests queued at the gateway: the cheapest gets 1",
      s: stzOn,
      extra: { requestsInWindow: 0, schedulerQueue: { requests: 3, bytes: 900 } },
      want: { cheap: 1, dear: 0 },
    },
    {
      // before: 1, 1 (raised 0 → 1 without demand, the dear one clamped to min 1)
      name: "scale-to-zero off, nothing queued: stays at 0",
      s: settings(),
      extra: { schedulerQueue: { requests: 0 } },
      want: { cheap: 0, dear: 0 },
    },
    {
      // before: 1, 0
      name: "scale-to-zero on, request count unknown, no gateway signal: stays at 0",
      s: stzOn,
      extra: {},
      want: { cheap: 0, dear: 0 },
    },
    {
      // before: 1, 1
      name: "scale-to-zero off, 2 queued: only the cheapest starts",
      s: settings(),
      extra: { schedulerQueue: { requests: 2 } },
      want: { cheap: 1, dear: 0 },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = run({ variants: zero, metrics: [metricsOf([], c.extra)], settings: c.s });
      assert.deepEqual(desired(r.report), c.want);
    });
  }
  await t.step("a running model whose request count is unknown is not scaled to zero", () => {
    const r = run({
      variants: [va("cheap", { cost: 10, current: 1, min: 0 })],
      metrics: [metricsOf([rep("cheap-0", 0.1, 0)])],
      settings: stzOn,
    });
    assert.deepEqual(desired(r.report), { cheap: 1 });
  });
  await t.step("V2 adds the gateway's queued demand (guard)", () => {
    const r = run({
      variants: [va("cheap", { cost: 10, current: 1 })],
      metrics: [metricsOf([rep("cheap-0", 0.3, 0)], {
        arrivalRatePerSec: 1,
        avgInputTokens: 500,
        avgOutputTokens: 100,
        schedulerQueue: { requests: 40, bytes: 0 },
      })],
      settings: V2,
    });
    assert.ok(desired(r.report).cheap! > 1);
  });
});

Deno.test("issue 12 case 5: minReplicas 0 everywhere, scale-to-zero off: one replica for the model", async (t) => {
  const cases = [
    {
      // before: cheap 1, dear 1 (a cheap replica swapped for a dear one)
      name: "V1, cheap 2 calm, dear 0",
      s: settings(),
      variants: [
        va("cheap", { cost: 10, current: 2, min: 0 }),
        va("dear", { cost: 40, current: 0, min: 0 }),
      ],
      samples: ids("cheap", 2).map((id) => rep(id, 0.1, 0)),
      want: { cheap: 1, dear: 0 },
    },
    {
      // before: cheap 1, dear 1 (an idle expensive variant started)
      name: "V2, cheap 1 calm, dear 0",
      s: V2,
      variants: [
        va("cheap", { cost: 10, current: 1, min: 0 }),
        va("dear", { cost: 40, current: 0, min: 0 }),
      ],
      samples: [rep("cheap-0", 0.1, 0)],
      want: { cheap: 1, dear: 0 },
    },
    {
      // before: cheap 1, dear 1
      name: "V2, cheap 1 and dear 1 calm: the dear one goes",
      s: V2,
      variants: [
        va("cheap", { cost: 10, current: 1, min: 0 }),
        va("dear", { cost: 40, current: 1, min: 0 }),
      ],
      samples: [rep("cheap-0", 0.1, 0), rep("dear-0", 0.1, 0)],
      want: { cheap: 1, dear: 0 },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = run({ variants: c.variants, metrics: [metricsOf(c.samples)], settings: c.s });
      assert.deepEqual(desired(r.report), c.want);
      for (const v of r.report.variants) {
        const cv = v.conditions.find((x) => x.type === "ConfigValid")!;
        assert.equal(cv.status, "True", `${v.name}: ${cv.reason}`);
      }
    });
  }
});

Deno.test("issue 12 case 6: the GPU limiter counts GPUs held by pods wva does not manage", () => {
  // before: 4 → 8 (the four new pods would sit Pending)
  const h100 = va("h100", { cost: 75, current: 4, accelerator: "H100" });
  const r = run({
    variants: [h100],
    metrics: [metricsOf(ids("h100", 4).map((id) => rep(id, 0.95, 8)), {
      arrivalRatePerSec: 10,
      avgInputTokens: 1000,
      avgOutputTokens: 200,
    })],
    settings: settings({ analyzer: "saturation-v2", limiter: true }),
    snapshot: { inventory: { H100: 8 }, unmanagedGpus: { H100: 4 } },
  });
  assert.deepEqual(desired(r.report), { h100: 4 });
});

Deno.test("issue 12 case 7: V2 on Kubernetes reads the engine arguments of the scale target", async (t) => {
  const vaObject = {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name: "v", namespace: "ns", generation: 1 },
    spec: {
      scaleTargetRef: { kind: "Deployment", name: "d" },
      modelID: "m",
      accelerator: "A100",
      maxReplicas: 4,
    },
  };
  const snapshotWith = (args: string[]) => {
    const d = projectWorkload("Deployment", {
      metadata: { name: "d", namespace: "ns" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "d" } },
        template: { spec: { containers: [{ name: "vllm", args }] } },
      },
    })!;
    const pods = ["d-0", "d-1"].map((name) => ({
      namespace: "ns",
      name,
      labels: { app: "d" },
      phase: "Running",
      ready: true,
      readySinceMs: NOW - 10 * MIN,
      deleting: false,
    }));
    return variantFromObject(vaObject, {
      nowMs: NOW,
      warmupMs: 60_000,
      workload: () => d,
      pods: () => pods,
    });
  };
  const load = { arrivalRatePerSec: 5, avgInputTokens: 100, avgOutputTokens: 100 };
  await t.step(
    "no vllm:cache_config_info: capacity from --num-gpu-blocks-override × --block-size",
    () => {
      // before: hold 2 ("no variant has a known capacity": V2 never acts)
      const v = snapshotWith([
        "--num-gpu-blocks-override",
        "1000",
        "--block-size=16",
        "--max-num-seqs=8",
      ]);
      const samples = ["d-0", "d-1"].map((id) => ({
        replicaId: id,
        kvUsage01: 0.5,
        queueLength: 0,
        sampleMs: NOW,
      }));
      const r = run({ variants: [v], metrics: [metricsOf(samples, load)], settings: V2 });
      assert.deepEqual(desired(r.report), { v: 4 });
    },
  );
  await t.step("k2 derived from --max-num-seqs (k1 would be twice the real capacity)", () => {
    // before: hold 2 (k2 = k1 = 12800 tokens per replica)
    const v = snapshotWith(["serve", "m", "--max-num-seqs", "8"]);
    const samples = ["d-0", "d-1"].map((id) => rep(id, 0.5, 0));
    const r = run({ variants: [v], metrics: [metricsOf(samples, load)], settings: V2 });
    assert.deepEqual(desired(r.report), { v: 4 });
  });
});

Deno.test("issue 12 case 8: WVA-format ConfigMaps keep their entries", async (t) => {
  // Two replicas at KV 0.5, queue 6: saturated under 0.80/5 (scale up), calm under 0.90/10.
  const variants = [va("a100", { cost: 40, current: 2 })];
  const samples = ids("a100", 2).map((id) => rep(id, 0.5, 6));
  const wva = [
    "kvCacheThreshold: 0.90",
    "queueLengthThreshold: 10",
    "kvSpareTrigger: 0.1",
    "queueSpareTrigger: 3",
  ].join("\n");
  const cases = [
    {
      // before: 3 (the entry was rejected whole: thresholds back to 0.80/5)
      name: "per-model entry with model_id, analyzerName and an unknown key",
      data: { "m-ns": `model_id: m\nnamespace: ns\nanalyzerName: saturation\nfoo: 1\n${wva}` },
    },
    {
      // before: 3
      name: "default entry with an analyzers list",
      data: { default: `analyzers:\n  - name: saturation\n    score: 1.0\n${wva}` },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const cm = parseSaturationConfigMap(c.data);
      const r = run({
        variants,
        metrics: [metricsOf(samples)],
        settings: settings({ saturationFor: (m) => saturationConfigFor(cm.config, m) }),
      });
      assert.deepEqual(desired(r.report), { a100: 2 });
      for (const p of cm.problems) assert.notEqual(p.fallback, "ignored", JSON.stringify(p));
    });
  }
  await t.step("scale-to-zero entry with model_id, enable_scale_to_zero, retention_period", () => {
    // before: 1 (the entry was dropped: scale-to-zero stayed disabled)
    const cm = parseScaleToZero({
      "m": "model_id: m\nnamespace: ns\nenable_scale_to_zero: true\nretention_period: 5m",
    });
    assert.deepEqual(cm.problems, []);
    const r = run({
      variants: [va("a100", { cost: 40, current: 1, min: 0 })],
      metrics: [metricsOf([rep("a100-0", 0, 0)], { requestsInWindow: 0 })],
      settings: settings({ scaleToZeroFor: (m) => scaleToZeroFor(cm.config, m) }),
    });
    assert.deepEqual(desired(r.report), { a100: 0 });
  });
});

Deno.test("issue 12 case 9: a Pending pod does not block V2 scale-down", () => {
  // before: 4 (held: "in transition" as long as the pod is Pending)
  const r = run({
    variants: [va("a100", { cost: 40, current: 4, ready: 3 })],
    metrics: [metricsOf(ids("a100", 3).map((id) => rep(id, 0.1, 0)))],
    settings: V2,
  });
  assert.deepEqual(desired(r.report), { a100: 2 });
});

Deno.test("issue 12 case 10: the GPU limiter serves models in priority order across analyzers", () => {
  // before: p10 2, p1 1 (the saturation-v1 group was served first, alphabetically)
  const variants = [
    va("p10-a100", { cost: 40, current: 1, modelId: "p10", analyzer: "saturation-v1" }),
    va("p1-a100", { cost: 40, current: 1, modelId: "p1", analyzer: "saturation-v2" }),
  ];
  const r = run({
    variants,
    metrics: [
      metricsOf([rep("p10-a100-0", 0.95, 8)], {}, "p10"),
      metricsOf([rep("p1-a100-0", 0.95, 8)], {}, "p1"),
    ],
    settings: settings({
      limiter: true,
      serviceClassFor: (m) => ({ priority: m.modelId === "p1" ? 1 : 10 }),
    }),
    snapshot: { inventory: { A100: 3 } },
  });
  assert.deepEqual(desired(r.report), { "p10-a100": 1, "p1-a100": 2 });
});

Deno.test("issue 12: the queueing model says which arrival rate it used", async (t) => {
  const v = {
    ...va("a100", { cost: 40, current: 1 }),
    perf: { alphaMs: 20, betaMs: 0.4, gammaMs: 0, deltaMs: 0, maxBatchSize: 8 },
  };
  const qm = settings({ analyzer: "queueing-model" });
  const base = { arrivalRatePerSec: 2, avgInputTokens: 100, avgOutputTokens: 100 };
  for (
    const [source, want] of [
      ["gateway", /arrival rate 2 req\/s from the gateway/],
      ["completions", /arrival rate 2 req\/s from completions/],
    ] as const
  ) {
    await t.step(source, () => {
      // before: no step names the source
      const r = run({
        variants: [v],
        metrics: [metricsOf([], { ...base, arrivalSource: source })],
        settings: qm,
      });
      const messages = r.report.models[0]!.steps.map((s) => s.message).join("\n");
      assert.match(messages, want);
    });
  }
});
