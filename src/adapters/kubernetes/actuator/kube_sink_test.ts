import assert from "node:assert/strict";
import type { CycleReport, VariantOutcome } from "../../../core/contract/ports.ts";
import { KubeApiError } from "../kube/errors.ts";
import { memoryKube } from "../kube/memory_kube.ts";
import { createEventRecorder } from "./events.ts";
import { createKubeSink, type KubeSinkOptions } from "./kube_sink.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const VAS = "/apis/llmd.ai/v1alpha1/variantautoscalings";
const DEPLOYMENTS = "/apis/apps/v1/deployments";
const EVENTS = "/api/v1/events";

/** A cluster with VA `v` and its Deployment at `replicas`. */
function cluster(replicas = 2) {
  const kube = memoryKube();
  const va = kube.put(VAS, {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name: "v", namespace: "ns", uid: "uid-v", generation: 1 },
    spec: { scaleTargetRef: { kind: "Deployment", name: "d" }, modelID: "m" },
  });
  kube.put(DEPLOYMENTS, { metadata: { name: "d", namespace: "ns" }, spec: { replicas } });
  return { kube, resourceVersion: va.metadata!.resourceVersion! };
}

const ok = {
  available: true,
  reason: "MetricsFound",
  message: "2 of 2 replica(s) report metrics",
  freshReplicas: 2,
  staleReplicas: 0,
};

/** An outcome for VA `ns/v` as the cycle would echo it from the backend's snapshot. */
function outcome(
  desired: number | undefined,
  fields: Partial<VariantOutcome> = {},
): VariantOutcome {
  return {
    namespace: "ns",
    name: "v",
    modelId: "m",
    accelerator: "A100",
    gpusPerReplica: 1,
    costPerReplica: 10,
    minReplicas: 1,
    maxReplicas: 5,
    currentReplicas: 2,
    readyReplicas: 2,
    desiredReplicas: desired,
    reason: desired === undefined ? "excluded" : desired > 2 ? "scale-up" : "hold",
    steps: [],
    metrics: desired === undefined ? undefined : ok,
    conditions: desired === undefined
      ? [{ type: "ConfigValid", status: "False", reason: "InvalidSpec", message: "bad spec" }]
      : [{ type: "MetricsAvailable", status: "True", reason: "MetricsFound", message: "ok" }],
    generation: 1,
    scaleTarget: { apiVersion: "apps/v1", kind: "Deployment", name: "d", specReplicas: 2 },
    ...fields,
  };
}

const report = (...variants: VariantOutcome[]): CycleReport => ({
  nowMs: T0,
  models: [],
  variants,
});

function sinkOn(kube: ReturnType<typeof memoryKube>, options: Partial<KubeSinkOptions> = {}) {
  const counted: string[] = [];
  let now = T0;
  const sink = createKubeSink(kube, {
    counters: {
      countScaling: (v, direction, reason) => counted.push(`${v.name}:${direction}:${reason}`),
      countError: (component, type) => counted.push(`error:${component}:${type}`),
    },
    events: createEventRecorder(kube, { instance: "test", nowMs: () => now }),
    nowMs: () => now,
    statusRefreshMs: 60_000,
    ...options,
  });
  return { sink, counted, advance: (ms: number) => (now += ms) };
}

const status = (kube: ReturnType<typeof memoryKube>) =>
  kube.get(VAS, "ns", "v")!.status as Record<string, Record<string, unknown>>;
const replicasOf = (kube: ReturnType<typeof memoryKube>) =>
  (kube.get(DEPLOYMENTS, "ns", "d")!.spec as { replicas: number }).replicas;
const eventReasons = (kube: ReturnType<typeof memoryKube>) =>
  kube.list(EVENTS).map((e) => `${e.type}/${e.reason}`);

Deno.test("createKubeSink() scales from the scale target the outcome echoes", async (t) => {
  await t.step("direct scaling: /scale, a ScaledUp event, the counter, the status", async () => {
    const { kube, resourceVersion } = cluster();
    const { sink, counted } = sinkOn(kube, { directScale: true });
    const r = await sink.apply(report(outcome(3, { object: { uid: "uid-v", resourceVersion } })));
    assert.deepEqual(r, { applied: 1, errors: [] });
    assert.equal(replicasOf(kube), 3);
    assert.deepEqual(eventReasons(kube), ["Normal/ScaledUp"]);
    assert.equal(
      (kube.list(EVENTS)[0]!.involvedObject as { uid: string }).uid,
      "uid-v",
      "the event names the VA by the uid the outcome echoes",
    );
    assert.deepEqual(counted, ["v:up:scale-up"]);
    assert.deepEqual(status(kube).actuation, {
      applied: true,
      mode: "direct-scale",
      appliedReplicas: 3,
      lastTransitionTime: "2026-01-01T00:00:00Z",
      message: "scaled Deployment d to 3",
    });
    assert.ok(
      !kube.requests.some((q) => q.method === "GET"),
      "status built from the echoed object: no read",
    );
  });
  await t.step("already at the desired count: no /scale call", async () => {
    const { kube } = cluster();
    const { sink } = sinkOn(kube, { directScale: true });
    assert.equal((await sink.apply(report(outcome(2)))).applied, 1);
    assert.ok(!kube.requests.some((q) => q.path.endsWith("/scale")));
  });
  await t.step("metrics mode: nothing scaled, the published count is applied", async () => {
    const { kube } = cluster();
    const { sink } = sinkOn(kube);
    assert.equal((await sink.apply(report(outcome(4)))).applied, 1);
    assert.equal(replicasOf(kube), 2);
    assert.equal(status(kube).actuation!.mode, "metrics");
  });
  await t.step("no scale target in the outcome: not applied, said in the status", async () => {
    const { kube } = cluster();
    const { sink } = sinkOn(kube, { directScale: true });
    const gone = outcome(3, {
      scaleTarget: { apiVersion: "apps/v1", kind: "Deployment", name: "d" },
    });
    assert.deepEqual(await sink.apply(report(gone)), { applied: 0, errors: [] });
    assert.equal(status(kube).actuation!.message, "scale target not found");
  });
  await t.step(
    "a failing /scale is an error of that variant; the status is still written",
    async () => {
      const { kube } = cluster();
      const { sink, counted } = sinkOn(kube, { directScale: true });
      kube.failNext(
        /\/scale$/,
        new KubeApiError(403, "Forbidden", "no patch on deployments/scale"),
      );
      const r = await sink.apply(report(outcome(3)));
      assert.equal(r.applied, 0);
      assert.match(r.errors[0]!.message, /^direct scaling failed: no patch/);
      assert.equal(r.errors[0]!.variant, "ns/v");
      assert.ok(counted.includes("error:actuator:scale"));
      assert.equal(status(kube).actuation!.applied, false);
    },
  );
});

Deno.test("createKubeSink() writes statuses and events from the report", async (t) => {
  await t.step("unchanged status: no second write until it gets old", async () => {
    const { kube, resourceVersion } = cluster();
    const { sink, advance } = sinkOn(kube);
    await sink.apply(report(outcome(2, { object: { uid: "uid-v", resourceVersion } })));
    const stored = kube.get(VAS, "ns", "v")!;
    const echoed = { resourceVersion: stored.metadata!.resourceVersion, status: stored.status };
    const puts = () => kube.requests.filter((q) => q.method === "PUT").length;
    advance(5_000);
    await sink.apply(report(outcome(2, { object: echoed as VariantOutcome["object"] })));
    assert.equal(puts(), 1);
    advance(60_000);
    await sink.apply(report(outcome(2, { object: echoed as VariantOutcome["object"] })));
    assert.equal(puts(), 2);
  });
  await t.step("a stale echoed resourceVersion: 409, read again, written", async () => {
    const { kube } = cluster();
    const { sink } = sinkOn(kube);
    const r = await sink.apply(report(outcome(3, { object: { resourceVersion: "0" } })));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(kube.requests.map((q) => q.method).filter((m) => m !== "POST"), [
      "PUT",
      "GET",
      "PUT",
    ]);
    assert.equal(status(kube).desiredOptimizedAlloc!.numReplicas, 3);
  });
  await t.step("a status write that keeps failing is an error of that variant", async () => {
    const { kube } = cluster();
    const { sink, counted } = sinkOn(kube);
    kube.failNext(/^PUT .*\/status$/, new KubeApiError(500, "InternalError", "etcd down"));
    const r = await sink.apply(report(outcome(2, { object: {} })));
    assert.match(r.errors[0]!.message, /^status write failed: etcd down/);
    assert.ok(counted.includes("error:actuator:status"));
  });
  await t.step("a VA deleted meanwhile is not an error", async () => {
    const { kube } = cluster();
    kube.remove(VAS, "ns", "v");
    const { sink } = sinkOn(kube);
    assert.deepEqual((await sink.apply(report(outcome(2)))).errors, []);
  });
  await t.step(
    "a steady desired value while HPA catches up: one ScaledDown, one count",
    async () => {
      // issue 12 case 2: the cycle now publishes 1, 1, 1 while the Deployment stays at 4 (the
      // HPA's scale-down window); the sink must not repeat the event either.
      const { kube } = cluster(4);
      const { sink, counted } = sinkOn(kube);
      const down = outcome(1, { currentReplicas: 4, readyReplicas: 4, reason: "scale-down" });
      for (let i = 0; i < 3; i++) await sink.apply(report(down));
      assert.deepEqual(eventReasons(kube), ["Normal/ScaledDown"]);
      assert.deepEqual(counted, ["v:down:scale-down"]);
      assert.equal(replicasOf(kube), 4, "metrics mode: the HPA scales, not the sink");
    },
  );
  await t.step("events only on changes: excluded once, metrics lost once", async () => {
    const { kube } = cluster();
    const { sink } = sinkOn(kube);
    await sink.apply(report(outcome(undefined)));
    await sink.apply(report(outcome(undefined)));
    assert.deepEqual(eventReasons(kube), ["Warning/InvalidSpec"]);
    await sink.apply(report(outcome(2)));
    const lost = { ...ok, available: false, reason: "MetricsStale", message: "too old" };
    await sink.apply(report(outcome(2, { metrics: lost })));
    await sink.apply(report(outcome(2, { metrics: lost })));
    assert.deepEqual(eventReasons(kube), ["Warning/InvalidSpec", "Warning/MetricsUnavailable"]);
  });
});

Deno.test("createKubeSink(): an annotated scaler gets Events, never a status", async (t) => {
  const so = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: "v", uid: "uid-so" };
  const discovery = {
    type: "DiscoverySource",
    status: "True" as const,
    reason: "ScaledObject",
    message: "Deployment ns/d is defined by ScaledObject ns/v (used, variant_name v) and by " +
      "HorizontalPodAutoscaler ns/keda-hpa-v (ignored)",
  };
  const { kube } = cluster();
  const { sink, counted } = sinkOn(kube);
  await t.step("a decision: ScaledUp on the ScaledObject, DiscoverySource once", async () => {
    const o = outcome(3, { definedBy: so });
    const r = await sink.apply(report({ ...o, conditions: [...o.conditions, discovery] }));
    assert.deepEqual(r, { applied: 1, errors: [] });
    assert.deepEqual(eventReasons(kube).sort(), ["Normal/DiscoverySource", "Normal/ScaledUp"]);
    for (const e of kube.list(EVENTS)) {
      assert.deepEqual(e.involvedObject, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        namespace: "ns",
        name: "v",
        uid: "uid-so",
      });
    }
    const up = kube.list(EVENTS).find((e) => e.reason === "ScaledUp")!;
    assert.equal(up.message, "desired replicas 2 → 3 (scale-up)");
    assert.deepEqual(counted, ["v:up:scale-up"]);
    assert.equal(status(kube), undefined, "the VA named v is not written");
    assert.ok(!kube.requests.some((q) => q.path.includes("variantautoscalings")));
    await sink.apply(report({ ...o, conditions: [...o.conditions, discovery] }));
    assert.equal(kube.list(EVENTS).length, 2, "nothing new to report");
  });
  await t.step("a malformed annotation: a Warning on the scaler", async () => {
    const bad = outcome(undefined, {
      name: "bad",
      definedBy: { ...so, kind: "HorizontalPodAutoscaler", name: "bad" },
      conditions: [{
        type: "ConfigValid",
        status: "False",
        reason: "InvalidSpec",
        message: "HorizontalPodAutoscaler ns/bad: llm-d.ai/variant-cost: must be a number ≥ 0 " +
          '(the cost of one replica) (got "abc")',
      }],
    });
    await sink.apply(report(bad));
    const w = kube.list(EVENTS).find((e) => e.type === "Warning")!;
    assert.equal(w.reason, "InvalidSpec");
    assert.match(String(w.message), /variant-cost.*"abc"/);
    assert.equal((w.involvedObject as { kind: string }).kind, "HorizontalPodAutoscaler");
  });
});
