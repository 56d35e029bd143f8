/**
 * The HPA model (src/core/hpa, with src/core/keda's `kedaHpaSpec`/`kedaMetrics`) against the real
 * HPA controller in kube-controller-manager. One External metric per shape goes gauge endpoint →
 * Prometheus → KEDA prometheus trigger (AverageValue 10) → the HPA → the Deployment on fake-GPU
 * kwok nodes. The shapes run side by side, each on its own Deployment: a ramp, a spike and a fall
 * through KEDA with `behavior` (short windows and policy periods), a spike-then-fall through KEDA
 * without `behavior` (the legacy path; its scale-down window is the controller flag, 7 s here),
 * and two plain HPAs with `minReplicas: 0` on a KEDA-served metric (scale to and from zero).
 *
 * The run follows the controller's own syncs (it writes no status when nothing changes, so they
 * are read from its log, where testcluster.sh has it log every decision): right after sync k of an
 * HPA the test sets value k + 1, reads what KEDA serves through `external.metrics.k8s.io` 2.3 s
 * later (what sync k + 1, 3 s after sync k, will read) and samples the Deployment's replicas 1.5 s
 * after sync k. The model replays the values read at the controller's sync times, and the
 * Deployment's series must equal the model's within one sync of phase (expected: exactly).
 *
 * Bounded: a fixed number of syncs per shape; every read and wait has a timeout. The total wall
 * time is printed.
 */
import assert from "node:assert/strict";
import { applyGpuNodes } from "../../scripts/gpu_nodes.ts";
import type { Kube, KubeObject } from "../../src/adapters/kubernetes/kube/mod.ts";
import { type HpaSpecInput, HpaSpecSchema } from "../../src/core/hpa/mod.ts";
import { parseQuantity } from "../../src/core/util/quantity.ts";
import {
  externalMetricName,
  kedaHpaSpec,
  type ScaledObjectInput,
  ScaledObjectSchema,
} from "../../src/core/keda/mod.ts";
import { startGaugeEndpoint } from "../helpers/gauge_endpoint.ts";
import {
  type ModelSync,
  phaseMismatches,
  replayHpa,
  replayKedaHpa,
  runLengths,
  sideBySide,
} from "../helpers/hpa_replay.ts";
import {
  followLog,
  HpaSyncAssembler,
  type LogFollower,
  type LoggedSync,
} from "../helpers/kcm_hpa_log.ts";
import { type PrometheusHandle, startPrometheus } from "../helpers/prometheus.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { recordWatch, type WatchRecorder } from "../helpers/watch_recorder.ts";

const NS = "hpa-model";
/**
 * The HPA sync period. KEDA's Prometheus scaler queries at the current time truncated to the
 * second, so a new value reaches the HPA up to scrape interval (1 s) + 1 s after it is set: with
 * 3 s between syncs a value set right after a sync is the one the next sync reads.
 */
const PERIOD_MS = 3000;
const DOWN_WINDOW_SEC = 7;
const GAUGE = "hpa_model_load";
const THRESHOLD = "10";
/** Allowed phase difference, in syncs. */
const MAX_SHIFT = 1;
/** After a sync: read what KEDA serves this long after (≥ 2 s: see PERIOD_MS). */
const READ_AFTER_MS = 2300;
const READ_TIMEOUT_MS = 500;
/** After a sync: sample the Deployment's replicas this long after (before the next sync). */
const SAMPLE_AFTER_MS = 1500;

type Behavior = NonNullable<
  NonNullable<NonNullable<ScaledObjectInput["advanced"]>["horizontalPodAutoscalerConfig"]>[
    "behavior"
  ]
>;

interface Shape {
  readonly name: string;
  readonly what: string;
  readonly initialReplicas: number;
  /** The metric's value at each sync (the first one before the HPA exists). */
  readonly values: readonly number[];
  readonly behavior?: Behavior;
  /**
   * A plain HPA (`minReplicas: 0`) on the External metric KEDA serves for this ScaledObject,
   * instead of a ScaledObject of its own.
   */
  readonly via?: string;
  /** Its syncs set the next value of its metric (one shape per metric). @default true */
  readonly drives?: boolean;
  /** Compared with the model. @default true */
  readonly checked?: boolean;
  /** maxReplicaCount / maxReplicas. @default 8 */
  readonly max?: number;
}

const hold = (v: number, n: number): number[] => Array(n).fill(v);
const ZERO_VALUES = [...hold(30, 3), ...hold(0, 6), ...hold(30, 11)];

// Windows and policy periods sit between multiples of the 3 s sync period, at least 1 s away, so
// which past syncs they cover does not depend on a few hundred ms of jitter.
const SHAPES: readonly Shape[] = [{
  name: "ramp",
  what: "8 → 80 over 4 syncs, then flat; up window 5 s, +2 pods / 5 s, scale-up tolerance 0.2",
  initialReplicas: 1,
  values: [...hold(8, 3), 25, 45, 65, ...hold(80, 14)],
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 5,
      policies: [{ type: "Pods", value: 2, periodSeconds: 5 }],
      tolerance: "0.2",
    },
    scaleDown: { stabilizationWindowSeconds: 5 },
  },
}, {
  name: "spike",
  what: "8, 55 for 3 syncs, 8; up Max(+2 pods, +100 %) / 4 s; down window 7 s, -2 pods / 4 s",
  initialReplicas: 1,
  values: [...hold(8, 3), ...hold(55, 3), ...hold(8, 14)],
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      policies: [
        { type: "Pods", value: 2, periodSeconds: 4 },
        { type: "Percent", value: 100, periodSeconds: 4 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: 7,
      policies: [{ type: "Pods", value: 2, periodSeconds: 4 }],
    },
  },
}, {
  name: "fall",
  what: "78 → 5 from 8 replicas; down window 7 s, Min(-50 %, -3 pods) / 5 s",
  initialReplicas: 8,
  values: [...hold(78, 3), ...hold(5, 17)],
  behavior: {
    scaleDown: {
      stabilizationWindowSeconds: 7,
      selectPolicy: "Min",
      policies: [
        { type: "Percent", value: 50, periodSeconds: 5 },
        { type: "Pods", value: 3, periodSeconds: 5 },
      ],
    },
  },
}, {
  name: "legacy",
  what: "no behavior: 8, 75, 25, 5; up ≤ max(2×, 4) per sync, down after the flag's 7 s window",
  initialReplicas: 1,
  values: [...hold(8, 2), ...hold(75, 4), ...hold(25, 6), ...hold(5, 8)],
}, {
  name: "zero-src",
  what: "the metric of the two plain HPAs (a ScaledObject on a 1-replica Deployment)",
  initialReplicas: 1,
  values: ZERO_VALUES,
  drives: false,
  checked: false,
  max: 1,
}, {
  name: "zero-hpa",
  what: "plain HPA, min 0, no behavior: 30, 0, 30 — it scales to 0 itself, then back up",
  initialReplicas: 1,
  values: ZERO_VALUES,
  via: "zero-src",
}, {
  name: "zero-manual",
  what: "plain HPA, min 0, on a Deployment created with 0 replicas: the same values",
  initialReplicas: 0,
  values: ZERO_VALUES,
  via: "zero-src",
  drives: false,
}];

const SYNCS = Math.max(...SHAPES.map((s) => s.values.length));
const sourceOf = (shape: Shape) => shape.via ?? shape.name;
const hpaName = (shape: Shape) => shape.via ? shape.name : `keda-hpa-${shape.name}`;
const hpaPath = (shape: Shape) =>
  `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/${hpaName(shape)}`;

function scaledObjectInput(shape: Shape, prometheusUrl: string): ScaledObjectInput {
  return {
    minReplicaCount: 1,
    maxReplicaCount: shape.max ?? 8,
    triggers: [{
      type: "prometheus",
      name: "load",
      metricType: "AverageValue",
      metadata: {
        serverAddress: prometheusUrl,
        query: `max(${GAUGE}{shape="${shape.name}"})`,
        threshold: THRESHOLD,
      },
    }],
    ...(shape.behavior
      ? { advanced: { horizontalPodAutoscalerConfig: { behavior: shape.behavior } } }
      : {}),
  };
}

/** A plain HPA's spec in the model's terms (the metric selector is left out). */
function plainHpaSpec(shape: Shape): HpaSpecInput {
  return {
    minReplicas: 0,
    maxReplicas: shape.max ?? 8,
    metrics: [{
      type: "External",
      external: {
        metric: { name: externalMetricName(0) },
        target: { type: "AverageValue", averageValue: THRESHOLD },
      },
    }],
    ...(shape.behavior ? { behavior: shape.behavior } : {}),
  };
}

function deployment(shape: Shape) {
  const gpu = { "nvidia.com/gpu": "1" };
  return {
    metadata: { name: shape.name },
    spec: {
      replicas: shape.initialReplicas,
      selector: { matchLabels: { app: shape.name } },
      template: {
        metadata: { labels: { app: shape.name } },
        spec: {
          containers: [{
            name: "sim",
            image: "sim:latest",
            resources: { requests: gpu, limits: gpu },
          }],
        },
      },
    },
  };
}

async function createAutoscaler(kube: Kube, shape: Shape, prometheusUrl: string) {
  const scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: shape.name };
  if (shape.via) {
    const spec = plainHpaSpec(shape);
    const metric = spec.metrics[0]!;
    await kube.transport.json(`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`, {
      method: "POST",
      body: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: shape.name, namespace: NS },
        spec: {
          ...spec,
          scaleTargetRef,
          metrics: [{
            type: "External",
            external: {
              ...(metric.type === "External" ? metric.external : {}),
              metric: {
                name: externalMetricName(0),
                selector: { matchLabels: { "scaledobject.keda.sh/name": shape.via } },
              },
            },
          }],
        },
      },
    });
    return;
  }
  await kube.custom.createNamespacedCustomObject({
    group: "keda.sh",
    version: "v1alpha1",
    namespace: NS,
    plural: "scaledobjects",
    body: {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: shape.name, namespace: NS },
      spec: { ...scaledObjectInput(shape, prometheusUrl), scaleTargetRef },
    },
  });
}

interface RawHpa {
  spec: {
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { external?: { metric: { name: string }; target: { averageValue?: string } } }[];
    behavior?: Record<string, Record<string, unknown>>;
  };
  status?: { desiredReplicas?: number };
}

/** The real HPA's spec in the model's terms (after the apiserver's defaulting). */
function realSpecInModelTerms(hpa: RawHpa) {
  const rules = (r: Record<string, unknown> | undefined) =>
    r && {
      stabilizationWindowSeconds: r.stabilizationWindowSeconds,
      selectPolicy: r.selectPolicy,
      policies: r.policies,
      tolerance: r.tolerance === undefined ? undefined : parseQuantity(String(r.tolerance)),
    };
  const b = hpa.spec.behavior;
  const ext = hpa.spec.metrics?.[0]?.external;
  return JSON.parse(JSON.stringify({
    minReplicas: hpa.spec.minReplicas,
    maxReplicas: hpa.spec.maxReplicas,
    metric: ext?.metric.name,
    target: parseQuantity(ext?.target.averageValue ?? ""),
    behavior: b && { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) },
  }));
}

/** What `kedaHpaSpec` makes of the shape's ScaledObject, in the same terms. */
function modelSpecOf(shape: Shape) {
  const model = kedaHpaSpec(ScaledObjectSchema.parse(scaledObjectInput(shape, "")));
  const ext = model.metrics[0]!;
  return JSON.parse(JSON.stringify({
    minReplicas: model.minReplicas,
    maxReplicas: model.maxReplicas,
    metric: ext.type === "External" ? ext.external.metric.name : undefined,
    target: ext.type === "External" && ext.external.target.type === "AverageValue"
      ? ext.external.target.averageValue
      : undefined,
    behavior: model.behavior,
  }));
}

/** One shape's run, driven by its HPA's syncs in the controller's log. */
interface ShapeRun {
  readonly shape: Shape;
  /** `Deployment/<ns>/<name>`, as the controller's log names it. */
  readonly target: string;
  /** Every sync the controller logged, up to SYNCS. */
  readonly syncs: LoggedSync[];
  /** `performance.now()` when each sync was seen in the log. */
  readonly seenMs: number[];
  /** What the external metrics API served before each sync (undefined: the read failed). */
  readonly read: (number | undefined)[];
  readonly done: PromiseWithResolvers<void>;
}

function newRun(shape: Shape): ShapeRun {
  const done = Promise.withResolvers<void>();
  if (shape.checked === false) done.resolve();
  return {
    shape,
    target: `Deployment/${NS}/${shape.name}`,
    syncs: [],
    seenMs: [],
    read: [],
    done,
  };
}

type Publish = (source: string, value: number) => void;

/** Reads what KEDA serves now for the shape's metric, into `run.read[i]`. */
async function readServed(kube: Kube, run: ShapeRun, i: number): Promise<void> {
  const selector = `scaledobject.keda.sh/name=${sourceOf(run.shape)}`;
  const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/${externalMetricName(0)}` +
    `?labelSelector=${encodeURIComponent(selector)}`;
  try {
    const body = await kube.transport.json<{ items?: { value: string }[] }>(path, {
      signal: AbortSignal.timeout(READ_TIMEOUT_MS),
    });
    run.read[i] = parseQuantity(body.items?.[0]?.value ?? "");
  } catch {
    run.read[i] = undefined;
  }
}

/**
 * After sync k of a shape's HPA: set value k + 1 at once (the next sync is one period away), and
 * read what KEDA serves shortly before that next sync.
 */
function onSync(kube: Kube, run: ShapeRun, sync: LoggedSync, publish: Publish): void {
  if (run.shape.checked === false || run.syncs.length >= SYNCS) return;
  const k = run.syncs.length;
  run.syncs.push(sync);
  run.seenMs.push(performance.now());
  if (k === 0) void readServed(kube, run, 0); // value 0 has been served since before the HPA
  if (k + 1 >= SYNCS) {
    run.done.resolve();
    return;
  }
  if (run.shape.drives !== false) publish(sourceOf(run.shape), run.shape.values[k + 1]!);
  setTimeout(() => void readServed(kube, run, k + 1), READ_AFTER_MS);
}

function replay(run: ShapeRun): ModelSync[] {
  const t0 = run.syncs[0]?.dayMs ?? 0;
  const syncs = run.syncs.map((s, i) => ({
    atMs: (s.dayMs - t0 + 86_400_000) % 86_400_000,
    value: run.read[i] ?? run.shape.values[i]!,
  }));
  const options = {
    initialReplicas: run.shape.initialReplicas,
    config: { downscaleStabilizationMs: DOWN_WINDOW_SEC * 1000 },
  };
  return run.shape.via
    ? replayHpa(HpaSpecSchema.parse(plainHpaSpec(run.shape)), syncs, options)
    : replayKedaHpa(ScaledObjectSchema.parse(scaledObjectInput(run.shape, "")), syncs, options);
}

function report(run: ShapeRun, model: readonly ModelSync[], rows: {
  real: readonly (number | undefined)[];
  desired: readonly (number | undefined)[];
}): string {
  const gaps = run.syncs.slice(1).map((s, i) => s.dayMs - run.syncs[i]!.dayMs);
  return [
    `${run.shape.name}: ${run.shape.what}`,
    sideBySide({
      "value set": run.shape.values,
      "value read": run.read,
      "kcm proposed": run.syncs.map((s) => s.proposed),
      "model rec": model.map((m) => m.recommendation),
      "kcm replicas": run.syncs.map((s) => s.replicas),
      "deployment": rows.real,
      "hpa desired": rows.desired,
      "model": model.map((m) => m.replicas),
    }),
    `deployment ${runLengths(rows.real)}`,
    `model      ${runLengths(model.map((m) => m.replicas))}`,
    `syncs ${run.syncs.length}, ${run.syncs[0]?.time ?? "?"} … ${run.syncs.at(-1)?.time ?? "?"}, ` +
    `gap ${Math.min(...gaps)}–${Math.max(...gaps)} ms`,
  ].join("\n");
}

/** Replays a run through the model and compares; returns a failure message or undefined. */
function check(
  run: ShapeRun,
  deployments: WatchRecorder<number | undefined>,
  hpas: WatchRecorder<number | undefined>,
): string | undefined {
  const model = replay(run);
  // The Deployment's replicas after each sync: sampled well before the next one.
  const after = (i: number) => run.seenMs[i]! + SAMPLE_AFTER_MS;
  const real = run.syncs.map((_, i) => deployments.at(run.shape.name, after(i)));
  const desired = run.syncs.map((_, i) => hpas.at(hpaName(run.shape), after(i)));
  const text = report(run, model, { real, desired });
  console.error(text + "\n");
  const bad = phaseMismatches(real, model.map((m) => m.replicas), MAX_SHIFT);
  if (bad.length === 0) return undefined;
  return `${text}\nmismatches (sync: deployment ∉ model within ±${MAX_SHIFT} syncs): ` +
    bad.map((b) => `${b.index}: ${b.observed} ∉ {${b.allowed.join(",")}}`).join("; ");
}

async function setUp(kube: Kube, publish: Publish, prom: PrometheusHandle): Promise<void> {
  await applyGpuNodes(kube, { mode: "nvidia", gpusPerNode: 24 });
  await kube.core.createNamespace({ body: { metadata: { name: NS } } });
  await waitFor(
    "default ServiceAccount",
    async () => await kube.core.readNamespacedServiceAccount({ namespace: NS, name: "default" }),
  );
  for (const shape of SHAPES) {
    await kube.apps.createNamespacedDeployment({ namespace: NS, body: deployment(shape) });
    publish(sourceOf(shape), shape.values[0]!);
  }
  await waitFor("Deployments ready", async () => {
    const list = await kube.apps.listNamespacedDeployment({ namespace: NS });
    const ready = list.items.every((d) => (d.status?.readyReplicas ?? 0) === d.spec?.replicas);
    return list.items.length === SHAPES.length && ready ? true : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  const sources = new Set(SHAPES.map(sourceOf)).size;
  await waitFor(
    "Prometheus has every shape's series",
    async () => (await prom.query(GAUGE)).length === sources ? true : undefined,
  );
}

async function waitForRuns(runs: readonly ShapeRun[]): Promise<void> {
  const timeoutMs = 45_000 + SYNCS * PERIOD_MS * 1.5;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
  const outcome = await Promise.race([Promise.all(runs.map((r) => r.done.promise)), timeout]);
  clearTimeout(timer);
  assert.notEqual(
    outcome,
    "timeout",
    `no ${SYNCS} syncs within ${timeoutMs} ms: ` +
      runs.map((r) => `${r.shape.name} ${r.syncs.length}`).join(", "),
  );
  await new Promise((r) => setTimeout(r, SAMPLE_AFTER_MS + 200)); // the last samples
}

Deno.test(clusterTest("the HPA model agrees with kube-controller-manager's HPA"), async (t) => {
  const t0 = performance.now();
  const cluster = await startTestCluster({
    keda: true,
    nodes: 2,
    hpaSyncPeriod: `${PERIOD_MS / 1000}s`,
    hpaDownscaleStabilization: `${DOWN_WINDOW_SEC}s`,
  });
  const gauges = startGaugeEndpoint();
  const prom = await startPrometheus({ staticTargets: [{ targets: [gauges.target] }] });
  const { kube } = cluster;
  const publish: Publish = (source, v) => gauges.set(GAUGE, { shape: source }, v);
  const deployments = recordWatch(
    kube,
    `/apis/apps/v1/namespaces/${NS}/deployments`,
    (d: KubeObject & { spec?: { replicas?: number } }) => d.spec?.replicas,
  );
  const hpas = recordWatch(
    kube,
    `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    (h: KubeObject & RawHpa) => h.status?.desiredReplicas,
  );
  const runs = SHAPES.map(newRun);
  const byTarget = new Map(runs.map((r) => [r.target, r]));
  const assembler = new HpaSyncAssembler((hpa) => {
    const name = hpa.slice(NS.length + 1);
    return `Deployment/${NS}/${name.startsWith("keda-hpa-") ? name.slice(9) : name}`;
  });
  let follower: LogFollower | undefined;
  const marks: string[] = [`cluster up ${cluster.startMs} ms`];
  const mark = (what: string, since: number) =>
    marks.push(`${what} ${Math.round(performance.now() - since)} ms`);
  try {
    await t.step("set-up: GPU nodes, Deployments, first values, autoscalers", async () => {
      const since = performance.now();
      await setUp(kube, publish, prom);
      follower = followLog(`${cluster.dir}/logs/kube-controller-manager.log`, (line) => {
        for (const sync of assembler.push(line)) {
          const run = byTarget.get(sync.target);
          if (run) onSync(kube, run, sync, publish);
        }
      });
      for (const shape of SHAPES) await createAutoscaler(kube, shape, prom.url);
      mark("set-up", since);
    });

    await t.step(`each HPA syncs ${SYNCS} times; each sync sets the next value`, async () => {
      const since = performance.now();
      await waitForRuns(runs);
      mark(`${SYNCS} syncs`, since);
    });

    await t.step("KEDA's HPAs are what kedaHpaSpec says", async () => {
      for (const shape of SHAPES.filter((s) => !s.via)) {
        const hpa = await kube.transport.json<RawHpa>(hpaPath(shape));
        assert.deepEqual(
          realSpecInModelTerms(hpa),
          modelSpecOf(shape),
          `${shape.name}: the HPA KEDA made differs from kedaHpaSpec`,
        );
      }
    });

    await t.step("the model's replicas agree within one sync of phase", () => {
      const checked = runs.filter((r) => r.shape.checked !== false);
      const failures = checked.map((r) => check(r, deployments, hpas)).filter((f) => f);
      assert.equal(failures.length, 0, failures.join("\n\n"));
    });
  } finally {
    console.error(
      `hpa_model_test timings: ${marks.join(", ")}; total ${Math.round(performance.now() - t0)} ms`,
    );
    await follower?.stop();
    await deployments.stop();
    await hpas.stop();
    await cluster.stop();
    await prom.stop();
    await gauges.stop();
  }
});
