/**
 * The contract of the `ClusterReader` and `DecisionSink` ports (src/core/contract/ports.ts), as
 * one suite that every backend runs (cluster_test.ts: memory, the local replica pool, Kubernetes
 * on a real apiserver). The suite is a function taking a factory, as hono's
 * `common.case.test.ts`: the factory builds a cluster holding {@linkcode CLUSTER_FIXTURE}, and
 * the suite reads and applies what a cycle reads and applies. Reports are made by the core's own
 * outcome functions from the backend's snapshot, so whatever the snapshot echoes (scale target,
 * stored object) reaches the sink as it does in a cycle.
 *
 * What every backend must do:
 * - list every variant with its definition (model, accelerator, GPUs and cost per replica,
 *   bounds), none of them blocked;
 * - count replicas consistently: ready + pending = current, ready ≤ current, one id per
 *   replica once they are ready; the replicas asked for become ready;
 * - report the GPU inventory of the accelerators it has;
 * - apply a report: every served outcome is applied, without errors, and later snapshots show
 *   the desired count (up and down); applying the same report again changes nothing;
 * - skip an excluded outcome (no desired count) without error, and survive an outcome for a
 *   variant it does not have (it may report an error, never throws, touches nothing else).
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  ClusterReader,
  ClusterSnapshot,
  CycleReport,
  DecisionSink,
  VariantSnapshot,
} from "../../src/core/contract/ports.ts";
import type { GpuInventory } from "../../src/core/contract/gpus.ts";
import { excludedOutcome, servedOutcome } from "../../src/core/cycle/outcomes.ts";
import { waitFor } from "../helpers/testcluster.ts";

/** One variant of the fixture. */
export interface VariantFixture {
  readonly namespace: string;
  readonly name: string;
  readonly modelId: string;
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly costPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Replicas it starts with. */
  readonly replicas: number;
}

/** The variants and the GPUs of a cluster. */
export interface ClusterFixture {
  readonly variants: readonly VariantFixture[];
  readonly inventory: GpuInventory;
}

/** Two variants of one model on two accelerators, GPUs to spare. */
export const CLUSTER_FIXTURE: ClusterFixture = {
  variants: [
    {
      namespace: "llm",
      name: "chat-a100",
      modelId: "chat",
      accelerator: "A100",
      gpusPerReplica: 1,
      costPerReplica: 40,
      minReplicas: 1,
      maxReplicas: 4,
      replicas: 2,
    },
    {
      namespace: "llm",
      name: "chat-h100",
      modelId: "chat",
      accelerator: "H100",
      gpusPerReplica: 2,
      costPerReplica: 90,
      minReplicas: 1,
      maxReplicas: 3,
      replicas: 1,
    },
  ],
  inventory: { A100: 8, H100: 8 },
};

/** A cluster reader and a sink over a world holding the fixture. */
export interface ClusterWorld {
  readonly cluster: ClusterReader;
  readonly sink: DecisionSink;
  close(): Promise<void>;
}

/** Builds a world for the fixture. */
export type ClusterFactory = (fixture: ClusterFixture) => Promise<ClusterWorld>;

const METRICS_OK = {
  available: true,
  reason: "MetricsFound",
  message: "fixture",
  freshReplicas: 1,
  staleReplicas: 0,
};

/**
 * The report a cycle would make from `snapshot` with the given desired counts (a variant not
 * named keeps its current count; `undefined` excludes it).
 */
export function reportOf(
  snapshot: ClusterSnapshot,
  desired: Readonly<Record<string, number | undefined>> = {},
): CycleReport {
  const variants = snapshot.variants.map((v) => {
    if (v.name in desired && desired[v.name] === undefined) {
      const problem = {
        condition: "ConfigValid",
        reason: "InvalidSpec",
        message: "fixture",
        blocking: true,
      };
      return excludedOutcome({ ...v, problems: [...v.problems, problem] });
    }
    const target = desired[v.name] ?? v.currentReplicas;
    return servedOutcome(
      v,
      {
        variant: v.name,
        accelerator: v.accelerator,
        gpusPerReplica: v.gpusPerReplica,
        costPerReplica: v.costPerReplica,
        currentReplicas: v.currentReplicas,
        targetReplicas: target,
        reason: target > v.currentReplicas
          ? "scale-up"
          : target < v.currentReplicas
          ? "scale-down"
          : "hold",
        steps: [],
      },
      METRICS_OK,
      undefined,
    );
  });
  return { nowMs: Date.now(), models: [], variants };
}

const byName = (s: ClusterSnapshot, name: string): VariantSnapshot | undefined =>
  s.variants.find((v) => v.name === name);

/** Polls snapshots until `check` accepts one (backends with watches and pods take a while). */
function settled(
  world: ClusterWorld,
  what: string,
  check: (s: ClusterSnapshot) => boolean,
): Promise<ClusterSnapshot> {
  return waitFor(what, async () => {
    const s = await world.cluster.snapshot(Date.now());
    return check(s) ? s : undefined;
  }, { timeoutMs: 90_000, intervalMs: 200 });
}

function assertCounts(v: VariantSnapshot): void {
  assert.equal(
    v.readyReplicas + v.pendingReplicas,
    v.currentReplicas,
    `${v.name}: ready + pending`,
  );
  assert.ok(v.readyReplicas <= v.currentReplicas, `${v.name}: ready ≤ current`);
}

const readyAt = (s: ClusterSnapshot, counts: Readonly<Record<string, number>>) =>
  Object.entries(counts).every(([name, n]) => {
    const v = byName(s, name);
    return v !== undefined && v.currentReplicas === n && v.readyReplicas === n;
  });

/** Runs the contract against one backend. */
export async function clusterContract(t: Deno.TestContext, factory: ClusterFactory): Promise<void> {
  const fixture = CLUSTER_FIXTURE;
  const world = await factory(fixture);
  const initial = Object.fromEntries(fixture.variants.map((f) => [f.name, f.replicas]));
  try {
    const first = await settled(world, "the fixture's replicas ready", (s) => readyAt(s, initial));
    await t.step("every variant with its definition, none blocked", () => {
      assert.deepEqual(
        first.variants.map((v) => v.name).sort(),
        fixture.variants.map((f) => f.name).sort(),
      );
      for (const f of fixture.variants) {
        const v = byName(first, f.name)!;
        const got = [v.namespace, v.modelId, v.accelerator, v.gpusPerReplica, v.costPerReplica];
        assert.deepEqual(got, [
          f.namespace,
          f.modelId,
          f.accelerator,
          f.gpusPerReplica,
          f.costPerReplica,
        ]);
        assert.deepEqual([v.minReplicas, v.maxReplicas], [f.minReplicas, f.maxReplicas]);
        assert.deepEqual(v.problems.filter((p) => p.blocking), [], f.name);
      }
    });
    await t.step("replicas: ready + pending = current, one id per ready replica", () => {
      for (const v of first.variants) {
        assertCounts(v);
        assert.equal(new Set(v.replicaIds).size, v.currentReplicas, `${v.name}: ${v.replicaIds}`);
      }
    });
    await t.step("the GPU inventory of the fixture's accelerators", () => {
      for (const [acc, gpus] of Object.entries(fixture.inventory)) {
        assert.equal(first.inventory?.[acc], gpus, acc);
      }
    });
    await t.step("a scale-up is applied and later snapshots show it", async () => {
      const r = await world.sink.apply(reportOf(first, { "chat-a100": 3 }));
      assert.deepEqual([r.applied, r.errors], [first.variants.length, []]);
      const s = await settled(
        world,
        "chat-a100 at 3",
        (s) => readyAt(s, { ...initial, "chat-a100": 3 }),
      );
      s.variants.forEach(assertCounts);
    });
    await t.step("a scale-down too; applying the same report again changes nothing", async () => {
      const now = await world.cluster.snapshot(Date.now());
      const report = reportOf(now, { "chat-a100": 1 });
      assert.deepEqual((await world.sink.apply(report)).errors, []);
      await settled(world, "chat-a100 at 1", (s) => readyAt(s, { ...initial, "chat-a100": 1 }));
      assert.deepEqual((await world.sink.apply(report)).errors, []);
      const again = await world.cluster.snapshot(Date.now());
      assert.ok(readyAt(again, { ...initial, "chat-a100": 1 }), JSON.stringify(again.variants));
    });
    await t.step("an excluded outcome is skipped without error", async () => {
      const now = await world.cluster.snapshot(Date.now());
      const r = await world.sink.apply(reportOf(now, { "chat-h100": undefined }));
      assert.deepEqual([r.applied, r.errors], [now.variants.length - 1, []]);
      assert.equal(
        byName(await world.cluster.snapshot(Date.now()), "chat-h100")?.currentReplicas,
        1,
      );
    });
    await t.step(
      "an outcome for a variant it does not have: no throw, nothing else moves",
      async () => {
        const now = await world.cluster.snapshot(Date.now());
        const ghost = {
          ...byName(now, "chat-h100")!,
          name: "ghost",
          scaleTarget: undefined,
          object: undefined,
        };
        const r = await world.sink.apply(reportOf({ variants: [ghost] }, { ghost: 2 }));
        assert.ok(r.errors.every((e) => e.variant.endsWith("ghost")), JSON.stringify(r.errors));
        const after = await world.cluster.snapshot(Date.now());
        assert.ok(readyAt(after, { ...initial, "chat-a100": 1 }), JSON.stringify(after.variants));
        assert.equal(byName(after, "ghost"), undefined);
      },
    );
  } finally {
    await world.close();
  }
}
