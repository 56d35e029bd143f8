import assert from "node:assert/strict";
import type { Allocation } from "./allocation.ts";
import { solveGreedy } from "./greedy.ts";
import { indexSystem, type SaturationPolicy, type ServerSpec, type SystemSpec } from "./system.ts";

const cand = (accelerator: string, numReplicas: number, value: number): Allocation => ({
  accelerator,
  numReplicas,
  maxBatch: 8,
  cost: value,
  value,
  servTimeMs: 0,
  waitTimeMs: 0,
  itlMs: 0,
  ttftMs: 0,
  rho: 0,
  maxArrvRatePerReplicaPerMs: 1,
  maxRpm: 60000,
});

const server = (name: string, cls: string): ServerSpec => ({
  name,
  serviceClass: cls,
  model: "m",
  keepAccelerator: false,
  minNumReplicas: 1,
  maxBatchSize: 0,
  currentAlloc: undefined,
  load: { arrivalRateRpm: 1, avgLength: 1, avgInTokens: 0, avgOutTokens: 1 },
});

function sys(servers: ServerSpec[], policy: SaturationPolicy = "None", delayed = false) {
  const spec: SystemSpec = {
    accelerators: [
      { name: "A100", type: "A", multiplicity: 1, cost: 1 },
      { name: "H100", type: "H", multiplicity: 2, cost: 1 },
    ],
    serviceClasses: [
      { name: "p1", model: "m", priority: 1, sloItlMs: 0, sloTtwMs: 0, sloTtftMs: 0, sloTps: 0 },
      { name: "p5", model: "m", priority: 5, sloItlMs: 0, sloTtwMs: 0, sloTtftMs: 0, sloTps: 0 },
    ],
    models: [
      {
        model: "m",
        accelerator: "A100",
        accCount: 1,
        alphaMs: 1,
        betaMs: 0,
        gammaMs: 0,
        deltaMs: 0,
        maxBatchSize: 8,
        atTokens: 0,
      },
      {
        model: "m",
        accelerator: "H100",
        accCount: 1,
        alphaMs: 1,
        betaMs: 0,
        gammaMs: 0,
        deltaMs: 0,
        maxBatchSize: 8,
        atTokens: 0,
      },
    ],
    servers,
    capacity: [{ type: "A", count: 4 }, { type: "H", count: 2 }],
    optimizer: {
      unlimited: false,
      saturationPolicy: policy,
      delayedBestEffort: delayed,
      model: "gen1",
    },
  };
  return indexSystem(spec);
}

Deno.test("solveGreedy() with no candidates leaves the capacity unchanged", () => {
  const r = solveGreedy(sys([server("x", "p1")], "RoundRobin"), new Map());
  assert.equal(r.allocations.size, 0);
  assert.deepEqual([...r.available], [["A", 4], ["H", 2]]);
});

Deno.test("solveGreedy() falls back to the next candidate; units count multiplicity", () => {
  const s = sys([server("big", "p1"), server("small", "p1")]);
  const r = solveGreedy(
    s,
    new Map([
      ["big", [cand("A100", 3, 10), cand("H100", 1, 30)]],
      ["small", [cand("A100", 2, 5), cand("H100", 1, 6)]],
    ]),
  );
  // δ big = 20 > δ small = 1: big first takes 3 A; small cannot get 2 A, falls back to H (2 units)
  assert.equal(r.allocations.get("big")!.accelerator, "A100");
  assert.equal(r.allocations.get("small")!.accelerator, "H100");
  assert.deepEqual([...r.available], [["A", 1], ["H", 0]]);
});

Deno.test("solveGreedy() serves priority 1 before priority 5 whatever the deltas", () => {
  const s = sys([server("low", "p5"), server("high", "p1")]);
  const r = solveGreedy(
    s,
    new Map([["low", [cand("A100", 4, 1)]], ["high", [cand("A100", 3, 1)]]]),
  );
  assert.ok(r.allocations.has("high"));
  assert.ok(!r.allocations.has("low"));
});

Deno.test("solveGreedy() best effort per group unless delayed", () => {
  const servers = [server("high", "p1"), server("low", "p5")];
  const cands = new Map([["high", [cand("A100", 5, 1)]], ["low", [cand("A100", 2, 1)]]]);
  const perGroup = solveGreedy(sys(servers, "PriorityExhaustive"), cands);
  // high does not fit (5 > 4) and gets 4 by best effort before the low group is tried
  assert.equal(perGroup.allocations.get("high")!.numReplicas, 4);
  assert.ok(!perGroup.allocations.has("low"));
  const delayed = solveGreedy(sys(servers, "PriorityExhaustive", true), cands);
  // delayed: low gets its 2 first, then high gets the 2 left by best effort
  assert.equal(delayed.allocations.get("low")!.numReplicas, 2);
  assert.equal(delayed.allocations.get("high")!.numReplicas, 2);
});
