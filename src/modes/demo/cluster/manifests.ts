/**
 * The objects `wva demo --cluster` applies for its configuration (pure): the shipped samples
 * (manifests/samples/) instantiated once per variant — the emulator Deployment, the
 * VariantAutoscaling, the KEDA ScaledObject — and once per model — the Service the gateway
 * discovers its endpoints through (annotation `llm-d.ai/model-id`) — plus the shipped ConfigMaps
 * (manifests/configmaps.yaml) with the demo's entries merged in.
 *
 * What differs from the samples, and why:
 * - names, model, accelerator (node selector on the product label of the fake GPUs), cost,
 *   bounds and emulator settings come from the demo's configuration;
 * - the model-loading time is `--startup-delay` = the demo's `loadingDelayMs`; readiness is
 *   probed every second (the sample: 2 s);
 * - the ScaledObject reads the demo's Prometheus and runs at the demo's pace: KEDA polls every
 *   `pollingSec`, deactivates to zero after `cooldownSec`, and its HPA removes replicas after a
 *   `scaleDownWindowSec` window (the sample waits 120 s and removes one pod a minute, longer than
 *   the whole quick schedule). The fixes of the sample stay: `ignoreNullValues: "false"` and the
 *   fallback that keeps the current replicas.
 *
 * @module
 */
import { parse, stringify } from "yaml";
import { GPU_MODELS } from "../../../core/api/gpu_vendors.ts";
import { desiredReplicasQuery } from "../../../core/api/scaler_manifests.ts";
import { resolveEmulatorConfig } from "../../../../emulator/mod.ts";
import { InputError } from "../../../core/util/validate.ts";
import type { DemoConfig } from "../config.ts";

/** A Kubernetes object as plain JSON. */
// deno-lint-ignore no-explicit-any
export type Obj = Record<string, any>;

/** The sample objects the demo instantiates (parsed from manifests/samples/). */
export interface Samples {
  readonly deployment: Obj;
  readonly service: Obj;
  readonly variantAutoscaling: Obj;
  readonly scaledObject: Obj;
}

/** KEDA's pace in the demo. */
export interface KedaPace {
  readonly pollingSec: number;
  readonly cooldownSec: number;
  readonly scaleDownWindowSec: number;
}

/**
 * The flags the demo's pods use, from a variant's resolved emulator settings. The KV size goes
 * under vLLM's name, `--num-gpu-blocks-override` (the pod runner passes it to the emulator as
 * `--kv-cache-blocks`): the controller reads the engine's capacity from the Deployment's args,
 * which is how saturation V2 sizes a variant that has no replica yet.
 */
const POD_FLAGS:
  readonly (readonly [string, (e: ReturnType<typeof resolveEmulatorConfig>) => unknown])[] = [
    ["preset", (e) => e.preset],
    ["alpha", (e) => e.alphaMs],
    ["beta", (e) => e.betaMs],
    ["gamma", (e) => e.gammaMs],
    ["delta", (e) => e.deltaMs],
    ["max-num-seqs", (e) => e.maxNumSeqs],
    ["max-model-len", (e) => e.maxModelLen],
    ["num-gpu-blocks-override", (e) => e.kvCacheBlocks],
    ["block-size", (e) => e.blockSize],
  ];

/** Names of the emulator flags the demo's container args use (for the pod runner's translation). */
export const POD_FLAG_NAMES: readonly string[] = [
  "model",
  "host",
  "port",
  "startup-delay",
  "seed",
  "kv-cache-blocks",
  ...POD_FLAGS.map(([f]) => f).filter((f) => f !== "num-gpu-blocks-override"),
];

/** The Service of the demo's model: a DNS label from the model's last path segment. */
export function serviceName(model: string): string {
  const last = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  const name = last.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
  return name === "" ? "model" : name.replace(/-+$/, "");
}

/** The product label value of an accelerator's fake GPUs (A100, H100, MI300X, …). */
export function productOf(accelerator: string): string {
  const m =
    (GPU_MODELS as Readonly<Record<string, { product: string }>>)[accelerator.toUpperCase()];
  if (!m) throw new RangeError(`no fake GPU model for accelerator ${accelerator}`);
  return m.product;
}

const clone = <T>(x: T): T => structuredClone(x);

/** The container args of a variant's pods: `wva emulator` with the variant's settings. */
export function podArgs(config: DemoConfig, index: number): string[] {
  const v = config.variants[index]!;
  const emu = resolveEmulatorConfig({ ...v.emulator, model: config.model });
  return [
    "emulator",
    "--host=0.0.0.0",
    "--port=8000",
    `--model=${config.model}`,
    ...POD_FLAGS.map(([flag, get]) => `--${flag}=${get(emu)}`),
    `--startup-delay=${config.loadingDelayMs}ms`,
    `--seed=${config.load.seed + index}`,
  ];
}

/** One variant's Deployment, from the sample's. */
export function deploymentFor(config: DemoConfig, index: number, sample: Obj): Obj {
  const v = config.variants[index]!;
  const app = serviceName(config.model);
  const labels = { app, "llm-d.ai/variant": v.name, "app.kubernetes.io/part-of": "wva" };
  const d = clone(sample);
  d.metadata = { name: v.name, namespace: config.namespace, labels };
  d.spec.replicas = v.initialReplicas;
  d.spec.selector = { matchLabels: { app, "llm-d.ai/variant": v.name } };
  d.spec.template.metadata.labels = { app, "llm-d.ai/variant": v.name };
  const pod = d.spec.template.spec;
  pod.nodeSelector = { "nvidia.com/gpu.product": productOf(v.accelerator) };
  const c = pod.containers[0];
  c.args = podArgs(config, index);
  c.readinessProbe = { ...c.readinessProbe, periodSeconds: 1 };
  const gpus = String(v.gpusPerReplica);
  c.resources.requests["nvidia.com/gpu"] = gpus;
  c.resources.limits["nvidia.com/gpu"] = gpus;
  return d;
}

/** The model's Service, from the sample's: selects every variant, names the model. */
export function serviceFor(config: DemoConfig, sample: Obj): Obj {
  const app = serviceName(config.model);
  const s = clone(sample);
  s.metadata = {
    name: app,
    namespace: config.namespace,
    labels: { app, "app.kubernetes.io/part-of": "wva" },
    annotations: { "llm-d.ai/model-id": config.model },
  };
  s.spec.selector = { app };
  return s;
}

/** One variant's VariantAutoscaling, from the sample's (perf parameters from the emulator). */
export function variantAutoscalingFor(config: DemoConfig, index: number, sample: Obj): Obj {
  const v = config.variants[index]!;
  const emu = resolveEmulatorConfig({ ...v.emulator, model: config.model });
  const va = clone(sample);
  va.metadata = {
    name: v.name,
    namespace: config.namespace,
    labels: { "inference.optimization/acceleratorName": v.accelerator },
  };
  va.spec = {
    ...va.spec,
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: v.name },
    modelID: config.model,
    accelerator: v.accelerator,
    gpusPerReplica: v.gpusPerReplica,
    variantCost: String(v.cost),
    minReplicas: v.minReplicas,
    maxReplicas: v.maxReplicas,
    perfParams: {
      alphaMs: emu.alphaMs,
      betaMs: emu.betaMs,
      gammaMs: emu.gammaMs,
      deltaMs: emu.deltaMs,
      maxBatchSize: emu.maxNumSeqs,
    },
  };
  return va;
}

/** One variant's ScaledObject, from the sample's, at the demo's pace and Prometheus. */
export function scaledObjectFor(
  config: DemoConfig,
  index: number,
  sample: Obj,
  prometheusUrl: string,
  pace: KedaPace,
): Obj {
  const v = config.variants[index]!;
  const so = clone(sample);
  so.metadata = { name: v.name, namespace: config.namespace };
  so.spec.scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: v.name };
  so.spec.minReplicaCount = v.minReplicas;
  so.spec.maxReplicaCount = v.maxReplicas;
  so.spec.pollingInterval = pace.pollingSec;
  so.spec.cooldownPeriod = pace.cooldownSec;
  so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown = {
    stabilizationWindowSeconds: pace.scaleDownWindowSec,
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
  };
  const trigger = so.spec.triggers[0];
  trigger.metadata.serverAddress = prometheusUrl;
  trigger.metadata.query = desiredReplicasQuery(v.name, config.namespace);
  return so;
}

/** Parses a YAML entry of a ConfigMap, applies `change`, writes it back. */
function editEntry(cm: Obj, key: string, change: (entry: Obj) => Obj): void {
  const before = cm.data?.[key] ? parse(cm.data[key]) as Obj : {};
  cm.data = { ...cm.data, [key]: stringify(change(before)) };
}

/** The shipped ConfigMaps with the demo's entries (costs, SLO, thresholds, scale-to-zero). */
export function configMapsFor(config: DemoConfig, shipped: readonly Obj[]): Obj[] {
  const out = shipped.map(clone);
  const byName = (name: string) => out.find((o) => o.metadata?.name === name);
  const costs = byName("wva-accelerator-unit-costs");
  for (const v of config.variants) {
    if (costs && !costs.data?.[v.accelerator]) {
      editEntry(costs, v.accelerator, () => ({
        device: productOf(v.accelerator),
        cost: v.cost / Math.max(1, v.gpusPerReplica),
      }));
    }
  }
  const classes = byName("wva-service-classes-config");
  if (classes) {
    editEntry(classes, "premium.yaml", (e) => ({
      ...e,
      data: [
        ...(e.data ?? []).filter((d: Obj) => d.model !== config.model),
        {
          model: config.model,
          ...(config.load.slo.itlMs !== undefined ? { "slo-tpot": config.load.slo.itlMs } : {}),
          ...(config.load.slo.ttftMs !== undefined ? { "slo-ttft": config.load.slo.ttftMs } : {}),
        },
      ],
    }));
  }
  const saturation = byName("wva-saturation-scaling-config");
  if (saturation) {
    editEntry(saturation, "default", (e) => ({
      ...e,
      ...config.controller.saturation,
      enableLimiter: config.controller.limiter,
    }));
  }
  const stz = byName("wva-model-scale-to-zero-config");
  if (stz) {
    editEntry(stz, "demo", () => ({
      modelID: config.model,
      namespace: config.namespace,
      enabled: true,
      retentionPeriod: "60s",
    }));
  }
  return out;
}

/** Everything of the demo's model in its namespace, in apply order. */
export function workloadsFor(
  config: DemoConfig,
  samples: Samples,
  prometheusUrl: string,
  pace: KedaPace,
): Obj[] {
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: config.namespace } };
  const each = config.variants.map((_, i) => i);
  return [
    ns,
    serviceFor(config, samples.service),
    ...each.map((i) => deploymentFor(config, i, samples.deployment)),
    ...each.map((i) => variantAutoscalingFor(config, i, samples.variantAutoscaling)),
    ...each.map((i) => scaledObjectFor(config, i, samples.scaledObject, prometheusUrl, pace)),
  ];
}

/** How the fake GPUs are laid out: a `scripts/gpu_nodes.ts` mode, the node count, GPUs per node. */
export interface GpuLayout {
  readonly gpuType: "nvidia-mix";
  readonly nodes: number;
  readonly gpusPerNode: number;
}

/** The accelerators of the `nvidia-mix` cycle, in node order (wva-node-0, -1, -2). */
const MIX_ORDER = ["H100", "A100", "MI300X"] as const;

/**
 * The fake-GPU nodes that give the demo's inventory: `nvidia-mix` puts H100s on node 0, A100s on
 * node 1 and MI300Xs on node 2, the same count on each. An inventory that this cannot express
 * (another accelerator, different counts) is refused with the reason.
 */
export function gpuLayout(config: DemoConfig): GpuLayout {
  const totals = new Map<string, number>();
  for (const n of config.inventory) {
    totals.set(
      n.accelerator.toUpperCase(),
      (totals.get(n.accelerator.toUpperCase()) ?? 0) + n.gpus,
    );
  }
  const counts = [...new Set(totals.values())];
  const unknown = [...totals.keys()].filter((a) => !(MIX_ORDER as readonly string[]).includes(a));
  if (totals.size === 0 || unknown.length > 0 || counts.length !== 1 || counts[0]! < 1) {
    throw new InputError(
      `--cluster: the fake GPUs come as nvidia-mix nodes (H100, A100, MI300X, the same count ` +
        `each); the inventory ${
          [...totals].map(([a, g]) => `${g}× ${a}`).join(", ") || "(empty)"
        } does not fit`,
    );
  }
  const nodes = Math.max(...[...totals.keys()].map((a) => MIX_ORDER.indexOf(a as never))) + 1;
  return { gpuType: "nvidia-mix", nodes, gpusPerNode: counts[0]! };
}
