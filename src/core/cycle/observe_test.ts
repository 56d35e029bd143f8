import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import type { ModelMetrics, ReplicaSample } from "../contract/ports.ts";
import { buildObservation, groupModels } from "./observe.ts";

const NOW = 500_000;

function metricsOf(replicas: ReplicaSample[], extra: Partial<ModelMetrics> = {}): ModelMetrics {
  return { modelId: "m", namespace: "default", replicas, ...extra };
}

const group = () =>
  groupModels([
    variantSnapshot({ name: "b", currentReplicas: 2 }),
    variantSnapshot({ name: "a", currentReplicas: 1 }),
  ])[0]!;

const opts = { nowMs: NOW, staleAfterMs: 60_000 };

Deno.test("groupModels() groups by namespace and model, sorted", () => {
  const groups = groupModels([
    variantSnapshot({ name: "x", modelId: "m2" }),
    variantSnapshot({ name: "z", modelId: "m1" }),
    variantSnapshot({ name: "y", modelId: "m1" }),
    variantSnapshot({ name: "w", modelId: "m1", namespace: "alpha" }),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.namespace, g.modelId, g.variants.map((v) => v.name)]),
    [["alpha", "m1", ["w"]], ["default", "m1", ["y", "z"]], ["default", "m2", ["x"]]],
  );
});

Deno.test("buildObservation() matches, filters and reports health", async (t) => {
  await t.step("matches samples by replica id, and by variant label first", () => {
    const r = buildObservation(
      group(),
      metricsOf([
        { replicaId: "b-0", kvUsage01: 0.5, queueLength: 1, sampleMs: NOW },
        { replicaId: "pod-x", variant: "a", kvUsage01: 0.2, queueLength: 0, sampleMs: NOW },
        { replicaId: "unknown", kvUsage01: 0.9, queueLength: 9, sampleMs: NOW },
      ]),
      opts,
    );
    const [a, b] = r.observation.variants;
    assert.deepEqual(a!.replicas.map((x) => x.replicaId), ["pod-x"]);
    assert.deepEqual(b!.replicas.map((x) => x.replicaId), ["b-0"]);
    assert.equal(r.unmatchedSamples, 1);
    // b: 1 of its 2 ready replicas reports (issue 12 case 1: was MetricsFound)
    assert.equal(r.metrics.get("b")!.reason, "MetricsPartial");
    assert.equal(
      r.metrics.get("b")!.message,
      "1 of 2 ready replicas report metrics: no scale-down until all do",
    );
    assert.equal(r.metrics.get("b")!.freshReplicas, 1);
    assert.equal(r.metrics.get("a")!.reason, "MetricsFound");
    assert.equal(r.metrics.get("a")!.message, "1 of 1 ready replicas report metrics");
    assert.deepEqual(r.observation.variants.map((v) => v.reportingReadyReplicas), [1, 1]);
  });
  await t.step(
    "with ready ids: a warming replica's report does not stand in for a ready one",
    () => {
      const v = variantSnapshot({
        name: "w",
        currentReplicas: 3,
        readyReplicas: 2,
        pendingReplicas: 1,
        readyReplicaIds: ["w-0", "w-1"],
      });
      const r = buildObservation(
        groupModels([v])[0]!,
        metricsOf(
          ["w-0", "w-2"].map((replicaId) => ({ replicaId, kvUsage01: 0.1, sampleMs: NOW })),
        ),
        opts,
      );
      assert.equal(r.metrics.get("w")!.reason, "MetricsPartial");
      assert.match(r.metrics.get("w")!.message, /^1 of 2 ready replicas report/);
      const all = buildObservation(
        groupModels([v])[0]!,
        metricsOf(
          ["w-0", "w-1", "w-2"].map((replicaId) => ({ replicaId, kvUsage01: 0.1, sampleMs: NOW })),
        ),
        opts,
      );
      assert.equal(
        all.metrics.get("w")!.message,
        "2 of 2 ready replicas report metrics (and 1 warming up)",
      );
    },
  );
  await t.step("drops stale and untimed samples; a variant with only those is stale", () => {
    const r = buildObservation(
      group(),
      metricsOf([
        { replicaId: "b-0", kvUsage01: 0.5, queueLength: 1, sampleMs: NOW - 61_000 },
        { replicaId: "b-1", kvUsage01: 0.5, queueLength: 1 },
      ]),
      opts,
    );
    assert.equal(r.observation.variants[1]!.replicas.length, 0);
    assert.deepEqual(
      { ...r.metrics.get("b")! },
      {
        available: false,
        reason: "MetricsStale",
        message: "the newest metrics of 2 replica(s) are too old",
        freshReplicas: 0,
        staleReplicas: 2,
      },
    );
    assert.equal(r.metrics.get("a")!.reason, "MetricsMissing");
  });
  await t.step("fills a missing KV or queue value with 0, drops a sample with neither", () => {
    const r = buildObservation(
      group(),
      metricsOf([
        { replicaId: "b-0", queueLength: 3, sampleMs: NOW },
        { replicaId: "b-1", runningRequests: 4, sampleMs: NOW },
        { replicaId: "a-0", kvUsage01: 1.4, numGpuBlocks: 100, blockSize: 16, sampleMs: NOW },
      ]),
      opts,
    );
    const [a, b] = r.observation.variants;
    assert.deepEqual(b!.replicas, [{
      replicaId: "b-0",
      kvUsage01: 0,
      queueLength: 3,
      runningRequests: 0,
    }]);
    assert.equal(a!.replicas[0]!.kvUsage01, 1);
    assert.equal(a!.replicas[0]!.kvCapacityTokens, 1600);
  });
  await t.step("a source error makes every variant unavailable and hides the samples", () => {
    const r = buildObservation(
      group(),
      metricsOf([{ replicaId: "b-0", kvUsage01: 0.5, sampleMs: NOW }], { error: "down" }),
      opts,
    );
    assert.equal(r.observation.variants[1]!.replicas.length, 0);
    assert.equal(r.metrics.get("a")!.reason, "MetricsSourceError");
    assert.equal(r.metrics.get("a")!.message, "down");
    assert.equal(r.observation.load, undefined);
  });
  await t.step("load needs an arrival rate; unknown token sizes become 0", () => {
    const none = buildObservation(group(), metricsOf([]), opts);
    assert.equal(none.observation.load, undefined);
    const idle = buildObservation(
      group(),
      metricsOf([], { arrivalRatePerSec: 0, avgInputTokens: NaN }),
      opts,
    );
    assert.deepEqual(idle.observation.load, {
      arrivalRatePerSec: 0,
      avgInputTokens: 0,
      avgOutputTokens: 0,
    });
  });
  await t.step("a variant without replicas is available (nothing to report)", () => {
    const g = groupModels([variantSnapshot({ name: "z", currentReplicas: 0, minReplicas: 0 })])[0]!;
    const r = buildObservation(g, metricsOf([]), opts);
    assert.equal(r.metrics.get("z")!.reason, "NoReplicas");
    assert.equal(r.metrics.get("z")!.available, true);
  });
  await t.step("previous desired from the state wins over the snapshot's", () => {
    const g = groupModels([variantSnapshot({ name: "z", previousDesiredReplicas: 4 })])[0]!;
    assert.equal(
      buildObservation(g, undefined, opts).observation.variants[0]!.previousDesiredReplicas,
      4,
    );
    const r = buildObservation(g, undefined, { ...opts, previousDesired: () => 2 });
    assert.equal(r.observation.variants[0]!.previousDesiredReplicas, 2);
  });
});

Deno.test("buildObservation() passes the upstream queue a source read to the analyzers", async (t) => {
  await t.step("read: requests and bytes", () => {
    const r = buildObservation(
      group(),
      metricsOf([], { schedulerQueue: { requests: 7, bytes: 4096 } }),
      opts,
    );
    assert.deepEqual(r.observation.schedulerQueue, {
      requests: 7,
      bytes: 4096,
      prefixHitRate01: 0,
    });
  });
  await t.step("not read, unusable, or a source error: none", () => {
    for (
      const extra of [
        {},
        { schedulerQueue: { requests: Number.NaN } },
        { error: "down", schedulerQueue: { requests: 3 } },
      ]
    ) {
      const r = buildObservation(group(), metricsOf([], extra), opts);
      assert.equal(r.observation.schedulerQueue, undefined, JSON.stringify(extra));
    }
  });
});
