import assert from "node:assert/strict";
import { parseModelObservation } from "../contract/types.ts";
import { DEFAULT_QUEUEING_MODEL_CONFIG } from "./queueing_model.ts";
import { DEFAULT_SATURATION_CONFIG } from "./saturation_config.ts";
import { EMPTY_THROUGHPUT_STATE } from "./throughput/mod.ts";
import {
  candidateVariant,
  EMPTY_PIPELINE_STATE,
  livenessKey,
  type PipelineSpec,
  type PipelineState,
  runPipeline,
} from "./pipeline.ts";

const KV = 100_000;
const INTERVAL = 30_000;

/**
 * Two replicas of 100k KV tokens, 500 in / 200 out (600 KV tokens per request). Saturation V2
 * sees KV usage `kv` (80k tokens effective per replica); the throughput analyzer sees ITL 30 ms
 * at k 0.4 with B pinned at 6 ms (A 0.06 → ≈2486 tokens/s per replica) when `itl` is true.
 */
function obs(kv: number, arrivalRatePerSec: number, itl = true, current = 2) {
  return parseModelObservation({
    modelId: "m",
    namespace: "ns",
    load: { arrivalRatePerSec, avgInputTokens: 500, avgOutputTokens: 200 },
    variants: [{
      name: "a",
      accelerator: "A100",
      costPerReplica: 40,
      currentReplicas: current,
      readyReplicas: current,
      maxReplicas: 10,
      minReplicas: 1,
      replicas: Array.from({ length: current }, (_, i) => ({
        replicaId: `p${i}`,
        kvUsage01: kv,
        queueLength: 0,
        runningRequests: 8,
        kvCapacityTokens: KV,
        ...(itl ? { itlMs: 30, kvUsageInstant01: 0.4 } : {}),
      })),
    }],
  });
}

const BOTH: PipelineSpec = {
  saturationVotes: true,
  analyzers: [
    { type: "saturation", name: "saturation", enabled: true, score: 1, parameters: {} },
    { type: "throughput", name: "throughput", enabled: true, score: 1, parameters: {} },
  ],
};

function run(o: ReturnType<typeof obs>, state: PipelineState = EMPTY_PIPELINE_STATE, nowMs = 0) {
  return runPipeline(o, BOTH, {
    nowMs,
    intervalMs: INTERVAL,
    saturation: DEFAULT_SATURATION_CONFIG,
    queueing: DEFAULT_QUEUEING_MODEL_CONFIG,
    state,
  });
}

/** The direction and replicas the combined analysis asks the optimizer for (binder's unit). */
function verdict(r: ReturnType<typeof run>): string {
  const prc = r.analysis.variants[0]!.perReplicaCapacity;
  if (r.analysis.requiredCapacity > 0) {
    return `up +${Math.ceil(r.analysis.requiredCapacity / prc)}`;
  }
  if (r.analysis.spareCapacity > 0) {
    return `down -${Math.floor(r.analysis.spareCapacity / prc)}`;
  }
  return "hold";
}

Deno.test("runPipeline(): up on any, down on all live voters", async (t) => {
  const cases: [string, number, number, string][] = [
    // [case, saturation's KV usage, arrival req/s (throughput's demand = × 200 tokens), verdict]
    ["saturation asks (KV 0.9), throughput has spare: up", 0.9, 5, "up +1"],
    ["throughput asks (30 req/s), saturation has spare: up", 0.2, 30, "up +1"],
    ["both ask: the larger bottleneck wins", 0.9, 60, "up +4"],
    ["both have spare: down by the smaller removal", 0.2, 5, "down -1"],
    ["saturation has spare, throughput not (20 req/s): hold", 0.2, 20, "hold"],
    ["throughput has spare, saturation not (KV 0.6): hold", 0.6, 5, "hold"],
  ];
  for (const [name, kv, rate, want] of cases) {
    await t.step(name, () => {
      const r = run(obs(kv, rate));
      assert.equal(verdict(r), want);
      assert.equal(r.analysis.analyzer, "saturation-v2", "saturation binds while it votes");
      const rules = r.analysis.steps.map((s) => s.rule);
      assert.ok(rules.includes("pipeline.binder"));
      assert.ok(rules.some((x) => x.startsWith("combine.")));
      assert.ok(rules.includes("throughput.variant"), "throughput's own steps are kept");
    });
  }
});

Deno.test("runPipeline(): a dead analyzer neither asks nor blocks", async (t) => {
  await t.step("throughput never informative (no ITL): saturation's spare scales down", () => {
    const r = run(obs(0.2, 5, false));
    assert.equal(verdict(r), "down -1");
    const combine = r.analysis.steps.find((s) => s.rule.startsWith("combine."))!;
    assert.equal(combine.values.voters, "saturation");
  });
  await t.step("informative 2 intervals ago: still live, its missing spare blocks", () => {
    const before = run(obs(0.2, 5), EMPTY_PIPELINE_STATE, 0);
    assert.ok(before.state.lastInformativeMs[livenessKey(obs(0.2, 5), "throughput")] === 0);
    // Its memory gone too (a restart of its window): nothing to size with this cycle.
    const lost = { ...before.state, throughput: EMPTY_THROUGHPUT_STATE };
    const r = run(obs(0.2, 5, false), lost, 2 * INTERVAL);
    assert.equal(verdict(r), "hold");
  });
  await t.step("informative 4 intervals ago: dead, saturation alone decides", () => {
    const before = run(obs(0.2, 5), EMPTY_PIPELINE_STATE, 0);
    const lost = { ...before.state, throughput: EMPTY_THROUGHPUT_STATE };
    const r = run(obs(0.2, 5, false), lost, 4 * INTERVAL);
    assert.equal(verdict(r), "down -1");
    assert.equal(r.state.lastInformativeMs[livenessKey(obs(0.2, 5), "throughput")], undefined);
  });
  await t.step("saturation listed but disabled: throughput binds alone", () => {
    const spec: PipelineSpec = {
      saturationVotes: false,
      analyzers: [
        { type: "saturation", name: "saturation", enabled: false, score: 1, parameters: {} },
        { type: "throughput", name: "throughput", enabled: true, score: 1, parameters: {} },
      ],
    };
    const r = runPipeline(obs(0.9, 5), spec, {
      nowMs: 0,
      intervalMs: INTERVAL,
      saturation: DEFAULT_SATURATION_CONFIG,
      queueing: DEFAULT_QUEUEING_MODEL_CONFIG,
      state: EMPTY_PIPELINE_STATE,
    });
    assert.equal(r.analysis.analyzer, "throughput");
    assert.equal(r.analysis.unit, "tokens/s");
    assert.equal(verdict(r), "down -1", "saturation's ask does not count: it does not vote");
  });
});

Deno.test("candidateVariant(): the variant the cost-aware optimizer moves first", async (t) => {
  const o = parseModelObservation({
    modelId: "m",
    namespace: "ns",
    variants: ["cheap", "dear", "full"].map((name, i) => ({
      name,
      accelerator: "A100",
      costPerReplica: [10, 40, 5][i]!,
      currentReplicas: [1, 2, 3][i]!,
      readyReplicas: 1,
      minReplicas: 1,
      maxReplicas: [4, 4, 3][i]!,
    })),
  });
  const binder = {
    variants: [{ variant: "cheap", p: 100 }, { variant: "dear", p: 100 }, {
      variant: "full",
      p: 100,
    }].map((v) => ({
      variant: v.variant,
      perReplicaCapacity: v.p,
      readyReplicas: 1,
      pendingReplicas: 0,
      demand: 0,
      supply: v.p,
      hasData: true,
      steps: [],
    })),
  } as unknown as Parameters<typeof candidateVariant>[1];
  await t.step("up: lowest cost per capacity with room (full is at max)", () => {
    assert.equal(candidateVariant(o, binder, true), "cheap");
  });
  await t.step("down: most expensive above its minimum", () => {
    assert.equal(candidateVariant(o, binder, false), "dear");
  });
});
