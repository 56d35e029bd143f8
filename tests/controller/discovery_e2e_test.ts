/**
 * Annotation discovery end to end on the real control plane, with KEDA actually scaling: an
 * annotated ScaledObject (no VA) is discovered, the controller (without `--direct-scale`)
 * publishes `wva_desired_replicas` for it, a second Prometheus scrapes the controller, KEDA's
 * trigger reads it and the HPA KEDA made scales the Deployment; the decisions are Events on the
 * ScaledObject. A malformed annotated HPA gets a Warning Event and the rest is still served;
 * removing `llm-d.ai/managed` stops management (the gauge goes). An SGLang-flavoured emulator
 * (`wva emulator --engine sglang`, image `…sglang…`) is scaled the same way, the controller
 * reading `sglang:` series.
 */
import assert from "node:assert/strict";
import { startController } from "../../src/modes/controller/controller.ts";
import { resolveControllerConfig } from "../../src/modes/controller/options.ts";
import { EMULATOR_FLAGS } from "../../src/modes/emulator/flags.ts";
import { createLogger } from "../../src/runtime/log.ts";
import { type PrometheusHandle, startPrometheus } from "../helpers/prometheus.ts";
import { clusterTest, waitFor } from "../helpers/testcluster.ts";
import { deploymentReplicas, type Env, gauge, PRODUCTS, startEnv } from "./helpers/env.ts";
import { MODEL_LABEL, testEmulatorArgs } from "./helpers/emulated_pods.ts";
import { fastHpaBehavior } from "../helpers/keda_behavior.ts";

const LOG = Deno.env.get("WVA_TEST_LOG") === "1";
const timeout = { timeoutMs: 90_000, intervalMs: 250 };
/** `wva emulator --engine sglang` exists (docs/emulator.md); until then the SGLang step waits. */
const SGLANG_FLAG = EMULATOR_FLAGS.some((r) => r.flag === "engine");

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
    metricsAddr: "127.0.0.1:0",
    healthAddr: "127.0.0.1:0",
  });
  const logger = createLogger({ level: LOG ? "info" : "error", base: { test: "discovery" } });
  return startController(config, { logger });
}

async function createDeployment(
  env: Env,
  d: { name: string; modelId: string; image: string; args: string[] },
): Promise<void> {
  await env.kube.apps.createNamespacedDeployment({
    namespace: env.namespace,
    body: {
      metadata: { name: d.name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: d.name } },
        template: {
          metadata: { labels: { app: d.name, [MODEL_LABEL]: d.modelId } },
          spec: {
            nodeSelector: { "nvidia.com/gpu.product": PRODUCTS.A100 },
            terminationGracePeriodSeconds: 5,
            containers: [{
              name: "server",
              image: d.image,
              args: d.args,
              resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
            }],
          },
        },
      },
    },
  });
}

/** An annotated ScaledObject on the controller's gauge, with short loops (as tests/cluster/keda_test.ts). */
function scaledObject(
  env: Env,
  name: string,
  prom: PrometheusHandle,
  annotations: Record<string, string>,
) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name, namespace: env.namespace, annotations },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicaCount: 1,
      maxReplicaCount: 3,
      pollingInterval: 2,
      advanced: fastHpaBehavior(),
      triggers: [{
        type: "prometheus",
        name: "wva-desired-replicas",
        metricType: "AverageValue",
        metadata: {
          serverAddress: prom.url,
          query: `max(wva_desired_replicas{variant_name="${name}",namespace="${env.namespace}"})`,
          threshold: "1",
        },
      }],
    },
  };
}

/** Events about one object (reason, type, message). */
async function eventsOf(env: Env, kind: string, name: string) {
  const list = await env.kube.core.listNamespacedEvent({
    namespace: env.namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items.filter((e) => e.involvedObject.kind === kind).map((e) => ({
    type: e.type,
    reason: e.reason,
    message: e.message ?? "",
  }));
}

/** Load until the Deployment reaches ≥ 2 through KEDA, then idle until it is back at 1. */
async function scaleUpAndDown(env: Env, name: string, modelId: string, metricsUrl: string) {
  const labels = { variant_name: name, namespace: env.namespace, accelerator_type: "A100" };
  await waitFor(
    `${name}: gauge published`,
    async () => (await gauge(metricsUrl, "wva_desired_replicas", labels)) === 1 ? true : undefined,
    timeout,
  );
  const stopLoad = env.pods.load(modelId, 24);
  try {
    await waitFor(
      `${name}: desired ≥ 2`,
      async () =>
        ((await gauge(metricsUrl, "wva_desired_replicas", labels)) ?? 0) >= 2 ? true : undefined,
      timeout,
    );
    await waitFor(
      `${name}: KEDA scales the Deployment to ≥ 2`,
      async () => (await deploymentReplicas(env, name)) >= 2 ? true : undefined,
      timeout,
    );
  } finally {
    await stopLoad();
  }
  await waitFor(
    `${name}: back to 1 replica`,
    async () => (await deploymentReplicas(env, name)) === 1 ? true : undefined,
    timeout,
  );
}

async function createScaledObject(env: Env, body: Record<string, unknown>) {
  await env.kube.custom.createNamespacedCustomObject({
    group: "keda.sh",
    version: "v1alpha1",
    namespace: env.namespace,
    plural: "scaledobjects",
    body,
  });
}

Deno.test({
  ...clusterTest("annotation discovery e2e: an annotated ScaledObject scaled through KEDA"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const env = await startEnv("llm", { keda: true, hpaSyncPeriod: "2s" });
  const controller = controllerFor(env);
  const metricsUrl = `http://127.0.0.1:${controller.metricsPort}/metrics`;
  // KEDA reads the controller's gauge through a Prometheus that scrapes the controller.
  const gauges = await startPrometheus({
    staticTargets: [{ targets: [`127.0.0.1:${controller.metricsPort}`] }],
  });
  const managed = (model: string, cost: string) => ({
    "llm-d.ai/managed": "true",
    "llm-d.ai/model-id": model,
    "llm-d.ai/variant-cost": cost,
  });
  try {
    await t.step("an annotated ScaledObject, no VA: discovered and scaled by KEDA", async () => {
      await createDeployment(env, {
        name: "so-a",
        modelId: "m-so",
        image: "vllm/vllm-openai:emulated",
        args: testEmulatorArgs("m-so"),
      });
      await createScaledObject(env, scaledObject(env, "so-a", gauges, managed("m-so", "15")));
      await scaleUpAndDown(env, "so-a", "m-so", metricsUrl);
      const events = await eventsOf(env, "ScaledObject", "so-a");
      const up = events.find((e) => e.reason === "ScaledUp");
      assert.ok(up, JSON.stringify(events));
      assert.match(up.message, /desired replicas 1 → \d \(scale-up\)/);
      assert.ok(events.some((e) => e.reason === "ScaledDown"), JSON.stringify(events));
      const vas = await env.kube.transport.json<{ items: unknown[] }>(
        `/apis/llmd.ai/v1alpha1/namespaces/${env.namespace}/variantautoscalings`,
      );
      assert.deepEqual(vas.items, [], "no VA was created or written");
    });

    await t.step("a malformed annotated HPA: a Warning Event, the rest still served", async () => {
      await env.kube.autoscaling.createNamespacedHorizontalPodAutoscaler({
        namespace: env.namespace,
        body: {
          metadata: {
            name: "bad",
            annotations: { "llm-d.ai/managed": "true", "llm-d.ai/variant-cost": "abc" },
          },
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "ghost" },
            minReplicas: 1,
            maxReplicas: 2,
          },
        },
      });
      const warning = await waitFor(
        "Warning on the HPA",
        async () =>
          (await eventsOf(env, "HorizontalPodAutoscaler", "bad")).find((e) => e.type === "Warning"),
        timeout,
      );
      assert.match(warning.message, /llm-d\.ai\/variant-cost: must be a number .*\(got "abc"\)/);
      assert.match(warning.message, /llm-d\.ai\/model-id: required/);
      const labels = { variant_name: "so-a", namespace: env.namespace };
      assert.equal(await gauge(metricsUrl, "wva_desired_replicas", labels), 1, "still served");
      const cycles = controller.cycles();
      await waitFor(
        "cycles go on",
        () => Promise.resolve(controller.cycles() > cycles + 2 ? true : undefined),
      );
    });

    await t.step({
      name: "an SGLang emulator (sglang: series) is scaled like a vLLM one",
      ignore: !SGLANG_FLAG,
      fn: async () => {
        await createDeployment(env, {
          name: "so-sg",
          modelId: "m-sg",
          image: "lmsysorg/sglang:emulated",
          args: [...testEmulatorArgs("m-sg"), "--engine=sglang"],
        });
        await createScaledObject(env, scaledObject(env, "so-sg", gauges, managed("m-sg", "15")));
        await scaleUpAndDown(env, "so-sg", "m-sg", metricsUrl);
        const sg = controller.lastReport()?.models.find((m) => m.modelId === "m-sg");
        assert.ok(sg, "the SGLang model is decided");
        assert.ok((await env.prom.query('sglang:num_running_reqs{model_name="m-sg"}')).length > 0);
        assert.equal(
          (await env.prom.query('vllm:num_requests_running{model_name="m-sg"}')).length,
          0,
        );
      },
    });

    await t.step("removing llm-d.ai/managed stops management: the gauge goes", async () => {
      await env.kube.transport.json(
        `/apis/keda.sh/v1alpha1/namespaces/${env.namespace}/scaledobjects/so-a`,
        {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { metadata: { annotations: { "llm-d.ai/managed": null } } },
        },
      );
      const labels = { variant_name: "so-a", namespace: env.namespace };
      await waitFor(
        "gauge removed",
        async () =>
          (await gauge(metricsUrl, "wva_desired_replicas", labels)) === undefined
            ? true
            : undefined,
        timeout,
      );
      assert.ok(!controller.lastReport()?.variants.some((v) => v.name === "so-a"));
    });
  } finally {
    await controller.stop();
    await gauges.stop();
    await env.stop();
  }
});
