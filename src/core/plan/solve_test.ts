import assert from "node:assert/strict";
import { solveSystem } from "./solve.ts";
import type { SaturationPolicy, ServerSpec, SystemSpec } from "./system.ts";

const server = (name: string, cls: string, rpm: number): ServerSpec => ({
  name,
  serviceClass: cls,
  model: "m",
  keepAccelerator: false,
  minNumReplicas: 1,
  maxBatchSize: 0,
  currentAlloc: undefined,
  load: { arrivalRateRpm: rpm, avgLength: 200, avgInTokens: 0, avgOutTokens: 200 },
});

function system(
  policy: SaturationPolicy,
  servers: ServerSpec[],
  a100 = 6,
  unlimited = false,
): SystemSpec {
  return {
    accelerators: [
      { name: "A100", type: "A", multiplicity: 1, cost: 40 },
      { name: "H100", type: "H", multiplicity: 1, cost: 75 },
    ],
    serviceClasses: [
      {
        name: "gold",
        model: "m",
        priority: 1,
        sloItlMs: 24,
        sloTtwMs: 500,
        sloTtftMs: 0,
        sloTps: 0,
      },
      {
        name: "free",
        model: "m",
        priority: 10,
        sloItlMs: 150,
        sloTtwMs: 1500,
        sloTtftMs: 0,
        sloTps: 0,
      },
    ],
    models: [
      {
        model: "m",
        accelerator: "A100",
        accCount: 1,
        alphaMs: 20.58,
        betaMs: 0.41,
        gammaMs: 0,
        deltaMs: 0,
        maxBatchSize: 16,
        atTokens: 0,
      },
      {
        model: "m",
        accelerator: "H100",
        accCount: 1,
        alphaMs: 9.5,
        betaMs: 0.2,
        gammaMs: 0,
        deltaMs: 0,
        maxBatchSize: 32,
        atTokens: 0,
      },
    ],
    servers,
    capacity: [{ type: "A", count: a100 }, { type: "H", count: 0 }],
    optimizer: { unlimited, saturationPolicy: policy, delayedBestEffort: false, model: "gen1" },
  };
}

const replicas = (s: ReturnType<typeof solveSystem>) =>
  Object.fromEntries(s.servers.map((x) => [x.server.name, x.allocation?.numReplicas ?? 0]));

Deno.test("solveSystem() with no servers allocates nothing", () => {
  const s = solveSystem(system("None", []));
  assert.deepEqual([s.servers, s.allocationByType, s.totalCost], [[], [], 0]);
});

Deno.test("solveSystem() unlimited: each server its cheapest candidate, totals per type", () => {
  const s = solveSystem(system("None", [server("g", "gold", 900)], 6, true));
  // A100: ⌈900 / 91.86⌉ = 10 × 40 = 400; H100: ⌈900 / 519.97⌉ = 2 × 75 = 150
  assert.equal(s.servers[0]!.allocation!.accelerator, "H100");
  assert.equal(s.servers[0]!.candidates, 2);
  assert.deepEqual(s.allocationByType, [{ type: "H", count: 2, limit: 0, cost: 150 }]);
  assert.equal(s.totalCost, 150);
});

Deno.test("solveSystem() limited: priority 1 first, then the saturation policy for the rest", async (t) => {
  const servers = [
    server("free1", "free", 3000),
    server("gold", "gold", 300),
    server("free2", "free", 3000),
  ];
  const cases: [SaturationPolicy, Record<string, number>][] = [
    ["None", { free1: 0, gold: 4, free2: 0 }],
    ["PriorityExhaustive", { free1: 2, gold: 4, free2: 0 }],
    ["PriorityRoundRobin", { free1: 1, gold: 4, free2: 1 }],
    ["RoundRobin", { free1: 1, gold: 4, free2: 1 }],
  ];
  for (const [policy, want] of cases) {
    await t.step(policy, () => {
      const s = solveSystem(system(policy, servers));
      assert.deepEqual(replicas(s), want);
      const byType = s.allocationByType.find((x) => x.type === "A");
      assert.ok((byType?.count ?? 0) <= 6);
      for (const x of s.servers) {
        if (x.server.name !== "gold" && x.allocation) assert.equal(x.saturated, true);
      }
    });
  }
});

Deno.test("solveSystem() best effort scales cost by granted/needed", () => {
  const s = solveSystem(system("PriorityExhaustive", [server("free1", "free", 3000)], 3));
  const a = s.servers[0]!.allocation!;
  assert.equal(a.numReplicas, 3);
  assert.ok(Math.abs(a.cost - 120) < 1e-3);
});
