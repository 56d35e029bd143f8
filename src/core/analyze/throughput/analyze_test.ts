import assert from "node:assert/strict";
import { type ModelObservationInput, parseModelObservation } from "../../contract/types.ts";
import { analyzeThroughput, type ReplicaDecodeSignal } from "./analyze.ts";
import { decodeDemand, queueDecodeDemand, replicaDecodeSupply } from "./capacity.ts";
import { DEFAULT_THROUGHPUT_CONFIG } from "./config.ts";
import { EMPTY_THROUGHPUT_STATE, type ThroughputState } from "./window.ts";

const A = 0.073;
const B = 0.006;
const KV = 100_000;

Deno.test("decode supply, demand and queue demand", async (t) => {
  await t.step("μ_dec = N(k*)/ITL(k*): 100k KV tokens, 600 per request, WVA's line", () => {
    const s = replicaDecodeSupply(KV, 600, { a: A, b: B }, 0.85);
    assert.ok(Math.abs(s.inFlight - (0.85 * KV) / 600) < 1e-9);
    assert.ok(Math.abs(s.itlSec - 0.06805) < 1e-12);
    assert.ok(Math.abs(s.tokensPerSec - 141.6666667 / 0.06805) < 1e-6);
  });
  await t.step("no KV size or no shape → 0", () => {
    assert.equal(replicaDecodeSupply(0, 600, { a: A, b: B }, 0.85).tokensPerSec, 0);
    assert.equal(replicaDecodeSupply(KV, 0, { a: A, b: B }, 0.85).tokensPerSec, 0);
  });
  await t.step("λ_dec = 2 req/s × 200 tokens = 400 tokens/s", () => {
    assert.equal(decodeDemand(2, 200), 400);
  });
  await t.step("10 queued requests drain in 2 × ITL(k*)", () => {
    assert.ok(Math.abs(queueDecodeDemand(10, 0.06805, 2) - 10 / 0.1361) < 1e-9);
    assert.equal(queueDecodeDemand(0, 0.06805, 2), 0);
  });
});

function obs(
  ready: number,
  ks: readonly number[],
  load?: ModelObservationInput["load"],
  extra: Partial<ModelObservationInput> = {},
) {
  return parseModelObservation({
    modelId: "m",
    namespace: "ns",
    ...(load ? { load } : {}),
    ...extra,
    variants: [{
      name: "a100",
      accelerator: "A100",
      costPerReplica: 40,
      currentReplicas: ready + 1,
      readyReplicas: ready,
      pendingReplicas: 1,
      replicas: ks.map((k, i) => ({
        replicaId: `p${i}`,
        kvUsage01: k,
        queueLength: 0,
        runningRequests: 1,
        kvCapacityTokens: KV,
      })),
    }],
  });
}

function decode(ks: readonly number[]): Record<string, ReplicaDecodeSignal> {
  return Object.fromEntries(ks.map((k, i) => [`p${i}`, { itlSec: A * k + B }]));
}

const LOAD = { arrivalRatePerSec: 20, avgInputTokens: 500, avgOutputTokens: 200 };

Deno.test("analyzeThroughput() learns the ITL line over cycles and sizes capacity in tokens/s", async (t) => {
  let state: ThroughputState = EMPTY_THROUGHPUT_STATE;
  const cycles = [[0.2, 0.3], [0.4, 0.5], [0.6, 0.7], [0.8, 0.25], [0.35, 0.45]];
  let last;
  for (const [i, ks] of cycles.entries()) {
    last = analyzeThroughput(obs(2, ks, LOAD), { nowMs: i * 30_000, state, decode: decode(ks) });
    state = last.state;
    const v = last.analysis.variants[0]!;
    const tier = v.steps.at(-1)!.values.tier;
    await t.step(`cycle ${i + 1}: ${(i + 1) * 2} samples → tier ${tier}`, () => {
      assert.equal(tier, (i + 1) * 2 >= 10 ? "ols" : "pinned");
    });
  }
  const a = last!.analysis;
  const v = a.variants[0]!;
  await t.step("the fit is WVA's line, B remembered in the state", () => {
    assert.ok(Math.abs(Number(v.steps.at(-1)!.values.a) - A) < 1e-6);
    assert.ok(Math.abs(Number(v.steps.at(-1)!.values.b) - B) < 1e-6);
    assert.ok(Math.abs(Object.values(state.variants)[0]!.fittedB! - B) < 1e-12);
  });
  await t.step("PRC, supply, demand, RC and SC", () => {
    const prc = (0.85 * KV / 600) / (A * 0.85 + B);
    assert.equal(a.analyzer, "throughput");
    assert.equal(a.unit, "tokens/s");
    assert.ok(Math.abs(v.perReplicaCapacity - prc) < 1e-3);
    assert.ok(Math.abs(a.totalSupply - 2 * prc) < 1e-3);
    assert.ok(Math.abs(a.totalAnticipatedSupply - 3 * prc) < 1e-3);
    assert.equal(a.totalDemand, 4000);
    assert.ok(Math.abs(a.requiredCapacity - Math.max(0, 4000 / 0.85 - 3 * prc)) < 1e-3);
    assert.ok(Math.abs(a.spareCapacity - Math.max(0, 2 * prc - 4000 / 0.7)) < 1e-3);
  });
});

Deno.test("analyzeThroughput(): demand sources, thresholds and missing data", async (t) => {
  const ks = [0.5, 0.6];
  const prc = (0.85 * KV / 600) / (A * 0.85 + B);
  const cases: {
    name: string;
    obs: ReturnType<typeof obs>;
    want: { demand?: number; rc?: number; sc?: number; hasData?: boolean; source?: string };
  }[] = [
    {
      name: "heavy load → RC > 0",
      obs: obs(2, ks, { ...LOAD, arrivalRatePerSec: 40 }),
      want: { demand: 8000, rc: 8000 / 0.85 - 3 * prc, sc: 0, source: "arrival" },
    },
    {
      name: "light load → SC > 0",
      obs: obs(2, ks, { ...LOAD, arrivalRatePerSec: 1 }),
      want: { demand: 200, rc: 0, sc: 2 * prc - 200 / 0.7, source: "arrival" },
    },
    {
      name: "no completions yet → what the busy replicas decode",
      obs: obs(2, ks, { ...LOAD, arrivalRatePerSec: 0 }),
      want: {
        demand: ks.reduce((s, k) => s + (k * KV / 600) / (A * k + B), 0),
        source: "busy-replicas",
      },
    },
    {
      name: "upstream queue adds requests / (2 × ITL(k*))",
      obs: obs(2, ks, LOAD, { schedulerQueue: { requests: 10 } }),
      want: { demand: 4000 + 10 / (2 * (A * 0.85 + B)) },
    },
    { name: "no request shape → no data", obs: obs(2, ks), want: { hasData: false, demand: 0 } },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      // B pinned at the baseline and exact samples give WVA's line on the first cycle.
      const r = analyzeThroughput(c.obs, { nowMs: 0, decode: decode(ks) }).analysis;
      const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-6, `${x} vs ${y}`);
      if (c.want.demand !== undefined) close(r.totalDemand, c.want.demand);
      if (c.want.rc !== undefined) close(r.requiredCapacity, c.want.rc);
      if (c.want.sc !== undefined) close(r.spareCapacity, c.want.sc);
      if (c.want.hasData !== undefined) assert.equal(r.variants[0]!.hasData, c.want.hasData);
      if (c.want.source) {
        assert.equal(
          r.steps.find((s) => s.rule === "throughput.demand")?.values.source,
          c.want.source,
        );
      }
    });
  }
  await t.step("no KV size → no data", () => {
    const o = parseModelObservation({
      ...obs(1, [0.5], LOAD),
      variants: [{
        ...obs(1, [0.5], LOAD).variants[0]!,
        replicas: [{ replicaId: "p0", kvUsage01: 0.5, queueLength: 0, runningRequests: 1 }],
      }],
    });
    const r = analyzeThroughput(o, { nowMs: 0, decode: decode([0.5]) }).analysis;
    assert.equal(r.variants[0]!.hasData, false);
    assert.match(r.variants[0]!.steps.at(-1)!.message, /KV size unknown/);
  });
  await t.step("thresholds from the config", () => {
    const r = analyzeThroughput(obs(2, ks, LOAD), {
      nowMs: 0,
      decode: decode(ks),
      config: {
        ...DEFAULT_THROUGHPUT_CONFIG,
        scaleUpThreshold: 0.5,
        scaleDownBoundary: 0.4,
      },
    }).analysis;
    assert.ok(Math.abs(r.requiredCapacity - Math.max(0, 4000 / 0.5 - 3 * prc)) < 1e-6);
  });
});
