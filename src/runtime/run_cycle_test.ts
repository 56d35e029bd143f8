import assert from "node:assert/strict";
import { createLogger } from "./log.ts";
import { combineSinks, runCycle } from "./run_cycle.ts";
import {
  memoryCluster,
  memoryMetrics,
  memorySink,
  variantSnapshot,
} from "../adapters/memory/memory_ports.ts";
import type { MetricsRequest, ModelMetrics, VariantOutcome } from "../core/contract/ports.ts";
import {
  type CycleSettings,
  DEFAULT_CYCLE_SETTINGS,
  EMPTY_CYCLE_STATE,
} from "../core/contract/settings.ts";

const NOW = 1_000_000;

/** Every replica of every requested model reports `kv` and `queue`, sampled now. */
function uniformMetrics(kv: number, queue: number) {
  return (req: MetricsRequest): ModelMetrics[] =>
    req.models.map((m) => ({
      modelId: m.modelId,
      namespace: m.namespace,
      arrivalRatePerSec: 2,
      avgInputTokens: 100,
      avgOutputTokens: 50,
      replicas: m.variants.flatMap((v) =>
        v.replicaIds.map((id) => ({
          replicaId: id,
          kvUsage01: kv,
          queueLength: queue,
          sampleMs: NOW,
        }))
      ),
    }));
}

function byName(outcomes: readonly VariantOutcome[], name: string): VariantOutcome {
  const o = outcomes.find((v) => v.name === name);
  assert.ok(o, `no outcome for ${name}`);
  return o;
}

function condition(o: VariantOutcome, type: string) {
  return o.conditions.find((c) => c.type === type);
}

const cheapAndDear = () => [
  variantSnapshot({ name: "cheap", costPerReplica: 5, currentReplicas: 2 }),
  variantSnapshot({ name: "dear", costPerReplica: 50, currentReplicas: 2 }),
];

async function once(
  metrics: ReturnType<typeof uniformMetrics>,
  variants = cheapAndDear(),
  settings: CycleSettings = DEFAULT_CYCLE_SETTINGS,
) {
  const sink = memorySink();
  const r = await runCycle(
    { cluster: memoryCluster({ variants }), metrics: memoryMetrics(metrics), sink },
    { nowMs: NOW, settings, state: EMPTY_CYCLE_STATE },
  );
  return { r, sink };
}

Deno.test("runCycle() decides through the ports", async (t) => {
  await t.step("saturated replicas: the cheap variant gets +1 and the sink sees it", async () => {
    const { r, sink } = await once(uniformMetrics(0.76, 2));
    assert.equal(sink.reports.length, 1);
    const cheap = byName(sink.reports[0]!.variants, "cheap");
    assert.equal(cheap.desiredReplicas, 3);
    assert.equal(cheap.reason, "scale-up");
    assert.equal(byName(sink.reports[0]!.variants, "dear").desiredReplicas, 2);
    assert.equal(condition(cheap, "MetricsAvailable")?.status, "True");
    assert.equal(condition(cheap, "OptimizationReady")?.reason, "OptimizationSucceeded");
    assert.equal(r.state.previousDesired.get("default/cheap"), 3);
    assert.deepEqual(r.errors, []);
  });
  await t.step("idle replicas: the dear variant gives one back", async () => {
    const { sink } = await once(uniformMetrics(0.1, 0));
    const vs = sink.reports[0]!.variants;
    assert.equal(byName(vs, "dear").desiredReplicas, 1);
    assert.equal(byName(vs, "dear").reason, "scale-down");
    assert.equal(byName(vs, "cheap").desiredReplicas, 2);
  });
  await t.step("metrics source down: every variant holds with MetricsSourceError", async () => {
    const { r, sink } = await once(() => {
      throw new Error("connection refused");
    });
    for (const v of sink.reports[0]!.variants) {
      assert.equal(v.desiredReplicas, v.currentReplicas);
      assert.equal(condition(v, "MetricsAvailable")?.status, "False");
      assert.equal(condition(v, "MetricsAvailable")?.reason, "MetricsSourceError");
      assert.equal(condition(v, "OptimizationReady")?.reason, "MetricsUnavailable");
    }
    assert.deepEqual(r.errors.map((e) => e.stage), ["metrics"]);
  });
  await t.step("stale samples are dropped: hold, MetricsStale, no scale-down", async () => {
    const stale = (req: MetricsRequest) =>
      uniformMetrics(0.1, 0)(req).map((m) => ({
        ...m,
        replicas: m.replicas.map((s) => ({ ...s, sampleMs: NOW - 120_000 })),
      }));
    const { sink } = await once(stale);
    for (const v of sink.reports[0]!.variants) {
      assert.equal(v.desiredReplicas, 2);
      assert.equal(condition(v, "MetricsAvailable")?.reason, "MetricsStale");
    }
  });
  await t.step("a blocking problem excludes one variant; the others are served", async () => {
    const variants = [
      ...cheapAndDear(),
      variantSnapshot({
        name: "broken",
        modelId: "other",
        problems: [{
          condition: "TargetResolved",
          reason: "TargetNotFound",
          message: "Deployment default/broken not found",
          blocking: true,
        }],
      }),
    ];
    const { sink } = await once(uniformMetrics(0.76, 2), variants);
    const broken = byName(sink.reports[0]!.variants, "broken");
    assert.equal(broken.desiredReplicas, undefined);
    assert.equal(condition(broken, "TargetResolved")?.reason, "TargetNotFound");
    assert.equal(condition(broken, "OptimizationReady")?.status, "False");
    assert.equal(byName(sink.reports[0]!.variants, "cheap").desiredReplicas, 3);
    assert.equal(sink.reports[0]!.models.length, 1);
  });
});

Deno.test("runCycle() failure policy and state", async (t) => {
  await t.step("a failing snapshot skips the cycle and keeps the state", async () => {
    const cluster = memoryCluster();
    cluster.fail(new Error("apiserver down"));
    const sink = memorySink();
    const r = await runCycle(
      { cluster, metrics: memoryMetrics(uniformMetrics(0, 0)), sink },
      { nowMs: NOW, settings: DEFAULT_CYCLE_SETTINGS, state: EMPTY_CYCLE_STATE },
    );
    assert.equal(r.skipped, "apiserver down");
    assert.equal(r.state, EMPTY_CYCLE_STATE);
    assert.equal(sink.reports.length, 0);
  });
  await t.step("a failing sink is reported, the decisions are still returned", async () => {
    const sink = memorySink();
    sink.fail(new Error("forbidden"));
    const r = await runCycle(
      {
        cluster: memoryCluster({ variants: cheapAndDear() }),
        metrics: memoryMetrics(uniformMetrics(0.76, 2)),
        sink,
      },
      { nowMs: NOW, settings: DEFAULT_CYCLE_SETTINGS, state: EMPTY_CYCLE_STATE },
    );
    assert.deepEqual(r.errors, [{ stage: "actuate", message: "forbidden" }]);
    assert.equal(byName(r.report!.variants, "cheap").desiredReplicas, 3);
  });
  await t.step(
    "the state carries the last target: the target has not moved, the decision stands",
    async () => {
      const cluster = memoryCluster({ variants: cheapAndDear() });
      const deps = { cluster, metrics: memoryMetrics(uniformMetrics(0.76, 2)), sink: memorySink() };
      const first = await runCycle(deps, {
        nowMs: NOW,
        settings: DEFAULT_CYCLE_SETTINGS,
        state: EMPTY_CYCLE_STATE,
      });
      const second = await runCycle(deps, {
        nowMs: NOW + 30_000,
        settings: DEFAULT_CYCLE_SETTINGS,
        state: first.state,
      });
      const cheap = byName(second.report!.variants, "cheap");
      // Not "in transition" (issue 12 case 3): still saturated at 2, the same 3 is published.
      assert.equal(cheap.desiredReplicas, 3);
      assert.equal(cheap.reason, "scale-up");
      const follow = cheap.conditions.find((c) => c.type === "TargetFollowing")!;
      assert.deepEqual([follow.status, follow.reason], ["True", "TargetCatchingUp"]);
      assert.match(follow.message, /published 3, the target is at 2/);
    },
  );
  await t.step("one log line per model per cycle, with the steps", async () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l), nowMs: () => NOW });
    const variants = [...cheapAndDear(), variantSnapshot({ name: "solo", modelId: "m2" })];
    await runCycle(
      {
        cluster: memoryCluster({ variants }),
        metrics: memoryMetrics(uniformMetrics(0.76, 2)),
        sink: memorySink(),
        logger,
      },
      { nowMs: NOW, settings: DEFAULT_CYCLE_SETTINGS, state: EMPTY_CYCLE_STATE },
    );
    const models = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "cycle-model");
    assert.deepEqual(models.map((l) => l.model).sort(), ["m", "m2"]);
    const m = models.find((l) => l.model === "m");
    assert.ok(m.steps.some((s: { rule: string }) => s.rule === "v1.scale-up"));
    assert.equal(m.load.arrivalRatePerSec, 2);
  });
});

Deno.test("runCycle() settings", async (t) => {
  await t.step("a variant's analyzer override selects saturation V2 for its model", async () => {
    const variants = cheapAndDear().map((v) => ({ ...v, analyzer: "saturation-v2" as const }));
    const { sink } = await once(uniformMetrics(0.76, 2), variants);
    assert.equal(sink.reports[0]!.models[0]!.analyzer, "saturation-v2");
  });
  await t.step("the GPU limiter caps a scale-up to the inventory", async () => {
    const sink = memorySink();
    const r = await runCycle(
      {
        cluster: memoryCluster({ variants: cheapAndDear(), inventory: { A100: 4 } }),
        metrics: memoryMetrics(uniformMetrics(0.76, 2)),
        sink,
      },
      {
        nowMs: NOW,
        settings: { ...DEFAULT_CYCLE_SETTINGS, limiter: true },
        state: EMPTY_CYCLE_STATE,
      },
    );
    assert.equal(byName(r.report!.variants, "cheap").desiredReplicas, 2);
  });
  await t.step("scale-to-zero asks for the request window and empties an idle model", async () => {
    const metrics = memoryMetrics((req) =>
      uniformMetrics(0, 0)(req).map((m) => ({ ...m, requestsInWindow: 0 }))
    );
    const variants = cheapAndDear().map((v) => ({ ...v, minReplicas: 0 }));
    const settings: CycleSettings = {
      ...DEFAULT_CYCLE_SETTINGS,
      scaleToZeroFor: () => ({ enabled: true, retentionMs: 600_000 }),
    };
    const r = await runCycle(
      { cluster: memoryCluster({ variants }), metrics, sink: memorySink() },
      { nowMs: NOW, settings, state: EMPTY_CYCLE_STATE },
    );
    assert.equal(metrics.requests[0]!.models[0]!.requestWindowMs, 600_000);
    assert.deepEqual(r.report!.variants.map((v) => v.desiredReplicas), [0, 0]);
  });
  await t.step("the report echoes the inventory and what each variant's sink acts on", async () => {
    const entry = { accelerator: "A100", vendor: "nvidia", product: "P", products: ["P"], gpus: 4 };
    const scaleTarget = { apiVersion: "apps/v1", kind: "Deployment", name: "cheap-d" };
    const variants = cheapAndDear().map((v) => ({ ...v, scaleTarget, object: { uid: v.name } }));
    const r = await runCycle(
      {
        cluster: memoryCluster({ variants, inventory: { A100: 4 }, inventoryEntries: [entry] }),
        metrics: memoryMetrics(uniformMetrics(0.5, 0)),
        sink: memorySink(),
      },
      { nowMs: NOW, settings: DEFAULT_CYCLE_SETTINGS, state: EMPTY_CYCLE_STATE },
    );
    assert.deepEqual([r.report!.inventory, r.report!.inventoryEntries], [{ A100: 4 }, [entry]]);
    assert.deepEqual(byName(r.report!.variants, "dear").scaleTarget, scaleTarget);
    assert.deepEqual(byName(r.report!.variants, "dear").object, { uid: "dear" });
  });
  await t.step("no variant: no metrics request, an empty report", async () => {
    const metrics = memoryMetrics(uniformMetrics(0, 0));
    const r = await runCycle(
      { cluster: memoryCluster(), metrics, sink: memorySink() },
      { nowMs: NOW, settings: DEFAULT_CYCLE_SETTINGS, state: EMPTY_CYCLE_STATE },
    );
    assert.equal(metrics.requests.length, 0);
    assert.deepEqual(r.report!.variants, []);
  });
});

Deno.test("combineSinks() applies every part in order and merges the results", async (t) => {
  const calls: string[] = [];
  const part = (name: string, applied: number, errors: { variant: string; message: string }[]) => ({
    apply: () => {
      calls.push(name);
      return Promise.resolve({ applied, errors });
    },
  });
  const report = (await once(uniformMetrics(0.76, 2))).sink.reports[0]!;
  await t.step("the smallest applied count, every error", async () => {
    const r = await combineSinks(
      part("gauges", 2, []),
      part("kube", 1, [{ variant: "default/dear", message: "scale failed" }]),
    ).apply(report);
    assert.deepEqual(calls, ["gauges", "kube"]);
    assert.deepEqual(r, {
      applied: 1,
      errors: [{ variant: "default/dear", message: "scale failed" }],
    });
  });
  await t.step("a part that throws stops the rest", async () => {
    calls.length = 0;
    const failing = { apply: () => Promise.reject(new Error("down")) };
    await assert.rejects(combineSinks(failing, part("kube", 2, [])).apply(report), /down/);
    assert.deepEqual(calls, []);
  });
});
