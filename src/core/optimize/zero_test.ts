import assert from "node:assert/strict";
import { parseModelObservation } from "../contract/types.ts";
import type { DecisionStep } from "../contract/types.ts";
import { startWorking } from "./working.ts";
import { atZero, keepOneReplica, queuedRequests } from "./zero.ts";

const obs = (current: [number, number], extra: Record<string, unknown> = {}) =>
  parseModelObservation({
    modelId: "m",
    namespace: "ns",
    ...extra,
    variants: [
      {
        name: "dear",
        accelerator: "H100",
        costPerReplica: 75,
        currentReplicas: current[0],
        readyReplicas: current[0],
        maxReplicas: 4,
      },
      {
        name: "cheap",
        accelerator: "A100",
        costPerReplica: 40,
        currentReplicas: current[1],
        readyReplicas: current[1],
        maxReplicas: 4,
      },
    ],
  });

Deno.test("atZero() starts the cheapest variant with room only when requests wait", async (t) => {
  const cases = [
    {
      name: "nothing queued",
      queued: 0,
      budget: undefined,
      want: [0, 0],
      rule: "enforcer.at-zero",
    },
    {
      name: "3 queued",
      queued: 3,
      budget: undefined,
      want: [0, 1],
      rule: "enforcer.scale-from-zero",
    },
    {
      name: "3 queued, no A100 free: the dearer one",
      queued: 3,
      budget: { A100: 0 },
      want: [1, 0],
      rule: "enforcer.scale-from-zero",
    },
    {
      name: "3 queued, nothing free",
      queued: 3,
      budget: { A100: 0, H100: 0 },
      want: [0, 0],
      rule: "enforcer.scale-from-zero",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const ws = startWorking(obs([0, 0]).variants);
      const steps: DecisionStep[] = [];
      atZero(ws, steps, c.queued, c.budget ? { ...c.budget } : undefined);
      assert.deepEqual(ws.map((w) => w.target), c.want);
      assert.ok([...steps, ...ws.flatMap((w) => w.steps)].some((s) => s.rule === c.rule));
    });
  }
  await t.step("queuedRequests() reads the observation's gateway queue (0 when not read)", () => {
    assert.equal(queuedRequests(obs([0, 0])), 0);
    assert.equal(queuedRequests(obs([0, 0], { schedulerQueue: { requests: 5 } })), 5);
  });
});

Deno.test("keepOneReplica() keeps one replica for the model, on its cheapest variant", async (t) => {
  await t.step("targets adding up to 0: the cheapest gets 1", () => {
    const ws = startWorking(obs([1, 1]).variants);
    for (const w of ws) w.target = 0;
    keepOneReplica(ws, [], undefined);
    assert.deepEqual(ws.map((w) => [w.target, w.reason]), [[0, "hold"], [1, "clamped"]]);
  });
  await t.step("any replica left: nothing to do", () => {
    const ws = startWorking(obs([1, 0]).variants);
    keepOneReplica(ws, [], undefined);
    assert.deepEqual(ws.map((w) => w.target), [1, 0]);
  });
});
