/**
 * The contract of the `MetricsSource` port (src/core/contract/ports.ts), as one suite that every
 * adapter runs (metrics_source_test.ts: memory, direct scrape, Prometheus). Like hono's
 * `common.case.test.ts`, the suite is a function taking a factory: the factory builds a world in
 * which the replicas of {@linkcode METRICS_FIXTURE} report their numbers, and the suite asks the
 * source what a cycle asks.
 *
 * What every source must do:
 * - answer every requested model exactly once, by namespace and model id, and never throw for a
 *   model it has no data for (no replica, no error);
 * - report each replica of the model under its pod name, with the KV usage, queue length,
 *   running requests and cache configuration it exported, and the variant when it knows it;
 * - stamp samples with when they were taken, close to the request's `nowMs`;
 * - never report a replica of another model or another namespace under a model;
 * - once it can no longer read its backend, still resolve, and report nothing newer than the
 *   outage: the model carries `error`, or its samples keep their old times.
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  MetricsRequest,
  MetricsSource,
  ModelMetrics,
  ReplicaSample,
} from "../../src/core/contract/ports.ts";
import type { VllmValues } from "./helpers/fake_vllm.ts";

/** One replica of the world: where it runs and what it reports. */
export interface ReplicaFixture extends VllmValues {
  readonly namespace: string;
  readonly variant: string;
  /** Pod name: the replica id a cycle matches samples on. */
  readonly pod: string;
}

/** Two namespaces, the same model id in both, two models in one, values that differ everywhere. */
export const METRICS_FIXTURE: readonly ReplicaFixture[] = [
  {
    namespace: "team-a",
    modelId: "llama",
    variant: "llama-a100",
    pod: "llama-a100-0",
    kvUsage01: 0.25,
    queueLength: 2,
    runningRequests: 3,
    numGpuBlocks: 1000,
    blockSize: 16,
  },
  {
    namespace: "team-a",
    modelId: "llama",
    variant: "llama-a100",
    pod: "llama-a100-1",
    kvUsage01: 0.75,
    queueLength: 0,
    runningRequests: 5,
    numGpuBlocks: 1000,
    blockSize: 16,
  },
  {
    namespace: "team-a",
    modelId: "mistral",
    variant: "mistral-h100",
    pod: "mistral-h100-0",
    kvUsage01: 0.5,
    queueLength: 1,
    runningRequests: 1,
    numGpuBlocks: 2048,
    blockSize: 16,
  },
  {
    namespace: "team-b",
    modelId: "llama",
    variant: "llama-l4",
    pod: "llama-l4-0",
    kvUsage01: 0.125,
    queueLength: 4,
    runningRequests: 2,
    numGpuBlocks: 512,
    blockSize: 32,
  },
];

/** A source over a world where the fixture's replicas report. */
export interface MetricsWorld {
  readonly source: MetricsSource;
  /** Resolves once the source can see every replica (e.g. Prometheus has scraped them). */
  ready(): Promise<void>;
  /** Takes the source's backend away (Prometheus stopped, replicas unreachable). */
  breakSource(): Promise<void>;
  close(): Promise<void>;
}

/** Builds a world for the fixture. */
export type MetricsSourceFactory = (fixture: readonly ReplicaFixture[]) => Promise<MetricsWorld>;

const IDLE = { namespace: "team-a", modelId: "idle", variant: "idle-a100" };

/** The request a cycle makes for the fixture, plus a model without any replica. */
export function fixtureRequest(fixture: readonly ReplicaFixture[], nowMs: number): MetricsRequest {
  const models = new Map<
    string,
    { namespace: string; modelId: string; pods: Map<string, string[]> }
  >();
  for (const r of [...fixture, { ...IDLE, pod: "" }]) {
    const key = `${r.namespace}/${r.modelId}`;
    const m = models.get(key) ?? { namespace: r.namespace, modelId: r.modelId, pods: new Map() };
    const pods = m.pods.get(r.variant) ?? [];
    if (r.pod) pods.push(r.pod);
    m.pods.set(r.variant, pods);
    models.set(key, m);
  }
  return {
    nowMs,
    models: [...models.values()].map((m) => ({
      namespace: m.namespace,
      modelId: m.modelId,
      variants: [...m.pods].map(([name, replicaIds]) => ({ name, replicaIds })),
    })),
  };
}

function answerFor(answers: readonly ModelMetrics[], namespace: string, modelId: string) {
  const found = answers.filter((a) => a.namespace === namespace && a.modelId === modelId);
  assert.equal(found.length, 1, `one answer for ${namespace}/${modelId}`);
  return found[0]!;
}

function assertReplica(s: ReplicaSample, f: ReplicaFixture): void {
  assert.equal(s.kvUsage01, f.kvUsage01, `${f.pod} KV usage`);
  assert.equal(s.queueLength, f.queueLength, `${f.pod} queue length`);
  assert.equal(s.runningRequests, f.runningRequests, `${f.pod} running requests`);
  assert.equal(s.numGpuBlocks, f.numGpuBlocks, `${f.pod} GPU blocks`);
  assert.equal(s.blockSize, f.blockSize, `${f.pod} block size`);
  if (s.variant !== undefined) assert.equal(s.variant, f.variant, `${f.pod} variant`);
}

/** Runs the contract against one adapter. */
export async function metricsSourceContract(
  t: Deno.TestContext,
  factory: MetricsSourceFactory,
): Promise<void> {
  const fixture = METRICS_FIXTURE;
  const world = await factory(fixture);
  try {
    await world.ready();
    const nowMs = Date.now();
    const request = fixtureRequest(fixture, nowMs);
    const answers = await world.source.collect(request);
    await t.step("one answer per requested model, none for others", () => {
      const keys = answers.map((a) => `${a.namespace}/${a.modelId}`).sort();
      assert.deepEqual(keys, request.models.map((m) => `${m.namespace}/${m.modelId}`).sort());
    });
    await t.step("each replica under its pod name, with the numbers it exported", () => {
      for (const m of request.models) {
        const a = answerFor(answers, m.namespace, m.modelId);
        assert.equal(a.error, undefined, `${m.namespace}/${m.modelId}: ${a.error}`);
        const want = fixture.filter((f) => f.namespace === m.namespace && f.modelId === m.modelId);
        assert.deepEqual(a.replicas.map((r) => r.replicaId).sort(), want.map((f) => f.pod).sort());
        for (const f of want) assertReplica(a.replicas.find((r) => r.replicaId === f.pod)!, f);
      }
    });
    await t.step("a model without replicas: no replica, no error", () => {
      const idle = answerFor(answers, IDLE.namespace, IDLE.modelId);
      assert.deepEqual([idle.replicas, idle.error], [[], undefined]);
    });
    await t.step("samples are stamped with when they were taken, close to nowMs", () => {
      for (const s of answers.flatMap((a) => a.replicas)) {
        assert.ok(s.sampleMs !== undefined, `${s.replicaId} has a sample time`);
        const ageMs = nowMs - s.sampleMs;
        assert.ok(ageMs >= -2_000 && ageMs <= 15_000, `${s.replicaId} sampled ${ageMs} ms ago`);
      }
    });
    await t.step("an outage: the source still answers, with nothing newer than it", async () => {
      await world.breakSource();
      const brokeAtMs = Date.now();
      const after = await world.source.collect(fixtureRequest(fixture, brokeAtMs + 1_000));
      assert.equal(after.length, request.models.length);
      for (const a of after) {
        const fresh = a.replicas.filter((s) => s.sampleMs !== undefined && s.sampleMs >= brokeAtMs);
        assert.ok(
          a.error !== undefined || fresh.length === 0,
          `${a.namespace}/${a.modelId}: ${JSON.stringify(a)}`,
        );
      }
    });
  } finally {
    await world.close();
  }
}
