/**
 * The actuation path through KEDA when demand starts from nothing and when parts of it go away
 * (issue 13), on the same stack as keda_actuation_test.ts:
 *
 * - Scale from zero: a model at 0 replicas (VA minReplicas 0, KEDA minReplicaCount 0,
 *   scale-to-zero enabled with a 20 s retention) gets requests at the gateway; they queue, the
 *   controller reads the gateway's queue from Prometheus and asks for 1, KEDA activates the
 *   Deployment, the queued requests are served; with no demand it returns to 0 after the
 *   retention and KEDA's cooldown.
 * - The controller restarted, then Prometheus stopped, under a model held at 3 replicas: the
 *   ScaledObject as shipped (`ignoreNullValues: "false"`, fallback `currentReplicas`) keeps 3
 *   throughout; the same model with KEDA's defaults and the old sample's static fallback of 2
 *   drops during the Prometheus outage — the test can tell the two apart. After both, the path
 *   still scales (the fixed model is let down to 1).
 *
 * Bounded: every wait has a timeout; HPA sync 2 s, KEDA polling 2 s, cooldown 5 s.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { clusterTest, waitFor } from "../helpers/testcluster.ts";
import type { Obj } from "../../src/modes/demo/cluster/manifests.ts";
import {
  createModel,
  deployment,
  distinctRuns,
  type KedaEnv,
  modelObjects,
  NS,
  recordReplicas,
  startKedaEnv,
  untilDeployment,
} from "./helpers/keda_env.ts";

const ZERO = { name: "zero-a100", model: "org/m-zero" };
const FIXED = { name: "fixed-h100", model: "org/m-fixed" };
const OLD = { name: "old-h100", model: "org/m-old" };
const NO_DOWN_WINDOW = {
  advanced: {
    horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } },
  },
};

/** Scale-to-zero for the ZERO model, 20 s retention. */
function withScaleToZero(shipped: readonly Obj[]): Obj[] {
  return shipped.map((cm) => {
    if (cm.metadata?.name !== "wva-model-scale-to-zero-config") return cm;
    const entry = { modelID: ZERO.model, namespace: NS, enabled: true, retentionPeriod: "20s" };
    return { ...cm, data: { ...cm.data, zero: stringify(entry) } };
  });
}

/** The OLD model: KEDA's default ignoreNullValues (true) and the old sample's static fallback 2. */
async function createOldModel(env: KedaEnv): Promise<void> {
  const objs = await modelObjects(env, {
    ...OLD,
    accelerator: "H100",
    replicas: 3,
    minReplicas: 3,
    maxReplicas: 4,
    kedaMin: 1,
    scaledObject: NO_DOWN_WINDOW,
  });
  const so = objs.find((o) => o.kind === "ScaledObject")!;
  so.spec.fallback = { failureThreshold: 3, replicas: 2 };
  delete so.spec.triggers[0].metadata.ignoreNullValues;
  await env.stack.apply(objs);
}

async function send(env: KedaEnv, model: string): Promise<number> {
  const res = await fetch(`${env.stack.gateway.url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, prompt: "hello from zero", max_tokens: 8 }),
  });
  await res.text();
  return res.status;
}

Deno.test({
  ...clusterTest(
    "KEDA resilience: scale from zero on gateway demand; controller and Prometheus outages",
  ),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const t0 = performance.now();
  const env = await startKedaEnv({ nodes: 2, gpusPerNode: 8, configMaps: withScaleToZero });
  const rec = recordReplicas(env, [ZERO.name, FIXED.name, OLD.name]);
  const marks = [`stack up ${Math.round(performance.now() - t0)} ms`];
  const mark = (what: string) =>
    marks.push(`${what} +${Math.round((performance.now() - t0) / 1000)} s`);
  try {
    await t.step(
      "set-up: a model at 0 on A100; two models held at 3 on H100 (fixed and old ScaledObject)",
      async () => {
        await createModel(env, {
          ...ZERO,
          accelerator: "A100",
          replicas: 0,
          minReplicas: 0,
          maxReplicas: 2,
          kedaMin: 0,
        });
        await createModel(env, {
          ...FIXED,
          accelerator: "H100",
          replicas: 3,
          minReplicas: 3,
          maxReplicas: 4,
          kedaMin: 1,
          scaledObject: NO_DOWN_WINDOW,
        });
        await createOldModel(env);
        for (const m of [FIXED, OLD]) {
          await untilDeployment(env, m.name, "3 ready", (d) => d.ready === 3, 90_000);
        }
        await waitFor("KEDA made both HPAs", async () => {
          const h = await env.stack.kube.autoscaling.listNamespacedHorizontalPodAutoscaler({
            namespace: NS,
          });
          return h.items.length === 3 ? true : undefined;
        });
        assert.deepEqual(await deployment(env, ZERO.name), { spec: 0, ready: 0 });
        mark("set-up done");
      },
    );

    await t.step(
      "a model at 0 comes back to 1 when requests queue at the gateway, serves them, returns to 0",
      async () => {
        const sent = performance.now();
        const statuses = await Promise.all([1, 2, 3].map(() => send(env, ZERO.model)));
        const servedMs = Math.round(performance.now() - sent);
        assert.deepEqual(statuses, [200, 200, 200], "the queued requests were served");
        assert.deepEqual(await deployment(env, ZERO.name), { spec: 1, ready: 1 });
        mark(`0 → 1 served in ${servedMs} ms`);
        await untilDeployment(
          env,
          ZERO.name,
          "back to 0 after the retention",
          (d) => d.spec === 0,
          120_000,
        );
        mark("→ 0");
        // The recorder polls on its own 250 ms beat: let it see the 0 the poll above saw.
        await waitFor(
          "the recorder saw 0",
          () => Promise.resolve(rec.series.get(ZERO.name)!.at(-1)?.spec === 0 ? true : undefined),
          {
            timeoutMs: 5_000,
            intervalMs: 100,
          },
        );
        assert.deepEqual(distinctRuns(rec.series.get(ZERO.name)!.map((x) => x.spec)), [0, 1, 0]);
      },
    );

    await t.step("the controller restarted mid-run: no scale-down", async () => {
      const from = Date.now();
      await env.stack.controller.restart();
      const restartedMs = Date.now() - from;
      await new Promise((r) => setTimeout(r, 15_000));
      assert.equal(
        rec.minBetween(FIXED.name, from, Date.now()),
        3,
        "the shipped ScaledObject held 3",
      );
      mark(
        `controller restart ${restartedMs} ms; old sample's min ${
          rec.minBetween(OLD.name, from, Date.now())
        }`,
      );
      await untilDeployment(
        env,
        OLD.name,
        "old back at 3",
        (d) => d.spec === 3 && d.ready === 3,
        60_000,
      );
    });

    await t.step(
      "Prometheus stopped mid-run: no scale-down with the shipped sample; recovery after",
      async () => {
        const from = Date.now();
        await env.stack.prometheus.pause();
        try {
          await untilDeployment(
            env,
            OLD.name,
            "the old sample falls back to a static 2",
            (d) => d.spec < 3,
            60_000,
          );
          await new Promise((r) => setTimeout(r, 5000));
        } finally {
          await env.stack.prometheus.resume();
        }
        const outageMs = Date.now() - from;
        assert.equal(
          rec.minBetween(FIXED.name, from, Date.now()),
          3,
          "the shipped ScaledObject held 3",
        );
        mark(`Prometheus down ${outageMs} ms`);
        await untilDeployment(env, OLD.name, "old back at 3", (d) => d.spec === 3, 60_000);
        await untilDeployment(
          env,
          FIXED.name,
          "fixed still 3",
          (d) => d.spec === 3 && d.ready === 3,
        );
      },
    );

    await t.step(
      "after both outages the path still scales: the fixed model is let down to 1",
      async () => {
        await env.stack.kube.custom.patchNamespacedCustomObject({
          group: "llmd.ai",
          version: "v1alpha1",
          namespace: NS,
          plural: "variantautoscalings",
          name: FIXED.name,
          body: [{ op: "replace", path: "/spec/minReplicas", value: 1 }],
        });
        await untilDeployment(env, FIXED.name, "down to 1", (d) => d.spec === 1, 60_000);
        mark("recovered");
      },
    );
  } finally {
    await rec.stop();
    await env.stop();
    console.error(
      `keda_resilience_test: ${marks.join(" · ")} · total ${
        Math.round((performance.now() - t0) / 1000)
      } s`,
    );
  }
});
