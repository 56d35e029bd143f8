/**
 * Warm by metrics (warm.ts): a replica Ready for less than the warm-up counts as pending — V1
 * holds the model — until it reports fresh metrics that show it serving; from then on it no
 * longer holds V1's scale-up, while scale-down still waits for the warm-up. Table tests on the
 * pure cycle; each row says what the cycle decided before the rule ("before: …").
 */
import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import type { ModelMetrics, ReplicaSample, VariantSnapshot } from "../contract/ports.ts";
import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../contract/settings.ts";
import type { ReplicaMetrics } from "../contract/types.ts";
import { decideCycle } from "./decide_cycle.ts";
import { warmedReplicas } from "./warm.ts";

const NOW = 1_000_000_000;

/** Variant `a`: a-0 warm, a-1 Ready within the warm-up (pending), a-2 when `loading`. */
function variant(over: Partial<VariantSnapshot> = {}): VariantSnapshot {
  return variantSnapshot({
    namespace: "ns",
    name: "a",
    costPerReplica: 10,
    currentReplicas: 2,
    readyReplicas: 1,
    pendingReplicas: 1,
    replicaIds: ["a-0", "a-1"],
    readyReplicaIds: ["a-0"],
    warmingReplicaIds: ["a-1"],
    ...over,
  });
}

function sample(id: string, kv: number, queue: number, running: number): ReplicaSample {
  return {
    replicaId: id,
    kvUsage01: kv,
    queueLength: queue,
    runningRequests: running,
    numGpuBlocks: 1000,
    blockSize: 16,
    sampleMs: NOW - 5_000,
  };
}

const SATURATED = sample("a-0", 0.9, 6, 40);

function decide(v: VariantSnapshot, replicas: readonly ReplicaSample[]) {
  const metrics: ModelMetrics = { modelId: "m", namespace: "ns", replicas };
  const r = decideCycle({ variants: [v] }, [metrics], {
    nowMs: NOW,
    settings: { ...DEFAULT_CYCLE_SETTINGS, analyzer: "saturation-v1" },
    state: EMPTY_CYCLE_STATE,
  });
  const out = r.report.variants[0]!;
  return {
    desired: out.desiredReplicas,
    reason: out.reason,
    rules: out.steps.map((x) => x.rule),
    report: r.report,
  };
}

Deno.test("V1 and a replica still warming up", async (t) => {
  const rows: {
    name: string;
    v?: VariantSnapshot;
    warming?: ReplicaSample;
    want: [number | undefined, string | undefined];
  }[] = [
    {
      name: "it has not reported yet: hold, as before",
      want: [2, "in-transition"],
    },
    {
      // before: 2, in-transition until 90 s after Ready
      name: "it reports serving and saturated too: +1",
      warming: sample("a-1", 0.85, 6, 40),
      want: [3, "scale-up"],
    },
    {
      // before: 2, in-transition
      name: "it reports serving with room: its spare counts, no scale-up",
      warming: sample("a-1", 0.3, 0, 10),
      want: [2, "hold"],
    },
    {
      name: "it reports but has served nothing yet: still warming",
      warming: sample("a-1", 0, 0, 0),
      want: [2, "in-transition"],
    },
    {
      name: "a backend that does not name its warming replicas: hold, as before",
      v: variant({ warmingReplicaIds: undefined }),
      warming: sample("a-1", 0.85, 6, 40),
      want: [2, "in-transition"],
    },
    {
      name: "the model has just come from zero (no warm replica): hold for the warm-up",
      v: variant({
        readyReplicas: 0,
        pendingReplicas: 2,
        readyReplicaIds: [],
        warmingReplicaIds: ["a-0", "a-1"],
      }),
      warming: sample("a-1", 0.85, 6, 40),
      want: [2, "in-transition"],
    },
    {
      name: "another replica still loading (not Ready): hold",
      v: variant({ currentReplicas: 3, pendingReplicas: 2, replicaIds: ["a-0", "a-1", "a-2"] }),
      warming: sample("a-1", 0.85, 6, 40),
      want: [3, "in-transition"],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const r = decide(row.v ?? variant(), [SATURATED, ...(row.warming ? [row.warming] : [])]);
      assert.deepEqual([r.desired, r.reason], row.want);
    });
  }
});

Deno.test("a warmed replica does not let V1 scale down before the warm-up has passed", () => {
  const light = [sample("a-0", 0.1, 0, 5), sample("a-1", 0.1, 0, 5)];
  const warmingUp = decide(variant(), light);
  // before: 2, in-transition
  assert.deepEqual([warmingUp.desired, warmingUp.reason], [2, "hold"]);
  assert.ok(warmingUp.rules.includes("v1.scale-down-blocked"), warmingUp.rules.join(", "));
  const warm = decide(
    variant({
      readyReplicas: 2,
      pendingReplicas: 0,
      readyReplicaIds: ["a-0", "a-1"],
      warmingReplicaIds: [],
    }),
    light,
  );
  assert.deepEqual([warm.desired, warm.reason], [1, "scale-down"]);
});

Deno.test("warmedReplicas() counts warming replicas that report serving", async (t) => {
  const m = (id: string, kv: number, q: number, run: number): ReplicaMetrics => ({
    replicaId: id,
    kvUsage01: kv,
    queueLength: q,
    runningRequests: run,
  });
  await t.step("running, waiting or KV in use each count as serving", () => {
    const v = variant({
      currentReplicas: 5,
      pendingReplicas: 4,
      replicaIds: ["a-0", "a-1", "a-2", "a-3", "a-4"],
      warmingReplicaIds: ["a-1", "a-2", "a-3", "a-4"],
    });
    const fresh = [m("a-1", 0, 0, 1), m("a-2", 0, 1, 0), m("a-3", 0.01, 0, 0), m("a-4", 0, 0, 0)];
    assert.equal(warmedReplicas(v, fresh, true), 3);
    assert.equal(warmedReplicas(v, fresh, false), 0, "the model has no warm replica");
  });
  await t.step("a warm replica's report or unnamed warming replicas count for nothing", () => {
    assert.equal(warmedReplicas(variant(), [m("a-0", 0.5, 0, 3)], true), 0);
    assert.equal(
      warmedReplicas(variant({ warmingReplicaIds: undefined }), [m("a-1", 0.5, 0, 3)], true),
      0,
    );
  });
});
