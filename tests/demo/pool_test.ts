/**
 * The local pool with real emulator servers: readiness only after the loading delay, the GPU
 * inventory, drain-before-removal, and the two cycle ports it implements.
 */
import assert from "node:assert/strict";
import { createLocalPool } from "../../src/adapters/local/pool.ts";
import type { PoolEvent } from "../../src/adapters/local/status.ts";
import type { CycleReport } from "../../src/core/contract/ports.ts";
import { fastVariant, sseSummary, streamChat, until } from "./helpers.ts";

Deno.test("local pool: a replica is ready only after the loading delay", async () => {
  const events: PoolEvent[] = [];
  const pool = createLocalPool({
    variants: [fastVariant("a")],
    loadingDelayMs: 700,
    probeIntervalMs: 50,
    onEvent: (e) => events.push(e),
  });
  try {
    pool.start();
    const [r] = pool.replicas();
    assert.equal(r!.state, "loading");
    assert.equal(pool.routable().length, 0);
    await until(() => pool.replicas()[0]!.url !== "", 2000, "the server to bind");
    const early = await fetch(`${pool.replicas()[0]!.url}/health/ready`);
    await early.body?.cancel();
    assert.equal(early.status, 503, "the model is still loading");
    assert.equal(await pool.whenReady(5000), true);
    const ready = pool.replicas()[0]!;
    assert.equal(ready.state, "ready");
    assert.ok(
      ready.readyAtMs! - ready.createdAtMs >= 650,
      `ready after ${ready.readyAtMs! - ready.createdAtMs} ms`,
    );
    assert.deepEqual(events.map((e) => e.kind), ["scaled", "replica-starting", "replica-ready"]);
    const snap = await pool.snapshot(0);
    assert.deepEqual(
      [
        snap.variants[0]!.currentReplicas,
        snap.variants[0]!.readyReplicas,
        snap.variants[0]!.pendingReplicas,
      ],
      [1, 1, 0],
    );
  } finally {
    await pool.close();
  }
});

Deno.test("local pool: the GPU inventory caps replicas; the rest wait until GPUs free up", async () => {
  const pool = createLocalPool({
    variants: [fastVariant("a", { initialReplicas: 1 }), fastVariant("b", { initialReplicas: 1 })],
    inventory: { A100: 3 },
    loadingDelayMs: 0,
    probeIntervalMs: 50,
  });
  try {
    pool.start();
    pool.scale("a", 4);
    const byName = () => Object.fromEntries(pool.variants().map((v) => [v.spec.name, v]));
    assert.equal(byName().a!.loading + byName().a!.ready, 2, "3 GPUs: b holds one, a gets two");
    assert.equal(byName().a!.unschedulable, 2);
    const snap = await pool.snapshot(0);
    const a = snap.variants.find((v) => v.name === "a")!;
    assert.deepEqual([a.currentReplicas, a.pendingReplicas], [4, 4], "2 loading + 2 unschedulable");
    assert.deepEqual(snap.inventory, { A100: 3 });
    await until(() => byName().a!.ready === 2 && byName().b!.ready === 1, 5000, "ready replicas");
    pool.scale("b", 0); // b drains, frees its GPU, and one waiting replica of a starts
    await until(
      () => byName().b!.draining === 0 && byName().a!.ready === 3,
      5000,
      "a to get b's GPU",
    );
    assert.equal(byName().a!.unschedulable, 1);
    assert.equal(byName().a!.gpusHeld + byName().b!.gpusHeld, 3);
  } finally {
    await pool.close();
  }
});

Deno.test("local pool: a removed replica leaves the router first, finishes in-flight work, then stops", async () => {
  const events: PoolEvent[] = [];
  const busy = new Map<string, number>();
  const pool = createLocalPool({
    variants: [fastVariant("a", { initialReplicas: 2, emulator: { alphaMs: 40, betaMs: 0 } })],
    loadingDelayMs: 0,
    probeIntervalMs: 50,
    onEvent: (e) => events.push(e),
    outstanding: (id) => busy.get(id) ?? 0,
  });
  try {
    pool.start();
    assert.equal(await pool.whenReady(5000), true);
    const [victim, keeper] = pool.routable();
    busy.set(keeper!.id, 5); // the least busy replica is removed: make it the victim
    const inflight = streamChat(victim!.url, 25).then((r) => r.text()); // ≈ 1 s of decoding
    await new Promise((r) => setTimeout(r, 150));
    pool.scale("a", 1);
    assert.equal(pool.stateOf(victim!.id), "draining");
    assert.deepEqual(pool.routable().map((r) => r.id), [keeper!.id], "out of the router at once");
    const refused = await streamChat(victim!.url, 1);
    await refused.body?.cancel();
    assert.equal(refused.status, 503, "a draining replica refuses new requests");
    const sse = sseSummary(await inflight);
    assert.deepEqual(sse, { tokens: 25, done: true }, "the in-flight request finished whole");
    await until(() => pool.stateOf(victim!.id) === "stopped", 5000, "the victim to stop");
    const mine = events.filter((e) => e.replica === victim!.id).map((e) => e.kind);
    assert.deepEqual(mine, [
      "replica-starting",
      "replica-ready",
      "replica-draining",
      "replica-stopped",
    ]);
    const [status] = pool.variants();
    assert.deepEqual([status!.ready, status!.draining, status!.gpusHeld], [1, 0, 1]);
  } finally {
    await pool.close();
  }
});

Deno.test("local pool: apply() resizes variants from a cycle report", async () => {
  const pool = createLocalPool({
    variants: [fastVariant("a", { initialReplicas: 0 })],
    loadingDelayMs: 0,
    probeIntervalMs: 50,
  });
  try {
    pool.start();
    const outcome = (name: string, desired: number | undefined) => ({
      namespace: "demo",
      name,
      modelId: "m",
      accelerator: "A100",
      gpusPerReplica: 1,
      costPerReplica: 10,
      minReplicas: 0,
      maxReplicas: 8,
      currentReplicas: 0,
      readyReplicas: 0,
      desiredReplicas: desired,
      reason: "scale-up",
      steps: [],
      metrics: undefined,
      conditions: [],
    });
    const report: CycleReport = {
      nowMs: 0,
      models: [],
      variants: [outcome("a", 2), outcome("ghost", 1), outcome("a", undefined)],
    };
    const r = await pool.apply(report);
    assert.equal(r.applied, 1);
    assert.deepEqual(r.errors.map((e) => e.variant), ["ghost"]);
    assert.equal(pool.variants()[0]!.desired, 2);
    assert.equal(await pool.whenReady(5000), true);
    assert.equal(pool.routable().length, 2);
  } finally {
    await pool.close();
  }
});
