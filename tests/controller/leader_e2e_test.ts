/**
 * Two `wva controller` processes (the real CLI, client-certificate kubeconfig) against a real
 * apiserver: exactly one leads; when the leader is killed (SIGKILL, no release) the other takes
 * over within the lease duration plus one retry period; SIGTERM stops a controller gracefully
 * (exit 0) and releases the Lease.
 */
import assert from "node:assert/strict";
import { freePort } from "../helpers/ports.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { applyCrd } from "./helpers/env.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const LEASE_MS = 3000;
const RETRY_MS = 500;

interface Proc {
  readonly id: string;
  readonly port: number;
  readonly child: Deno.ChildProcess;
}

function spawnController(kubeconfig: string, id: string): Proc {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "controller",
      "--kubeconfig",
      kubeconfig,
      "--namespace",
      "wva-system",
      "--prometheus-url",
      "http://127.0.0.1:9",
      "--leader-elect",
      "--identity",
      id,
      "--lease-duration",
      `${LEASE_MS}ms`,
      "--renew-deadline",
      "2s",
      "--retry-period",
      `${RETRY_MS}ms`,
      "--interval",
      "1s",
      "--metrics-addr",
      `127.0.0.1:${port}`,
      "--health-addr",
      `127.0.0.1:${port}`,
      "--log-level",
      "warn",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { id, port, child };
}

async function leaderGauge(p: Proc): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith("wva_leader "));
    return line === undefined ? undefined : Number(line.split(" ")[1]);
  } catch {
    return undefined;
  }
}

Deno.test(
  clusterTest("leader election: two controller processes"),
  async (t) => {
    const cluster = await startTestCluster();
    const procs: Proc[] = [];
    const leasePath =
      "/apis/coordination.k8s.io/v1/namespaces/wva-system/leases/wva-controller-leader";
    const lease = () =>
      cluster.kube.transport.json<{ spec: { holderIdentity?: string; renewTime?: string } }>(
        leasePath,
      );
    try {
      await cluster.kube.core.createNamespace({ body: { metadata: { name: "wva-system" } } });
      await applyCrd(cluster.kube);
      procs.push(spawnController(cluster.kubeconfigPath, "ctrl-a"));
      procs.push(spawnController(cluster.kubeconfigPath, "ctrl-b"));

      let leader: Proc | undefined;
      await t.step("exactly one replica leads; the Lease carries MicroTime", async () => {
        leader = await waitFor("a leader", async () => {
          const g = await Promise.all(procs.map(leaderGauge));
          if (g.some((x) => x === undefined)) return undefined;
          const leaders = procs.filter((_, i) => g[i] === 1);
          return leaders.length === 1 ? leaders[0] : undefined;
        }, { timeoutMs: 60_000, intervalMs: 200 });
        for (let i = 0; i < 5; i++) {
          const g = await Promise.all(procs.map(leaderGauge));
          assert.deepEqual(g.filter((x) => x === 1).length, 1, `leader gauges ${g}`);
          await new Promise((r) => setTimeout(r, 300));
        }
        const l = await lease();
        assert.equal(l.spec.holderIdentity, leader!.id);
        assert.match(l.spec.renewTime ?? "", /\.\d{6}Z$/);
        const standby = procs.find((p) => p !== leader)!;
        const ready = await fetch(`http://127.0.0.1:${standby.port}/readyz`);
        assert.match(await ready.text(), /standby/);
      });

      await t.step("the leader is killed: the standby takes over within the lease", async () => {
        const standby = procs.find((p) => p !== leader)!;
        const t0 = performance.now();
        leader!.child.kill("SIGKILL");
        await leader!.child.status;
        await waitFor(
          "standby leads",
          async () => (await leaderGauge(standby)) === 1 ? true : undefined,
          {
            timeoutMs: 20_000,
            intervalMs: 50,
          },
        );
        const ms = performance.now() - t0;
        console.log(`failover after SIGKILL: ${Math.round(ms)} ms (lease ${LEASE_MS} ms)`);
        assert.ok(ms <= LEASE_MS + 2 * RETRY_MS + 500, `failover took ${Math.round(ms)} ms`);
        assert.equal((await lease()).spec.holderIdentity, standby.id);
        leader = standby;
      });

      await t.step("SIGTERM: graceful exit 0 and the Lease is released", async () => {
        const t0 = performance.now();
        leader!.child.kill("SIGTERM");
        const status = await leader!.child.status;
        assert.equal(status.code, 0);
        assert.ok(performance.now() - t0 < 10_000);
        assert.equal((await lease()).spec.holderIdentity ?? "", "");
      });
    } finally {
      for (const p of procs) {
        try {
          p.child.kill("SIGKILL");
        } catch { /* exited */ }
        await p.child.status;
      }
      await cluster.stop();
    }
  },
);
