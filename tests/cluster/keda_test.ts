/**
 * The real actuation path on the local control plane: a published `wva_desired_replicas` value →
 * a real Prometheus → a KEDA ScaledObject (prometheus trigger, AverageValue 1) → the HPA KEDA
 * creates → the HPA controller in kube-controller-manager → the Deployment → pods on fake-GPU
 * kwok nodes. External metrics reach the HPA through the apiserver's aggregation layer (KEDA's
 * metrics adapter runs in a network namespace of the cluster's own; see docs/testcluster.md).
 *
 * Bounded: every wait has a timeout; the HPA syncs every 2 s, KEDA polls every 2 s, Prometheus
 * scrapes every second, and the ScaledObject's HPA behavior has no scale-down window.
 */
import assert from "node:assert/strict";
import type { V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { applyGpuNodes } from "../../scripts/gpu_nodes.ts";
import { startGaugeEndpoint } from "../helpers/gauge_endpoint.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { fastHpaBehavior } from "../helpers/keda_behavior.ts";

const NS = "keda-test";
const NAME = "vllm-keda";
const LABELS = { variant_name: NAME, namespace: NS };
const COOLDOWN_SEC = 4;

function deployment(replicas: number) {
  const gpu = { "nvidia.com/gpu": "1" };
  return {
    metadata: { name: NAME },
    spec: {
      replicas,
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: {
          containers: [{
            name: "sim",
            image: "sim:latest",
            resources: { requests: gpu, limits: gpu },
          }],
        },
      },
    },
  };
}

/** Like manifests/samples/keda-scaledobject.yaml, with short loops so the test stays short. */
function scaledObject(prometheusUrl: string) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: NAME, namespace: NS },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: NAME },
      minReplicaCount: 0,
      maxReplicaCount: 4,
      pollingInterval: 2,
      cooldownPeriod: COOLDOWN_SEC,
      advanced: fastHpaBehavior(),
      triggers: [{
        type: "prometheus",
        name: "wva-desired-replicas",
        metricType: "AverageValue",
        metadata: {
          serverAddress: prometheusUrl,
          query: `max(wva_desired_replicas{variant_name="${NAME}",namespace="${NS}"})`,
          threshold: "1",
          activationThreshold: "0",
        },
      }],
    },
  };
}

Deno.test(clusterTest("KEDA → HPA → Deployment on the real control plane"), async (t) => {
  const t0 = performance.now();
  const cluster = await startTestCluster({ keda: true, nodes: 2, hpaSyncPeriod: "2s" });
  const gauges = startGaugeEndpoint();
  const prom = await startPrometheus({ staticTargets: [{ targets: [gauges.target] }] });
  const { kube } = cluster;
  const publish = (v: number) => gauges.set("wva_desired_replicas", LABELS, v);
  const deploy = () => kube.apps.readNamespacedDeployment({ namespace: NS, name: NAME });
  const marks: string[] = [`cluster up ${cluster.startMs} ms`];
  const mark = (what: string, since: number) =>
    marks.push(`${what} ${Math.round(performance.now() - since)} ms`);
  /** Waits until the Deployment asks for `n` replicas and has `n` ready ones. */
  const replicasReach = async (n: number, timeoutMs: number) => {
    const since = performance.now();
    await waitFor(`Deployment ${NAME} at ${n} ready replicas`, async () => {
      const d = await deploy();
      return d.spec?.replicas === n && (d.status?.readyReplicas ?? 0) === n ? true : undefined;
    }, { timeoutMs, intervalMs: 250 });
    mark(`→ ${n}`, since);
  };
  try {
    await t.step("set-up: GPU nodes, a 1-replica Deployment, value 1, a ScaledObject", async () => {
      await applyGpuNodes(kube, { mode: "nvidia", gpusPerNode: 4 });
      await kube.core.createNamespace({ body: { metadata: { name: NS } } });
      await waitFor(
        "default ServiceAccount",
        async () =>
          await kube.core.readNamespacedServiceAccount({ namespace: NS, name: "default" }),
      );
      await kube.apps.createNamespacedDeployment({ namespace: NS, body: deployment(1) });
      await replicasReach(1, 30_000);
      publish(1);
      await waitFor(
        "Prometheus has the series",
        async () =>
          (await prom.query(`wva_desired_replicas{variant_name="${NAME}"}`)).length === 1
            ? true
            : undefined,
      );
      await kube.custom.createNamespacedCustomObject({
        group: "keda.sh",
        version: "v1alpha1",
        namespace: NS,
        plural: "scaledobjects",
        body: scaledObject(prom.url),
      });
    });

    let metric = "";
    await t.step("KEDA creates the HPA keda-hpa-<name> on the external metric", async () => {
      const since = performance.now();
      const hpa: V2HorizontalPodAutoscaler = await waitFor(
        "HPA keda-hpa-" + NAME,
        async () =>
          await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({
            namespace: NS,
            name: `keda-hpa-${NAME}`,
          }),
        { timeoutMs: 30_000 },
      );
      mark("HPA created", since);
      const spec = hpa.spec;
      assert.ok(spec, "HPA has a spec");
      assert.equal(spec.scaleTargetRef.name, NAME);
      assert.equal(spec.minReplicas, 1, "KEDA gives the HPA max(1, minReplicaCount)");
      assert.equal(spec.maxReplicas, 4);
      const ext = spec.metrics?.[0]?.external;
      assert.equal(ext?.target.type, "AverageValue");
      assert.equal(String(ext?.target.averageValue), "1");
      metric = ext?.metric.name ?? "";
      assert.match(metric, /^s0-/);
    });

    await t.step("the external metric answers through the aggregation layer", async () => {
      const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/${metric}` +
        `?labelSelector=${encodeURIComponent(`scaledobject.keda.sh/name=${NAME}`)}`;
      const body = await waitFor("external metric = 1", async () => {
        const b = JSON.parse(await cluster.kubectl("get", "--raw", path));
        return b.items?.[0]?.value === "1" ? b : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      assert.equal(body.kind, "ExternalMetricValueList");
      assert.equal(body.items[0].metricName, metric);
    });

    await t.step("value 3: the HPA scales the Deployment up to 3", async () => {
      publish(3);
      await replicasReach(3, 45_000);
      // KEDA itself only moves 0 ↔ 1: 3 is the HPA controller's decision on the external metric.
      const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({
        namespace: NS,
        name: `keda-hpa-${NAME}`,
      });
      assert.equal(hpa.status?.desiredReplicas, 3);
      const active = hpa.status?.conditions?.find((c) => c.type === "ScalingActive");
      assert.equal(active?.status, "True");
      assert.equal(active?.reason, "ValidMetricFound");
      assert.equal(hpa.status?.currentMetrics?.[0]?.external?.metric.name, metric);
    });

    await t.step("value 1: back down to 1 (no scale-down window)", async () => {
      publish(1);
      await replicasReach(1, 45_000);
    });

    await t.step("value 0: idle, KEDA scales to 0 after the cooldown", async () => {
      publish(0);
      const since = performance.now();
      await replicasReach(0, 60_000);
      assert.ok(
        performance.now() - since >= (COOLDOWN_SEC - 1) * 1000,
        "scaled to 0 before the cooldown period",
      );
    });

    await t.step("value 1 (> activation threshold 0): KEDA activates back to 1", async () => {
      publish(1);
      await replicasReach(1, 45_000);
      await new Promise((r) => setTimeout(r, 4000)); // two HPA syncs: it stays at 1
      assert.equal((await deploy()).spec?.replicas, 1);
    });
  } finally {
    console.error(
      `keda_test timings: ${marks.join(", ")}; total ${Math.round(performance.now() - t0)} ms`,
    );
    await cluster.stop(); // first, so KEDA does not log Prometheus going away
    await prom.stop();
    await gauges.stop();
  }
});
