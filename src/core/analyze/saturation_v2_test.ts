import assert from "node:assert/strict";
import { parseModelObservation, type ReplicaMetrics } from "../contract/types.ts";
import { DEFAULT_SATURATION_CONFIG } from "./saturation_config.ts";
import {
  analyzeSaturationV2,
  capacitySignals,
  derivedK2,
  replicaCapacityV2,
  schedulerQueueDemand,
} from "./saturation_v2.ts";
import { EMPTY_V2_STATE, K2_HISTORY_TTL_MS, k2Key, outputBucket } from "./saturation_v2_state.ts";

const cfg = DEFAULT_SATURATION_CONFIG;
const ctx = {
  cfg,
  perRequestTokens: 0,
  inTokens: 0,
  outTokens: 0,
  engine: undefined,
  storedKvTokens: undefined,
};
const replica = (tokens: number, q: number, c = 16000): ReplicaMetrics => ({
  replicaId: "r",
  kvUsage01: tokens / c,
  queueLength: q,
  runningRequests: 1,
  tokensInUse: tokens,
  kvCapacityTokens: c,
});

Deno.test("replicaCapacityV2() matches model.md §13.5", async (t) => {
  const cases: [string, ReplicaMetrics, number, string][] = [
    ["C 16000, tokens 5000, q 0 → k1 12800", replica(5000, 0), 12800, "k1"],
    ["C 16000, tokens 8000, q 6 ≥ 5 → observed 8000", replica(8000, 6), 8000, "observed"],
    ["C 16000, tokens 4000, q 10 → 4000", replica(4000, 10), 4000, "observed"],
  ];
  for (const [name, m, want, source] of cases) {
    await t.step(name, () => {
      const r = replicaCapacityV2(m, ctx, undefined, 0)!;
      assert.equal(r.capacity.capacity, want);
      assert.equal(r.capacity.k2Source, source);
    });
  }
});

Deno.test("derivedK2() from engine arguments (§13.5)", async (t) => {
  await t.step("B 4096, S 256, i 500, o 100 → n_ss 256 → 140800", () => {
    assert.equal(derivedK2({ maxNumBatchedTokens: 4096, maxNumSeqs: 256 }, 500, 100), 140800);
  });
  await t.step("B 8192, S 64, i 100, o 200 → 12800", () => {
    assert.equal(derivedK2({ maxNumBatchedTokens: 8192, maxNumSeqs: 64 }, 100, 200), 12800);
  });
  await t.step("o = 0 or no parameters → 0", () => {
    assert.equal(derivedK2({ maxNumBatchedTokens: 8192, maxNumSeqs: 64 }, 100, 0), 0);
    assert.equal(derivedK2(undefined, 100, 200), 0);
  });
});

Deno.test("schedulerQueueDemand() splits by role (§13.5: total 1500)", () => {
  const d = schedulerQueueDemand({ requests: 10, bytes: 0, prefixHitRate01: 0 }, 100, 50);
  assert.deepEqual(d, { prefill: 1000, decode: 1500, both: 1500 });
  const bytes = schedulerQueueDemand({ requests: 1, bytes: 8000, prefixHitRate01: 0.5 }, 100, 0);
  assert.equal(bytes.prefill, 1000);
});

Deno.test("capacitySignals(): steady state between 0.70 and 0.85 gives RC = SC = 0 (§13.5)", () => {
  const v = {
    variant: "v",
    perReplicaCapacity: 5000,
    readyReplicas: 2,
    pendingReplicas: 0,
    demand: 8000,
    supply: 10000,
    hasData: true,
    steps: [],
  };
  const a = capacitySignals({
    analyzer: "saturation-v2",
    unit: "tokens",
    variants: [v],
    extraDemand: 0,
    scaleUp: 0.85,
    scaleDown: 0.7,
  });
  assert.equal(a.requiredCapacity, 0);
  assert.equal(a.spareCapacity, 0);
  const hot = capacitySignals({
    analyzer: "saturation-v2",
    unit: "tokens",
    variants: [{ ...v, demand: 9350 }],
    extraDemand: 0,
    scaleUp: 0.85,
    scaleDown: 0.7,
  });
  assert.ok(Math.abs(hot.requiredCapacity - 1000) < 1e-9);
});

function model(replicas: ReplicaMetrics[], extra: Record<string, unknown> = {}) {
  return parseModelObservation({
    modelId: "m",
    namespace: "ns",
    load: { arrivalRatePerSec: 1, avgInputTokens: 500, avgOutputTokens: 100 },
    variants: [{
      name: "a100",
      accelerator: "A100",
      costPerReplica: 40,
      currentReplicas: replicas.length,
      readyReplicas: replicas.length,
      replicas,
      ...extra,
    }],
  });
}

Deno.test("analyzeSaturationV2() keeps the k2 history in the returned state, not in globals", () => {
  const hot = model([replica(9000, 6), replica(7000, 5)]);
  const r1 = analyzeSaturationV2(hot, cfg, { state: EMPTY_V2_STATE, nowMs: 1000 });
  const key = k2Key("m", "A100", 1, 100);
  assert.deepEqual(r1.state.k2History[key]!.samples, [9000, 7000]);
  assert.equal(EMPTY_V2_STATE.k2History[key], undefined);
  const calm = model([replica(3000, 0)]);
  const r2 = analyzeSaturationV2(calm, cfg, { state: r1.state, nowMs: 2000 });
  assert.equal(r2.analysis.variants[0]!.perReplicaCapacity, 8000);
  assert.match(r2.analysis.variants[0]!.steps[0]!.values.k2Sources as string, /history/);
  const again = analyzeSaturationV2(calm, cfg, { state: EMPTY_V2_STATE, nowMs: 2000 });
  assert.equal(again.analysis.variants[0]!.perReplicaCapacity, 12800);
  const late = analyzeSaturationV2(calm, cfg, {
    state: r1.state,
    nowMs: 1000 + K2_HISTORY_TTL_MS + 1,
  });
  assert.equal(late.analysis.variants[0]!.perReplicaCapacity, 12800);
});

Deno.test("analyzeSaturationV2() demand, supply and RC/SC", () => {
  const r = analyzeSaturationV2(
    model([replica(6000, 2), replica(8000, 0)], { pendingReplicas: 1, currentReplicas: 3 }),
    cfg,
    {
      state: EMPTY_V2_STATE,
      nowMs: 0,
    },
  );
  const a = r.analysis;
  // demand: 6000 + 2 × 600 + 8000 = 15200; PRC = 12800; supply 2 × 12800; anticipated 3 × 12800
  assert.equal(a.totalDemand, 15200);
  assert.equal(a.totalSupply, 25600);
  assert.equal(a.totalAnticipatedSupply, 38400);
  assert.equal(a.requiredCapacity, 0);
  assert.ok(Math.abs(a.spareCapacity - (25600 - 15200 / 0.7)) < 1e-9);
});

Deno.test("analyzeSaturationV2() falls back to stored or declared capacity without cache_config_info", () => {
  const noInfo: ReplicaMetrics = {
    replicaId: "r",
    kvUsage01: 0.5,
    queueLength: 1,
    runningRequests: 3,
  };
  const declared = analyzeSaturationV2(model([noInfo], { kvCapacityTokens: 10000 }), cfg, {
    state: EMPTY_V2_STATE,
    nowMs: 0,
  });
  // c = k1 = 0.8 × 10000 = 8000; d = tokens in use 0.5 × 10000 + 1 × 600 = 5600 (usage is a
  // fraction of the whole KV cache: it was 0.5 × 8000, understating demand by 20 %)
  assert.equal(declared.analysis.variants[0]!.perReplicaCapacity, 8000);
  assert.equal(declared.analysis.totalDemand, 5600);
  // k2 derived from the engine arguments applies here too (issue 12 case 7): S = 8, i + o/2 = 550
  const args = analyzeSaturationV2(
    model([noInfo], { kvCapacityTokens: 10000, engine: { maxNumSeqs: 8 } }),
    cfg,
    { state: EMPTY_V2_STATE, nowMs: 0 },
  );
  assert.equal(args.analysis.variants[0]!.perReplicaCapacity, 8 * 550);
  assert.deepEqual(args.state.capacity, {}, "declared capacity is not learned as a live one");
  const unknown = analyzeSaturationV2(model([noInfo]), cfg, { state: EMPTY_V2_STATE, nowMs: 0 });
  assert.equal(unknown.analysis.variants[0]!.hasData, false);
});

Deno.test("outputBucket() splits at 100 and 500 tokens", () => {
  assert.deepEqual([99, 100, 499, 500].map(outputBucket), ["short", "medium", "medium", "long"]);
});
