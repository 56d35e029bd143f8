/**
 * A VA naming an unknown accelerator, through the Kubernetes backend's resolution and a whole
 * cycle (in-memory metrics and sink, GPU limiter on): it gets `ConfigValid=False` with reason
 * `UnknownAccelerator` and is still served, fail open against the GPU budget, while the VA
 * next to it keeps being served and limited as before.
 */
import assert from "node:assert/strict";
import { inventoryOf } from "../../src/adapters/kubernetes/backend/inventory.ts";
import { projectPod, projectWorkload } from "../../src/adapters/kubernetes/backend/objects.ts";
import { variantFromObject } from "../../src/adapters/kubernetes/backend/variant.ts";
import { runCycle } from "../../src/runtime/run_cycle.ts";
import {
  memoryCluster,
  memoryMetrics,
  memorySink,
} from "../../src/adapters/memory/memory_ports.ts";
import type {
  MetricsRequest,
  ModelMetrics,
  VariantOutcome,
} from "../../src/core/contract/ports.ts";
import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../../src/core/contract/settings.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const A100 = "NVIDIA-A100-PCIE-80GB";

function deployment(name: string) {
  return projectWorkload("Deployment", {
    metadata: { name, namespace: "llm" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        spec: {
          nodeSelector: { "nvidia.com/gpu.product": A100 },
          containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } } }],
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1 },
  })!;
}

function pod(app: string) {
  return projectPod({
    metadata: { name: `${app}-0`, namespace: "llm", labels: { app } },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    },
  })!;
}

function va(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name, namespace: "llm", generation: 1 },
    spec: { scaleTargetRef: { kind: "Deployment", name }, modelID: `m-${name}`, ...spec },
  };
}

/** Every replica saturated (KV 0.9, 5 waiting), sampled now. */
function saturated(req: MetricsRequest): ModelMetrics[] {
  return req.models.map((m) => ({
    modelId: m.modelId,
    namespace: m.namespace,
    arrivalRatePerSec: 5,
    avgInputTokens: 100,
    avgOutputTokens: 50,
    replicas: m.variants.flatMap((v) =>
      v.replicaIds.map((replicaId) => ({
        replicaId,
        kvUsage01: 0.9,
        queueLength: 5,
        sampleMs: NOW,
      }))
    ),
  }));
}

Deno.test("a VA with an unknown accelerator gets UnknownAccelerator and the others are served", async () => {
  // One A100 node with 1 GPU, already used by `good`'s replica: no A100 budget is left.
  const { inventory, entries } = inventoryOf([{
    metadata: { name: "node-0", labels: { "nvidia.com/gpu.product": A100 } },
    status: { capacity: { "nvidia.com/gpu": "1" }, allocatable: { "nvidia.com/gpu": "1" } },
  }]);
  const workloads = new Map([["good", deployment("good")], ["odd", deployment("odd")]]);
  const lookups = {
    nowMs: NOW,
    warmupMs: 60_000,
    workload: (_kind: string, _ns: string, name: string) => workloads.get(name),
    pods: () => [pod("good"), pod("odd")],
    knownAccelerators: { priced: [], inventory: entries },
  };
  const variants = [
    va("good", { maxReplicas: 3 }),
    va("odd", { accelerator: "Z999", maxReplicas: 3 }),
  ]
    .map((raw) => variantFromObject(raw, lookups));
  const sink = memorySink();
  await runCycle(
    { cluster: memoryCluster({ variants, inventory }), metrics: memoryMetrics(saturated), sink },
    {
      nowMs: NOW,
      settings: { ...DEFAULT_CYCLE_SETTINGS, limiter: true },
      state: EMPTY_CYCLE_STATE,
    },
  );
  const outcomes = sink.reports[0]!.variants;
  const get = (name: string): VariantOutcome => outcomes.find((o) => o.name === name)!;
  const configValid = (o: VariantOutcome) => o.conditions.find((c) => c.type === "ConfigValid");

  const odd = get("odd");
  assert.equal(configValid(odd)?.status, "False");
  assert.equal(configValid(odd)?.reason, "UnknownAccelerator");
  assert.match(configValid(odd)!.message, /'Z999'.*GPU inventory: A100 \(NVIDIA-A100-PCIE-80GB\)/);
  assert.equal(odd.accelerator, "Z999");
  assert.equal(odd.desiredReplicas, 2, "served, and not limited by the GPU budget (fail open)");

  const good = get("good");
  assert.equal(configValid(good)?.reason, "ConfigAccepted");
  assert.equal(good.accelerator, "A100");
  assert.equal(good.desiredReplicas, 1, "served, and limited: no A100 GPU is free");
  assert.ok(
    good.steps.some((s) => s.rule === "v1.scale-up-blocked"),
    JSON.stringify(good.steps),
  );
  assert.equal(
    good.conditions.find((c) => c.type === "OptimizationReady")?.reason,
    "OptimizationSucceeded",
  );
});
