/**
 * The emulator samples fit the VariantAutoscaling samples and the Kind kit (no cluster needed):
 * every VA's scale target exists, asks for `gpusPerReplica` GPUs on a node of its accelerator,
 * serves the VA's model with the accelerator's preset, carries the variant label and the scrape
 * annotations; the Service reaches every variant; the controller's Prometheus URL is the Kind
 * Prometheus' Service.
 */
import assert from "node:assert/strict";
import { parseVariantAutoscaling } from "../../src/core/api/v1alpha1.ts";
import { GPU_MODELS } from "../../src/core/api/gpu_vendors.ts";
import { type Manifest, readManifests } from "../manifests/apply.ts";

interface Container {
  readonly args: string[];
  readonly image: string;
  readonly ports: { name: string; containerPort: number }[];
  readonly readinessProbe: { httpGet: { path: string; port: string } };
  readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
  readonly env?: { name: string; value?: string }[];
}
interface PodTemplate {
  readonly metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  readonly spec: { nodeSelector: Record<string, string>; containers: Container[] };
}
interface Va {
  readonly metadata: { name: string; namespace: string };
  readonly spec: {
    scaleTargetRef: { kind: string; name: string };
    modelID: string;
    accelerator: keyof typeof GPU_MODELS;
    gpusPerReplica: number;
  };
}

const all = [
  ...await readManifests("manifests/samples/variantautoscaling.yaml"),
  ...await readManifests("manifests/samples/emulator-deployment.yaml"),
  ...await readManifests("manifests/samples/emulator-h100.yaml"),
];
const ofKind = (kind: string) => all.filter((m) => m.kind === kind);
const template = (d: Manifest) => (d.spec as { template: PodTemplate }).template;

Deno.test("every sample VariantAutoscaling has an emulator Deployment that fits it", async (t) => {
  const vas = ofKind("VariantAutoscaling") as unknown as Va[];
  assert.deepEqual(vas.map((v) => v.metadata.name), ["vllme-deployment", "vllme-h100"]);
  for (const va of vas) {
    await t.step(va.metadata.name, () => {
      const parsed = parseVariantAutoscaling(va);
      assert.ok(parsed.ok, parsed.ok ? "" : parsed.problems.join("\n"));
      const dep = ofKind("Deployment").find((d) =>
        d.metadata.name === va.spec.scaleTargetRef.name &&
        d.metadata.namespace === va.metadata.namespace
      );
      assert.ok(dep, `no Deployment ${va.spec.scaleTargetRef.name} in ${va.metadata.namespace}`);
      const pod = template(dep);
      const c = pod.spec.containers[0]!;
      const model = GPU_MODELS[va.spec.accelerator];
      assert.equal(pod.spec.nodeSelector["nvidia.com/gpu.product"], model.product);
      const gpus = String(va.spec.gpusPerReplica);
      assert.equal(c.resources.requests["nvidia.com/gpu"], gpus);
      assert.equal(c.resources.limits["nvidia.com/gpu"], gpus);
      assert.equal(c.image, "wva:dev");
      assert.equal(c.args[0], "emulator");
      for (
        const a of ["--host=0.0.0.0", `--model=${va.spec.modelID}`, `--preset=${model.short}`]
      ) {
        assert.ok(c.args.includes(a), `${dep.metadata.name} lacks ${a}`);
      }
      assert.equal(c.readinessProbe.httpGet.path, "/health/ready");
      assert.equal(pod.metadata.labels["llm-d.ai/variant"], va.metadata.name);
      const port = c.ports.find((p) => p.name === c.readinessProbe.httpGet.port)?.containerPort;
      assert.ok(c.args.includes(`--port=${port}`));
      assert.equal(pod.metadata.annotations["prometheus.io/scrape"], "true");
      assert.equal(pod.metadata.annotations["prometheus.io/port"], String(port));
    });
  }
});

Deno.test("the emulator Service selects the pods of every variant", () => {
  const [svc] = ofKind("Service");
  const selector = (svc!.spec as { selector: Record<string, string> }).selector;
  for (const dep of ofKind("Deployment")) {
    const labels = template(dep).metadata.labels;
    for (const [k, v] of Object.entries(selector)) {
      assert.equal(labels[k], v, `${dep.metadata.name}: ${k}`);
    }
  }
});

Deno.test("the controller's Prometheus URL is the Kind Prometheus Service", async () => {
  const controller = (await readManifests("manifests/controller.yaml"))
    .find((m) => m.kind === "Deployment")!;
  const env = template(controller).spec.containers[0]!.env ?? [];
  const url = new URL(env.find((e) => e.name === "PROMETHEUS_BASE_URL")!.value!);
  const svc = (await readManifests("kind/prometheus.yaml")).find((m) => m.kind === "Service")!;
  const port = (svc.spec as { ports: { port: number }[] }).ports[0]!.port;
  assert.equal(url.host, `${svc.metadata.name}.${svc.metadata.namespace}.svc:${port}`);
});
