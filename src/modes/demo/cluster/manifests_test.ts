import assert from "node:assert/strict";
import {
  CONFIGMAP_NAMES,
  parseAcceleratorCosts,
  parseSaturationConfigMap,
  parseScaleToZero,
  parseServiceClasses,
  saturationConfigFor,
  scaleToZeroFor,
  serviceClassFor,
  unitCostOf,
} from "../../../core/api/mod.ts";
import { parseVariantAutoscaling } from "../../../core/api/v1alpha1.ts";
import { engineArgsOf } from "../../../core/api/engine_args.ts";
import { DemoConfigSchema } from "../config.ts";
import { readManifest, readSamples } from "./apply.ts";
import { configMapsFor, gpuLayout, type Obj, serviceName, workloadsFor } from "./manifests.ts";

const config = DemoConfigSchema.parse({});
const pace = { pollingSec: 2, cooldownSec: 10, scaleDownWindowSec: 10 };

Deno.test("the demo's workloads are the samples, instantiated per variant", async (t) => {
  const objs = workloadsFor(config, await readSamples(), "http://127.0.0.1:9090", pace);
  const of = (kind: string) => objs.filter((o) => o.kind === kind);
  await t.step(
    "a namespace, one Service per model, per variant a Deployment, a VA, a ScaledObject",
    () => {
      assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), [
        "Namespace/demo",
        "Service/llama-3-1-8b-instruct",
        "Deployment/a100",
        "Deployment/h100",
        "VariantAutoscaling/a100",
        "VariantAutoscaling/h100",
        "ScaledObject/a100",
        "ScaledObject/h100",
      ]);
    },
  );
  await t.step("the Service names its model and selects every variant's pods", () => {
    const [svc] = of("Service") as [Obj];
    assert.equal(svc.metadata.annotations["llm-d.ai/model-id"], config.model);
    for (const d of of("Deployment")) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(labels[k], v);
    }
  });
  await t.step("pods: the accelerator's fake GPUs, the emulator's settings, vLLM's KV flag", () => {
    const [a100] = of("Deployment") as [Obj];
    assert.equal(a100.spec.replicas, 1);
    assert.equal(
      a100.spec.template.spec.nodeSelector["nvidia.com/gpu.product"],
      "NVIDIA-A100-PCIE-80GB",
    );
    const args: string[] = a100.spec.template.spec.containers[0].args;
    assert.ok(args.includes("--startup-delay=4000ms"), args.join(" "));
    assert.ok(args.includes("--alpha=20.58"), args.join(" "));
    const engine = engineArgsOf(a100.spec.template.spec.containers);
    assert.equal(engine.maxNumSeqs, 16);
    assert.equal(engine.kvCapacityTokens, 160 * 16, "the controller can size a variant at 0");
  });
  await t.step("VAs parse with the CRD's schema", () => {
    for (const va of of("VariantAutoscaling")) {
      const r = parseVariantAutoscaling(va);
      assert.ok(r.ok, JSON.stringify(r));
    }
  });
  await t.step("ScaledObjects keep the sample's fixes, at the demo's Prometheus and pace", () => {
    const [, h100] = of("ScaledObject") as [Obj, Obj];
    assert.equal(h100.spec.minReplicaCount, 0);
    assert.deepEqual(h100.spec.fallback, {
      failureThreshold: 3,
      behavior: "currentReplicas",
      replicas: 1,
    });
    const m = h100.spec.triggers[0].metadata;
    assert.equal(m.serverAddress, "http://127.0.0.1:9090");
    assert.equal(m.ignoreNullValues, "false");
    assert.match(m.query, /variant_name="h100",namespace="demo"/);
    assert.equal(h100.spec.pollingInterval, 2);
    assert.equal(
      h100.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown
        .stabilizationWindowSeconds,
      10,
    );
  });
});

Deno.test("the demo's ConfigMaps parse cleanly and carry its entries", async () => {
  const cms = new Map(
    configMapsFor(config, await readManifest("manifests/configmaps.yaml")).map((
      c,
    ) => [c.metadata.name, c.data]),
  );
  const model = { modelId: config.model, namespace: config.namespace };
  const costs = parseAcceleratorCosts(cms.get(CONFIGMAP_NAMES.acceleratorCosts));
  assert.deepEqual(costs.problems, []);
  assert.equal(unitCostOf(costs.config, "H100")?.device, "NVIDIA-H100-SXM5-80GB");
  const classes = parseServiceClasses(cms.get(CONFIGMAP_NAMES.serviceClasses));
  assert.deepEqual(classes.problems, []);
  assert.deepEqual(serviceClassFor(classes.config, { ...model, serviceClass: "Premium" })?.slo, {
    itlMs: 50,
    ttftMs: 500,
  });
  const sat = parseSaturationConfigMap(cms.get(CONFIGMAP_NAMES.saturation));
  assert.deepEqual(sat.problems, []);
  assert.equal(saturationConfigFor(sat.config, model).enableLimiter, true);
  const stz = parseScaleToZero(cms.get(CONFIGMAP_NAMES.scaleToZero));
  assert.deepEqual(stz.problems, []);
  assert.deepEqual(scaleToZeroFor(stz.config, model), { enabled: true, retentionMs: 60_000 });
});

Deno.test("gpuLayout: nvidia-mix nodes for the inventory, or a clear refusal", async (t) => {
  const layout = (inventory: unknown) =>
    gpuLayout(
      DemoConfigSchema.parse({
        inventory,
        variants: [{ name: "a", accelerator: "A100", cost: 1 }],
      }),
    );
  await t.step("2 H100 + 2 A100 → 2 nodes of 2", () => {
    assert.deepEqual(gpuLayout(config), { gpuType: "nvidia-mix", nodes: 2, gpusPerNode: 2 });
  });
  await t.step("A100 alone still needs node 0 (H100) before it", () => {
    assert.deepEqual(layout([{ node: "n", accelerator: "A100", gpus: 4 }]), {
      gpuType: "nvidia-mix",
      nodes: 2,
      gpusPerNode: 4,
    });
  });
  await t.step("different counts or another accelerator are refused", () => {
    assert.throws(
      () =>
        layout([{ node: "a", accelerator: "A100", gpus: 2 }, {
          node: "b",
          accelerator: "H100",
          gpus: 4,
        }]),
      /nvidia-mix/,
    );
  });
  assert.equal(serviceName("meta-llama/Llama-3.1-8B-Instruct"), "llama-3-1-8b-instruct");
});
