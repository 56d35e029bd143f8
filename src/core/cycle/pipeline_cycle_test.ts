import assert from "node:assert/strict";
import { parseAnalyzerPipeline } from "../api/configmaps/analyzers.ts";
import type { ModelMetrics, VariantSnapshot } from "../contract/ports.ts";
import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../contract/settings.ts";
import type { CycleSettings } from "../contract/settings.ts";
import { decideCycle } from "./decide_cycle.ts";

const NOW = 1_000_000;

function variant(extra: Partial<VariantSnapshot> = {}): VariantSnapshot {
  return {
    namespace: "ns",
    name: "a",
    modelId: "m",
    accelerator: "A100",
    costPerReplica: 40,
    gpusPerReplica: 1,
    minReplicas: 1,
    maxReplicas: 10,
    currentReplicas: 2,
    readyReplicas: 2,
    pendingReplicas: 0,
    replicaIds: ["p0", "p1"],
    problems: [],
    ...extra,
  };
}

/** Two replicas at KV `kv` (100k tokens each), ITL 30 ms at instant KV 0.4, `rate` req/s. */
function metrics(kv: number, rate: number, itl = true): ModelMetrics[] {
  return [{
    modelId: "m",
    namespace: "ns",
    arrivalRatePerSec: rate,
    avgInputTokens: 500,
    avgOutputTokens: 200,
    replicas: ["p0", "p1"].map((replicaId) => ({
      replicaId,
      kvUsage01: kv,
      queueLength: 0,
      runningRequests: 8,
      numGpuBlocks: 6250,
      blockSize: 16,
      sampleMs: NOW,
      ...(itl ? { itlMs: 30, kvUsageInstant01: 0.4 } : {}),
    })),
  }];
}

/** Settings with the saturation ConfigMap's selection `entry` (WVA's spelling). */
function settings(entry: Record<string, unknown>): CycleSettings {
  const r = parseAnalyzerPipeline(entry);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { ...DEFAULT_CYCLE_SETTINGS, pipelineFor: () => r.entry, intervalMs: 30_000 };
}

const BOTH = { analyzers: [{ name: "saturation" }, { name: "throughput" }] };

function decide(s: CycleSettings, m: ModelMetrics[], snapshot = [variant()]) {
  const r = decideCycle({ variants: snapshot }, m, {
    nowMs: NOW,
    settings: s,
    state: EMPTY_CYCLE_STATE,
  });
  return { variant: r.report.variants[0]!, model: r.report.models[0]!, state: r.state };
}

Deno.test("decideCycle() with the ConfigMap's analyzers: up on any, down on all", async (t) => {
  const cases: [string, number, number, number][] = [
    // [case, KV usage (saturation), arrival req/s (throughput), desired from 2]
    ["saturation asks, throughput has spare → up", 0.9, 5, 3],
    ["throughput asks, saturation has spare → up", 0.2, 30, 3],
    ["both have spare → down", 0.2, 5, 1],
    ["saturation has spare, throughput does not → hold", 0.2, 20, 2],
  ];
  for (const [name, kv, rate, want] of cases) {
    await t.step(name, () => {
      const r = decide(settings(BOTH), metrics(kv, rate));
      assert.equal(r.variant.desiredReplicas, want);
      const rules = r.model.steps.map((s) => s.rule);
      assert.ok(rules.includes("cycle.pipeline"), "the model's steps name the pipeline");
      const combine = r.model.steps.find((s) => s.rule.startsWith("combine."))!;
      assert.equal(combine.values.voters, "saturation, throughput");
      assert.match(combine.message, /saturation \(votes\).*throughput \(votes\)/);
    });
  }
  await t.step("a dead throughput analyzer (no ITL ever) does not block the scale-down", () => {
    const r = decide(settings(BOTH), metrics(0.2, 5, false));
    assert.equal(r.variant.desiredReplicas, 1);
  });
  await t.step("the throughput state and liveness are kept for the next cycle", () => {
    const r = decide(settings(BOTH), metrics(0.2, 5));
    assert.equal(r.state.analyzer.lastInformativeMs?.["ns/m/throughput"], NOW);
    assert.ok(Object.keys(r.state.analyzer.throughput?.variants ?? {}).length === 1);
  });
});

Deno.test("decideCycle(): analyzer selection rules", async (t) => {
  await t.step("legacy analyzerName: saturation → saturation V2, no pipeline", () => {
    const r = decide(settings({ analyzerName: "saturation" }), metrics(0.9, 5));
    assert.equal(r.model.analyzer, "saturation-v2");
    assert.ok(!r.model.steps.some((s) => s.rule === "cycle.pipeline"));
  });
  await t.step("a variant's own analyzer wins over the ConfigMap's selection", () => {
    const r = decide(settings(BOTH), metrics(0.9, 5), [variant({ analyzer: "saturation-v1" })]);
    assert.equal(r.model.analyzer, "saturation-v1");
  });
  await t.step("the global analyzer throughput alone sizes in tokens/s", () => {
    const s = { ...DEFAULT_CYCLE_SETTINGS, analyzer: "throughput" as const };
    const r = decide(s, metrics(0.2, 30));
    assert.equal(r.model.analyzer, "throughput");
    assert.equal(r.variant.desiredReplicas, 3);
    assert.ok(r.model.steps.some((x) => x.rule === "throughput.demand"));
  });
});

Deno.test("decideCycle(): scale-to-zero is skipped for an SGLang model", () => {
  const s: CycleSettings = {
    ...DEFAULT_CYCLE_SETTINGS,
    analyzer: "saturation-v2",
    scaleToZeroFor: () => ({ enabled: true, retentionMs: 60_000 }),
  };
  const idle = metrics(0, 0).map((m) => ({ ...m, requestsInWindow: 0 }));
  const v = variant({ minReplicas: 0 });
  const vllm = decide(s, idle, [v]);
  assert.equal(vllm.variant.desiredReplicas, 0, "an idle vLLM model goes to zero");
  const sglang = decide(s, idle, [{ ...v, servingEngine: "sglang" }]);
  assert.equal(sglang.variant.desiredReplicas, 1);
  assert.ok(sglang.model.steps.some((x) => x.rule === "scale-to-zero.engine"));
});
