import assert from "node:assert/strict";
import { parseModelObservation, type VariantObservationSchema } from "../contract/types.ts";
import type { z } from "zod";
import { DEFAULT_SATURATION_CONFIG } from "./saturation_config.ts";
import { analyzeSaturationV1, replicaStateV1, spareAfterRemoval } from "./saturation_v1.ts";

type VariantInput = z.input<typeof VariantObservationSchema>;

/** A model whose variants report (kvUsage01, queueLength) per replica. */
function modelWith(variants: Record<string, [number, number][]>) {
  const vs: VariantInput[] = Object.entries(variants).map(([name, reps]) => ({
    name,
    accelerator: "A100",
    costPerReplica: 10,
    currentReplicas: reps.length,
    readyReplicas: reps.length,
    replicas: reps.map(([u, q], i) => ({
      replicaId: `${name}-${i}`,
      kvUsage01: u,
      queueLength: q,
      runningRequests: 1,
    })),
  }));
  return parseModelObservation({ modelId: "m", namespace: "ns", variants: vs });
}

const cfg = DEFAULT_SATURATION_CONFIG;

Deno.test("analyzeSaturationV1() signals match model.md §13.4 (0.80 / 5 / 0.10 / 3)", async (t) => {
  const cases: { replicas: [number, number][]; up: boolean; downSafe: boolean; why: string }[] = [
    { replicas: [[0.75, 2], [0.76, 2]], up: true, downSafe: false, why: "KV spare 0.045 < 0.10" },
    { replicas: [[0.5, 3], [0.5, 3]], up: true, downSafe: false, why: "queue spare 2 < 3" },
    {
      replicas: [[0.5, 1], [0.5, 1]],
      up: false,
      downSafe: false,
      why: "spare fine; 0.3 → −0.2 KV after removal",
    },
    {
      replicas: [[0.2, 1], [0.3, 1], [0.25, 1]],
      up: false,
      downSafe: true,
      why: "KV 0.425, queue 3.5 after",
    },
    { replicas: [[0.7, 2], [0.75, 2]], up: true, downSafe: false, why: "KV load 0.725 → 1.45" },
    { replicas: [[0.5, 2]], up: false, downSafe: false, why: "a single non-saturated replica" },
  ];
  for (const c of cases) {
    await t.step(`${JSON.stringify(c.replicas)}: ${c.why}`, () => {
      const a = analyzeSaturationV1(modelWith({ v: c.replicas }), cfg);
      assert.equal(a.scaleUp, c.up);
      assert.equal(a.scaleDownSafe, c.downSafe);
    });
  }
});

Deno.test("analyzeSaturationV1() averages spare over non-saturated replicas only", async (t) => {
  await t.step("(0.85,2), (0.50,6), (0.60,2): 2 saturated (KV, queue), 1 not", () => {
    const a = analyzeSaturationV1(modelWith({ v: [[0.85, 2], [0.5, 6], [0.6, 2]] }), cfg);
    assert.equal(a.totalReplicas, 3);
    assert.equal(a.nonSaturatedReplicas, 1);
    assert.ok(Math.abs(a.avgSpareKv01 - 0.2) < 1e-12);
    assert.equal(a.avgSpareQueue, 3);
    assert.match(a.steps[0]!.values.saturatedIds as string, /v-0:kv,v-1:queue/);
  });
  await t.step("all saturated: averages 0, scale-up, no scale-down", () => {
    const a = analyzeSaturationV1(modelWith({ v: [[0.85, 2], [0.5, 6], [0.9, 7]] }), cfg);
    assert.equal(a.avgSpareKv01, 0);
    assert.equal(a.avgSpareQueue, 0);
    assert.equal(a.scaleUp, true);
    assert.equal(a.scaleDownSafe, false);
  });
  await t.step("2 variants × 2 replicas below thresholds: 4 total, 4 non-saturated", () => {
    const a = analyzeSaturationV1(
      modelWith({ a: [[0.3, 1], [0.2, 0]], b: [[0.1, 0], [0.4, 2]] }),
      cfg,
    );
    assert.equal(a.totalReplicas, 4);
    assert.equal(a.nonSaturatedReplicas, 4);
  });
});

Deno.test("replicaStateV1() names the threshold reached; spareAfterRemoval() re-spreads the load", () => {
  const m = { replicaId: "r", kvUsage01: 0.8, queueLength: 5, runningRequests: 0 };
  assert.equal(replicaStateV1(m, "v", cfg).cause, "kv+queue");
  assert.ok(Math.abs(spareAfterRemoval(0.8, 0.55, 3) - 0.425) < 1e-12);
  assert.equal(spareAfterRemoval(5, 4, 3), 3.5);
  assert.equal(spareAfterRemoval(5, 4, 1), -Infinity);
});
