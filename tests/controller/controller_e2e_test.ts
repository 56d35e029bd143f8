/**
 * The controller end to end, on a real control plane (kube-apiserver, controller-manager,
 * scheduler, kwok nodes with fake GPUs) and a real Prometheus scraping real emulator servers
 * that stand in for the Deployments' pods. The controller runs in-process from the admin
 * kubeconfig (Kind-shaped: client certificate), with 1 s cycles and direct scaling on.
 */
import assert from "node:assert/strict";
import { startController } from "../../src/modes/controller/controller.ts";
import { resolveControllerConfig } from "../../src/modes/controller/options.ts";
import { createLogger } from "../../src/runtime/log.ts";
import type { TargetGroup } from "../helpers/prometheus.ts";
import { clusterTest, waitFor } from "../helpers/testcluster.ts";
import {
  conditionOf,
  createDeployment,
  createVa,
  createVariant,
  deploymentReplicas,
  type Env,
  gauge,
  PRODUCTS,
  startEnv,
  vaStatus,
} from "./helpers/env.ts";

const LOG = Deno.env.get("WVA_TEST_LOG") === "1";

function controllerFor(env: Env) {
  const config = resolveControllerConfig({
    kubeconfig: env.cluster.kubeconfigPath,
    namespace: "wva-system",
    prometheusUrl: env.prom.url,
    intervalMs: "1s",
    debounceMs: "200ms",
    metricsWindowMs: "4s",
    staleAfterMs: "5s",
    warmupMs: "5s",
    statusRefreshMs: "5s",
    directScale: true,
    metricsAddr: "127.0.0.1:0",
    healthAddr: "127.0.0.1:0",
  });
  const logger = createLogger({ level: LOG ? "info" : "error", base: { test: "e2e" } });
  return startController(config, { logger });
}

/** Polls the Deployments' replicas and records every change, in order. */
function recordReplicas(env: Env, names: readonly string[]) {
  const changes: string[] = [];
  const last = new Map<string, number>();
  let on = true;
  const done = (async () => {
    while (on) {
      for (const n of names) {
        try {
          const r = await deploymentReplicas(env, n);
          const prev = last.get(n);
          if (prev !== undefined && prev !== r) changes.push(`${n}:${prev}->${r}`);
          last.set(n, r);
        } catch { /* restarting */ }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    changes,
    stop: async () => {
      on = false;
      await done;
    },
  };
}

const timeout = { timeoutMs: 60_000, intervalMs: 250 };

Deno.test({
  ...clusterTest("controller e2e: real apiserver, Prometheus and emulators"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const env = await startEnv();
  const controller = controllerFor(env);
  const metricsUrl = `http://127.0.0.1:${controller.metricsPort}/metrics`;
  const health = `http://127.0.0.1:${controller.healthPort}`;
  try {
    await t.step(
      "/healthz and /readyz answer; the caches sync with a client-cert kubeconfig",
      async () => {
        assert.equal((await fetch(`${health}/healthz`).then((r) => r.text())).trim(), "ok");
        await waitFor(
          "ready",
          async () => ((await fetch(`${health}/readyz`)).ok ? true : undefined),
        );
      },
    );

    await t.step(
      "saturation raises desired replicas and status; the Deployment follows; idle lowers them",
      async () => {
        await createVariant(env, {
          name: "solo",
          modelId: "m-solo",
          product: PRODUCTS.A100,
          replicas: 1,
          cost: 10,
          maxReplicas: 3,
        });
        const labels = { variant_name: "solo", namespace: env.namespace, accelerator_type: "A100" };
        await waitFor("metrics available", async () => {
          const s = await vaStatus(env, "solo");
          return conditionOf(s, "MetricsAvailable")?.status === "True" ? s : undefined;
        }, timeout);
        assert.equal(await gauge(metricsUrl, "wva_desired_replicas", labels), 1);
        const stopLoad = env.pods.load("m-solo", 24);
        try {
          await waitFor(
            "desired ≥ 2",
            async () =>
              ((await gauge(metricsUrl, "wva_desired_replicas", labels)) ?? 0) >= 2
                ? true
                : undefined,
            timeout,
          );
          await waitFor(
            "status desired ≥ 2",
            async () =>
              ((await vaStatus(env, "solo")).desiredOptimizedAlloc?.numReplicas ?? 0) >= 2
                ? true
                : undefined,
            timeout,
          );
          await waitFor(
            "Deployment ≥ 2 replicas",
            async () => (await deploymentReplicas(env, "solo")) >= 2 ? true : undefined,
            timeout,
          );
        } finally {
          await stopLoad();
        }
        await waitFor(
          "desired back to 1",
          async () =>
            (await gauge(metricsUrl, "wva_desired_replicas", labels)) === 1 &&
              (await deploymentReplicas(env, "solo")) === 1 &&
              // The status write follows the gauge within the same cycle, not atomically with it.
              (await vaStatus(env, "solo")).desiredOptimizedAlloc?.numReplicas === 1
              ? true
              : undefined,
          { timeoutMs: 90_000, intervalMs: 250 },
        );
        const s = await vaStatus(env, "solo");
        assert.equal(s.desiredOptimizedAlloc.numReplicas, 1);
        assert.equal(s.actuation.mode, "direct-scale");
        assert.equal(conditionOf(s, "TargetResolved")?.reason, "TargetFound");
      },
    );

    const pairLabels = (name: string, acc: string) => ({
      variant_name: name,
      namespace: env.namespace,
      accelerator_type: acc,
    });
    const pair = recordReplicas(env, ["pair-cheap", "pair-dear"]);
    await t.step(
      "two variants: scale-down takes the dear one first, scale-up the cheap one",
      async () => {
        await createVariant(env, {
          name: "pair-cheap",
          modelId: "m-pair",
          product: PRODUCTS.A100,
          replicas: 2,
          cost: 10,
          maxReplicas: 3,
        });
        await createVariant(env, {
          name: "pair-dear",
          modelId: "m-pair",
          product: PRODUCTS.H100,
          replicas: 2,
          cost: 50,
          maxReplicas: 3,
        });
        await waitFor(
          "both at 1",
          async () =>
            (await deploymentReplicas(env, "pair-cheap")) === 1 &&
              (await deploymentReplicas(env, "pair-dear")) === 1
              ? true
              : undefined,
          { timeoutMs: 90_000, intervalMs: 250 },
        );
        await waitFor(
          "both changes recorded",
          () => Promise.resolve(pair.changes.length >= 2 ? true : undefined),
        );
        assert.deepEqual(pair.changes, ["pair-dear:2->1", "pair-cheap:2->1"]);
        const stopLoad = env.pods.load("m-pair", 32);
        try {
          await waitFor(
            "a scale-up",
            () => Promise.resolve(pair.changes.length > 2 ? true : undefined),
            timeout,
          );
          assert.equal(pair.changes[2], "pair-cheap:1->2");
          assert.equal(await deploymentReplicas(env, "pair-dear"), 1);
          assert.ok(
            ((await gauge(metricsUrl, "wva_desired_replicas", pairLabels("pair-cheap", "A100"))) ??
              0) >= 2,
          );
        } finally {
          await stopLoad();
        }
      },
    );

    await t.step(
      "Prometheus stopped: no scale-down, MetricsAvailable=False; recovery when it returns",
      async () => {
        const cheapBefore = await deploymentReplicas(env, "pair-cheap");
        assert.ok(cheapBefore >= 2);
        await env.prom.pause();
        const changes = pair.changes.length;
        await waitFor("MetricsSourceError", async () => {
          const s = await vaStatus(env, "pair-cheap");
          const c = conditionOf(s, "MetricsAvailable");
          return c?.status === "False" && c.reason === "MetricsSourceError" ? true : undefined;
        }, timeout);
        await new Promise((r) => setTimeout(r, 5000)); // five cycles without metrics and without load
        assert.equal(
          pair.changes.length,
          changes,
          `replicas changed: ${pair.changes.slice(changes)}`,
        );
        assert.equal(
          await gauge(metricsUrl, "wva_desired_replicas", pairLabels("pair-cheap", "A100")),
          cheapBefore,
        );
        const s = await vaStatus(env, "pair-cheap");
        assert.equal(conditionOf(s, "OptimizationReady")?.reason, "MetricsUnavailable");
        await env.prom.resume();
        await waitFor("metrics back and cheap scaled down", async () => {
          const st = await vaStatus(env, "pair-cheap");
          return conditionOf(st, "MetricsAvailable")?.status === "True" &&
              (await deploymentReplicas(env, "pair-cheap")) < cheapBefore
            ? true
            : undefined;
        }, { timeoutMs: 90_000, intervalMs: 250 });
      },
    );
    await pair.stop();

    await t.step(
      "apiserver restarted: watches resume (a new VA and its late target are seen)",
      async () => {
        await env.cluster.restartApiserver();
        await createVa(env, {
          name: "ghost",
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "ghost" },
            modelID: "m-ghost",
            maxReplicas: 2,
          },
        });
        const missing = await waitFor("TargetNotFound", async () => {
          const st = await vaStatus(env, "ghost");
          return conditionOf(st, "TargetResolved")?.reason === "TargetNotFound" ? st : undefined;
        }, timeout);
        assert.equal(conditionOf(missing, "OptimizationReady")?.reason, "TargetUnavailable");
        assert.equal(
          await gauge(metricsUrl, "wva_desired_replicas", { variant_name: "ghost" }),
          undefined,
        );
        await createDeployment(env, {
          name: "ghost-target",
          modelId: "m-ghost",
          product: PRODUCTS.A100,
          replicas: 1,
        });
        await env.kube.custom.patchNamespacedCustomObject({
          group: "llmd.ai",
          version: "v1alpha1",
          namespace: env.namespace,
          plural: "variantautoscalings",
          name: "ghost",
          body: [{ op: "replace", path: "/spec/scaleTargetRef/name", value: "ghost-target" }],
        });
        await waitFor("TargetFound", async () => {
          const st = await vaStatus(env, "ghost");
          return conditionOf(st, "TargetResolved")?.reason === "TargetFound" ? true : undefined;
        }, timeout);
      },
    );

    await t.step(
      "an invalid ConfigMap entry is reported with an Event and the rest applies",
      async () => {
        await env.kube.core.createNamespace({ body: { metadata: { name: "wva-system" } } });
        await env.kube.core.createNamespacedConfigMap({
          namespace: "wva-system",
          body: {
            metadata: { name: "wva-saturation-scaling-config" },
            data: { default: "kvCacheThreshold: 0.9\nqueueLengthThreshold: -3\n" },
          },
        });
        const ev = await waitFor("InvalidConfigEntry event", async () => {
          const list = await env.kube.core.listNamespacedEvent({ namespace: "wva-system" });
          return list.items.find((e) => e.reason === "InvalidConfigEntry");
        }, timeout);
        assert.match(ev.message ?? "", /queueLengthThreshold/);
        assert.equal(ev.involvedObject.name, "wva-saturation-scaling-config");
        const scaled = await env.kube.core.listNamespacedEvent({ namespace: env.namespace });
        assert.ok(
          scaled.items.some((e) => e.reason === "ScaledUp" && e.involvedObject.name === "solo"),
        );
      },
    );

    await t.step(
      "a VA naming an unknown accelerator says so (ConfigValid) and every VA is still served",
      async () => {
        await createDeployment(env, {
          name: "odd",
          modelId: "m-odd",
          product: PRODUCTS.A100,
          replicas: 1,
        });
        await createVa(env, {
          name: "odd",
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "odd" },
            modelID: "m-odd",
            accelerator: "Z999",
            maxReplicas: 2,
          },
        });
        const odd = await waitFor("UnknownAccelerator", async () => {
          const st = await vaStatus(env, "odd");
          const c = conditionOf(st, "ConfigValid");
          return c?.status === "False" && c.reason === "UnknownAccelerator" ? st : undefined;
        }, timeout);
        const message: string = odd.conditions.find((c: { type: string }) =>
          c.type === "ConfigValid"
        ).message;
        assert.match(message, /'Z999' \(spec\.accelerator\)/);
        assert.match(message, /GPU inventory: A100/);
        await waitFor(
          "odd served (its gauge)",
          async () =>
            (await gauge(metricsUrl, "wva_desired_replicas", pairLabels("odd", "Z999"))) === 1
              ? true
              : undefined,
          timeout,
        );
        const solo = await vaStatus(env, "solo");
        assert.equal(conditionOf(solo, "ConfigValid")?.reason, "ConfigAccepted");
        assert.equal(conditionOf(solo, "OptimizationReady")?.status, "True");
        assert.equal(
          await gauge(metricsUrl, "wva_desired_replicas", pairLabels("solo", "A100")),
          1,
        );
      },
    );

    await t.step(
      "a replica whose scrape fails: no scale-down, MetricsAvailable says 2 of 3 report",
      () => partialScrape(env, metricsUrl),
    );
  } finally {
    await controller.stop();
    await env.stop();
  }
});

/** Prometheus' active scrape targets as file-SD groups (address, namespace, pod labels). */
async function activeTargets(env: Env): Promise<TargetGroup[]> {
  const r = await (await fetch(`${env.prom.url}/api/v1/targets?state=active`)).json();
  return r.data.activeTargets.map((
    a: { discoveredLabels: Record<string, string>; labels: Record<string, string> },
  ) => ({
    targets: [a.discoveredLabels.__address__!],
    labels: Object.fromEntries(
      Object.entries(a.labels).filter(([k]) => k !== "instance" && k !== "job"),
    ),
  }));
}

/**
 * Issue 12 case 1 on the real control plane: three idle replicas (V1 would take them down to 1),
 * one of them dropped from Prometheus' targets before the VA exists. The model must hold at 3
 * while 2 of 3 ready replicas report, and scale down once the third reports again.
 */
async function partialScrape(env: Env, metricsUrl: string): Promise<void> {
  await createDeployment(env, {
    name: "part",
    modelId: "m-part",
    product: PRODUCTS.A100,
    replicas: 3,
  });
  const scraped = async () =>
    Number(
      (await env.prom.query(
        `count(vllm:kv_cache_usage_perc{namespace="${env.namespace}",model_name="m-part"})`,
      ))[0]?.value[1] ?? 0,
    );
  await waitFor(
    "3 replicas scraped",
    async () => (await scraped()) === 3 ? true : undefined,
    timeout,
  );
  const all = await activeTargets(env);
  const silent = all.find((g) => g.labels?.pod?.startsWith("part-"))!;
  await env.prom.setTargets(all.filter((g) => g !== silent));
  await waitFor(
    "2 replicas scraped",
    async () => (await scraped()) === 2 ? true : undefined,
    timeout,
  );
  await createVa(env, {
    name: "part",
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "part" },
      modelID: "m-part",
      variantCost: 10,
      minReplicas: 1,
      maxReplicas: 3,
    },
  });
  const labels = { variant_name: "part", namespace: env.namespace, accelerator_type: "A100" };
  try {
    const st = await waitFor("MetricsPartial", async () => {
      const s = await vaStatus(env, "part");
      return conditionOf(s, "MetricsAvailable")?.reason === "MetricsPartial" ? s : undefined;
    }, timeout);
    const metrics = st.conditions.find((c: { type: string }) => c.type === "MetricsAvailable");
    assert.equal(metrics.status, "True");
    assert.match(metrics.message, /^2 of 3 ready replicas report metrics/);
    await new Promise((r) => setTimeout(r, 5000)); // five cycles, idle replicas
    assert.equal(await deploymentReplicas(env, "part"), 3);
    assert.equal(await gauge(metricsUrl, "wva_desired_replicas", labels), 3);
    const again = await vaStatus(env, "part");
    assert.equal(conditionOf(again, "MetricsAvailable")?.reason, "MetricsPartial");
  } finally {
    await env.prom.setTargets(all);
  }
  await waitFor(
    "all report again: scale-down resumes",
    async () => (await deploymentReplicas(env, "part")) < 3 ? true : undefined,
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}
