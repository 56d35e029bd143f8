/**
 * wva's decisions through the real actuation path (issue 13): `wva controller` (a process, no
 * `--direct-scale`) publishes `wva_desired_replicas` → Prometheus → a KEDA ScaledObject like the
 * sample → the HPA KEDA made → the HPA controller in kube-controller-manager → the Deployment →
 * pods run by the pod runner on fake-GPU kwok nodes, load sent through the gateway.
 *
 * - Rising then falling load: a saturation-V1 model and a saturation-V2 model scale up and back
 *   down, the HPA's desired count leading the Deployment; the value published to Prometheus only
 *   rises, then only falls (no alternation while the Deployment catches up).
 * - A pod beyond the fake GPU capacity stays Pending: wva counts it in no supply (only in V2's
 *   anticipated supply), and the model still scales down with the Pending pod present.
 *
 * Bounded: every wait has a timeout; HPA sync 2 s, KEDA polling 2 s, scale-down window 5 s,
 * controller cycle 2 s, emulators load in 1 s.
 */
import assert from "node:assert/strict";
import { watchCluster } from "../../src/modes/demo/cluster/watch_state.ts";
import { clusterTest, waitFor } from "../helpers/testcluster.ts";
import {
  createModel,
  cycleLines,
  deployment,
  distinctRuns,
  gatewayLoad,
  isUnimodal,
  NS,
  promRange,
  recordReplicas,
  startKedaEnv,
  untilDeployment,
} from "./helpers/keda_env.ts";

const V1 = { name: "v1-a100", model: "org/m-v1" };
const V2 = { name: "v2-h100", model: "org/m-v2" };
const PEND = { name: "pend-mi300x", model: "org/m-pend" };

Deno.test({
  ...clusterTest("KEDA actuation: V1 and V2 up and down; a Pending pod is no capacity"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const t0 = performance.now();
  const env = await startKedaEnv({ nodes: 3, gpusPerNode: 8 });
  const watch = watchCluster(env.stack.kube, NS);
  const rec = recordReplicas(env, [V1.name, V2.name, PEND.name]);
  const marks = [`stack up ${Math.round(performance.now() - t0)} ms`];
  const mark = (what: string) =>
    marks.push(`${what} +${Math.round((performance.now() - t0) / 1000)} s`);
  try {
    await t.step(
      "set-up: two 1-replica models (V1 on A100, V2 on H100), one on MI300X at 3 × 4 GPUs",
      async () => {
        await createModel(env, {
          ...V1,
          accelerator: "A100",
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 4,
          analyzer: "saturation-v1",
        });
        await createModel(env, {
          ...V2,
          accelerator: "H100",
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 4,
          analyzer: "saturation-v2",
        });
        await createModel(env, {
          ...PEND,
          accelerator: "MI300X",
          gpusPerReplica: 4,
          replicas: 3,
          minReplicas: 3,
          maxReplicas: 3,
          kedaMin: 1,
          analyzer: "saturation-v2",
        });
        for (const m of [V1, V2]) {
          await untilDeployment(env, m.name, "1 ready", (d) => d.ready === 1);
        }
        await waitFor("both models behind the gateway", () =>
          Promise.resolve(
            env.stack.endpoints.ready(V1.model).length === 1 &&
              env.stack.endpoints.ready(V2.model).length === 1
              ? true
              : undefined,
          ), { timeoutMs: 30_000 });
        mark("set-up done");
      },
    );

    await t.step(
      "rising then falling load: V1 and V2 go up and back down through KEDA → HPA → Deployment",
      async () => {
        const start = Date.now();
        const loads = [gatewayLoad(env, V1.model), gatewayLoad(env, V2.model)];
        try {
          for (const l of loads) l.set(2);
          await new Promise((r) => setTimeout(r, 6000));
          for (const l of loads) l.set(16);
          for (const m of [V1, V2]) {
            await untilDeployment(
              env,
              m.name,
              "≥ 2 ready under load",
              (d) => d.spec >= 2 && d.ready >= 2,
              120_000,
            );
          }
          mark("both scaled up");
          await new Promise((r) => setTimeout(r, 8000));
        } finally {
          for (const l of loads) await l.stop();
        }
        for (const m of [V1, V2]) {
          await untilDeployment(
            env,
            m.name,
            "back to 1 without load",
            (d) => d.spec === 1 && d.ready === 1,
            120_000,
          );
        }
        mark("both scaled down");
        assert.equal(loads[0]!.counts.failed + loads[1]!.counts.failed, 0, "no request failed");
        for (const m of [V1, V2]) {
          const hpa = watch.events.filter((e) => e.variant === m.name && e.hop === "hpa").map((e) =>
            e.value
          );
          assert.ok(Math.max(...hpa) >= 2, `${m.name}: the HPA asked for ≥ 2 (${hpa.join(",")})`);
          assert.ok(Math.max(...rec.series.get(m.name)!.map((x) => x.spec)) >= 2);
          const [series] = await promRange(
            env,
            `max(wva_desired_replicas{variant_name="${m.name}"})`,
            start,
            Date.now(),
          );
          const values = series!.values.map(([, v]) => Number(v));
          mark(
            `${m.name} published ${distinctRuns(values).join("→")}, Deployment ${
              distinctRuns(rec.series.get(m.name)!.map((x) => x.spec)).join("→")
            }`,
          );
          assert.ok(
            isUnimodal(values),
            `${m.name}: published desired rises then falls, got ${values.join(",")}`,
          );
        }
      },
    );

    await t.step(
      "a pod beyond the fake GPU capacity stays Pending, counts as no capacity, and blocks nothing",
      async () => {
        const pending = await waitFor("a Pending, unschedulable pod of " + PEND.name, async () => {
          const pods = await env.stack.kube.core.listNamespacedPod({
            namespace: NS,
            labelSelector: `app=${PEND.name}`,
          });
          const p = pods.items.filter((x) =>
            x.status?.phase === "Pending" &&
            x.status.conditions?.some((c) => c.type === "PodScheduled" && c.status === "False")
          );
          return p.length === 1 ? p : undefined;
        });
        assert.equal(pending.length, 1);
        await untilDeployment(env, PEND.name, "2 of 3 ready", (d) => d.spec === 3 && d.ready === 2);
        type Totals = { rule: string; totalSupply: number; totalAnticipatedSupply: number };
        const supply = await waitFor("a V2 cycle with both ready replicas reporting", () => {
          const steps = cycleLines(env, PEND.model).flatMap((l) => l.steps as Totals[]);
          return Promise.resolve(
            steps.findLast((s) => s.rule === "capacity.totals" && s.totalSupply > 0),
          );
        }, { timeoutMs: 60_000 });
        assert.equal(
          supply.totalAnticipatedSupply / supply.totalSupply,
          1.5,
          "supply counts the 2 ready replicas; the Pending one is only anticipated",
        );
        await env.stack.kube.custom.patchNamespacedCustomObject({
          group: "llmd.ai",
          version: "v1alpha1",
          namespace: NS,
          plural: "variantautoscalings",
          name: PEND.name,
          body: [{ op: "replace", path: "/spec/minReplicas", value: 1 }],
        });
        await untilDeployment(
          env,
          PEND.name,
          "scaled down past the Pending pod",
          (d) => d.spec < 3,
          60_000,
        );
        await waitFor("no Pending pod left", async () => {
          const pods = await env.stack.kube.core.listNamespacedPod({
            namespace: NS,
            labelSelector: `app=${PEND.name}`,
          });
          return pods.items.every((x) => x.status?.phase !== "Pending") ? true : undefined;
        }, { timeoutMs: 30_000 });
        assert.ok((await deployment(env, PEND.name)).ready >= 1);
        mark("pending case done");
      },
    );
  } finally {
    await rec.stop();
    await watch.stop();
    await env.stop();
    console.error(
      `keda_actuation_test: ${marks.join(" · ")} · total ${
        Math.round((performance.now() - t0) / 1000)
      } s`,
    );
  }
});
