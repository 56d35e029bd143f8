import assert from "node:assert/strict";
import { ManualClock } from "../../runtime/clock.ts";
import { KubeApiError } from "./kube/errors.ts";
import { memoryKube } from "./kube/memory_kube.ts";
import { type LeaderElectionOptions, runLeaderElection } from "./leader.ts";

const LEASES = "/apis/coordination.k8s.io/v1/leases";
const LEASE_MS = 15_000;
const RETRY_MS = 2_000;

/** Lets the fake's promise chains run (they take more than a few microtasks). */
const settle = () => new Promise((r) => setTimeout(r, 0));

function candidate(
  kube: ReturnType<typeof memoryKube>,
  clock: ManualClock,
  identity: string,
  extra: Partial<LeaderElectionOptions> = {},
) {
  const ctrl = new AbortController();
  const log: string[] = [];
  const done = runLeaderElection({
    kube,
    namespace: "wva-system",
    name: "wva-leader",
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: 10_000,
    retryPeriodMs: RETRY_MS,
    clock,
    signal: ctrl.signal,
    onStartedLeading: () => log.push("started"),
    onStoppedLeading: () => log.push("stopped"),
    ...extra,
  });
  return { log, done, stop: () => ctrl.abort() };
}

const holder = (kube: ReturnType<typeof memoryKube>) =>
  (kube.get(LEASES, "wva-system", "wva-leader")?.spec as { holderIdentity?: string } | undefined)
    ?.holderIdentity;

async function advance(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += RETRY_MS) {
    await clock.advance(Math.min(RETRY_MS, ms - t));
    await settle();
  }
}

Deno.test("runLeaderElection() lets one candidate lead", async (t) => {
  const kube = memoryKube();
  const clock = new ManualClock(1_000_000);
  const a = candidate(kube, clock, "a");
  await settle();
  const b = candidate(kube, clock, "b");
  await settle();
  try {
    await t.step("the first creates the Lease and leads; the other stands by", () => {
      assert.equal(holder(kube), "a");
      assert.deepEqual([a.log, b.log], [["started"], []]);
    });
    await t.step("the leader renews; a standby never takes a renewed Lease", async () => {
      await advance(clock, 3 * LEASE_MS);
      assert.equal(holder(kube), "a");
      assert.deepEqual(b.log, []);
    });
    await t.step("stopping releases the Lease: the standby leads at its next retry", async () => {
      a.stop();
      await a.done;
      assert.deepEqual(a.log, ["started", "stopped"]);
      await advance(clock, RETRY_MS);
      assert.equal(holder(kube), "b");
      assert.deepEqual(b.log, ["started"]);
    });
  } finally {
    a.stop();
    b.stop();
    await Promise.all([a.done, b.done]);
  }
});

Deno.test("runLeaderElection() expiry and renew deadline, on the local clock", async (t) => {
  await t.step(
    "a holder that stopped renewing is taken over after the lease duration",
    async () => {
      const kube = memoryKube();
      const clock = new ManualClock(0);
      kube.put(LEASES, {
        metadata: { name: "wva-leader", namespace: "wva-system" },
        spec: { holderIdentity: "ghost", renewTime: "2000-01-01T00:00:00.000000Z" },
      });
      const b = candidate(kube, clock, "b");
      try {
        await settle();
        await advance(clock, LEASE_MS - RETRY_MS);
        assert.equal(holder(kube), "ghost", "an old renewTime alone does not expire it");
        await advance(clock, 2 * RETRY_MS);
        assert.equal(holder(kube), "b");
        const spec = kube.get(LEASES, "wva-system", "wva-leader")!.spec as Record<string, unknown>;
        assert.equal(spec.leaseTransitions, 1);
      } finally {
        b.stop();
        await b.done;
      }
    },
  );
  await t.step("a leader that cannot renew for the renew deadline stops leading", async () => {
    const kube = memoryKube();
    const clock = new ManualClock(0);
    const a = candidate(kube, clock, "a");
    try {
      await settle();
      assert.deepEqual(a.log, ["started"]);
      for (let i = 0; i < 10; i++) {
        kube.failNext(/leases\/wva-leader$/, new KubeApiError(500, "InternalError", "etcd down"));
      }
      await advance(clock, 8_000);
      assert.deepEqual(a.log, ["started"], "still within the renew deadline");
      await advance(clock, 4_000);
      assert.deepEqual(a.log, ["started", "stopped"]);
    } finally {
      a.stop();
      await a.done;
    }
  });
});
