/**
 * `kind/up.sh` end to end against a real control plane (tests/helpers/testcluster.ts, full tier
 * with three kwok nodes) with only `kind` and `docker` replaced by recording shims: the real
 * kubectl waits for the nodes and removes the control-plane taint, the real
 * `scripts/gpu_nodes.ts` gives the nodes fake GPUs (nvidia-mix), the real `kubectl apply
 * --server-side -k kind/` installs the CRD, the controller (with the Kind flags) and Prometheus,
 * and the emulator samples are applied and rolled out. Then: the emulator pods run on the node of
 * their GPU product, a replica count above the GPU capacity leaves a pod Pending, and a second
 * run reuses the cluster.
 *
 * What this cannot cover (no Docker here): creating the Kind cluster, building and loading the
 * image, and the containers actually running (kwok only marks pods Running and Ready).
 */
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { makeShims, ROOT, runScript } from "./shims.ts";

const NS = "llm-d-sim";
const CP_TAINT = "node-role.kubernetes.io/control-plane";

async function binDir(): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}scripts/build_k8s.sh`, "--print-bin-dir"],
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

const placement = (p: V1Pod) => `${p.spec?.nodeName ?? "-"}:${p.status?.phase}`;

Deno.test(clusterTest("kind/up.sh deploys onto fake GPU nodes"), async (t) => {
  const cluster = await startTestCluster({ full: true, nodes: 3 });
  const { kube } = cluster;
  const shims = await makeShims({
    tools: ["kind", "docker"],
    kubeconfigPath: cluster.kubeconfigPath,
  });
  const state = await Deno.makeTempDir({ prefix: "wva-kind-state-" });
  const deno = Deno.execPath().replace(/\/[^/]+$/, "");
  const env = {
    ...shims.env([await binDir(), deno, "/usr/bin", "/bin"]),
    WVA_KIND_DIR: state,
    WVA_KIND_TIMEOUT: "60s",
  };
  const pods = async (variant: string) =>
    (await kube.core.listNamespacedPod({
      namespace: NS,
      labelSelector: `llm-d.ai/variant=${variant}`,
    })).items;
  try {
    // Kind's control-plane node carries this taint; up.sh must remove it.
    await kube.transport.json("/api/v1/nodes/wva-node-0", {
      method: "PATCH",
      body: { spec: { taints: [{ key: CP_TAINT, effect: "NoSchedule" }] } },
      contentType: "application/merge-patch+json",
    });

    await t.step("up.sh -t nvidia-mix runs every step and exits 0", async () => {
      const r = await runScript("up.sh", ["-c", "wva-test", "-t", "nvidia-mix"], env);
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
      assert.match(
        r.stdout,
        /wva-node-0\s+nvidia\.com\/gpu\s+2\s+2\s+NVIDIA-H100-SXM5-80GB\s+81920/,
      );
      assert.match(r.stdout, /wva-node-1\s+nvidia\.com\/gpu\s+2\s+2\s+NVIDIA-A100-PCIE-80GB/);
      assert.match(r.stdout, /wva-node-2\s+amd\.com\/gpu\s+2\s+2\s+AMD-MI300X-192G/);
      for (let i = 1; i <= 6; i++) assert.ok(r.stderr.includes(`[${i}/6]`), `step ${i}/6`);
      assert.match(r.stderr, /Done\. Next:/);
      assert.deepEqual(await shims.calls(), [
        "docker info",
        "kind get clusters",
        `kind create cluster --name wva-test --config ${state}/kind-config.yaml`,
        "kind get kubeconfig --name wva-test",
        `docker build -t wva:dev -f ${ROOT}Dockerfile ${ROOT.replace(/\/$/, "")}`,
        "kind load docker-image wva:dev --name wva-test",
      ]);
    });

    await t.step("the Kind config has 1 control plane + 2 workers and HPAScaleToZero", async () => {
      const config = parseYaml(await Deno.readTextFile(`${state}/kind-config.yaml`));
      assert.deepEqual(config, {
        kind: "Cluster",
        apiVersion: "kind.x-k8s.io/v1alpha4",
        name: "wva-test",
        featureGates: { HPAScaleToZero: true },
        nodes: [{ role: "control-plane" }, { role: "worker" }, { role: "worker" }],
      });
    });

    await t.step("the control-plane taint is gone", async () => {
      const node = await kube.core.readNode({ name: "wva-node-0" });
      assert.deepEqual((node.spec?.taints ?? []).map((x) => x.key), []);
    });

    await t.step("the controller runs with the Kind flags next to Prometheus", async () => {
      const dep = await kube.apps.readNamespacedDeployment({
        namespace: "wva-system",
        name: "wva-controller",
      });
      const args = dep.spec?.template.spec?.containers[0]?.args ?? [];
      assert.ok(args.includes("--direct-scale") && args.includes("--limiter"), args.join(" "));
      assert.equal(dep.status?.readyReplicas, 1);
      const prom = await kube.apps.readNamespacedDeployment({
        namespace: "monitoring",
        name: "prometheus",
      });
      assert.equal(prom.status?.readyReplicas, 1);
      const vas = await kube.transport.json<{ items: { metadata: { name: string } }[] }>(
        `/apis/llmd.ai/v1alpha1/namespaces/${NS}/variantautoscalings`,
      );
      assert.deepEqual(vas.items.map((v) => v.metadata.name).sort(), [
        "vllme-deployment",
        "vllme-h100",
      ]);
    });

    await t.step(
      "Prometheus' ServiceAccount may discover pods and endpoints, no more",
      async () => {
        const cases: Array<[string, string, string, boolean]> = [
          ["list", "", "pods", true],
          ["watch", "", "services", true],
          ["watch", "discovery.k8s.io", "endpointslices", true],
          ["list", "", "secrets", false],
          ["delete", "", "pods", false],
        ];
        for (const [verb, group, resource, allowed] of cases) {
          const review = await kube.transport.json<{ status: { allowed: boolean } }>(
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            {
              method: "POST",
              body: {
                apiVersion: "authorization.k8s.io/v1",
                kind: "SubjectAccessReview",
                spec: {
                  user: "system:serviceaccount:monitoring:prometheus",
                  groups: ["system:serviceaccounts", "system:serviceaccounts:monitoring"],
                  resourceAttributes: { verb, group, resource },
                },
              },
            },
          );
          assert.equal(review.status.allowed, allowed, `${verb} ${group}/${resource}`);
        }
      },
    );

    await t.step("each emulator runs on the node with its GPU product", async () => {
      assert.deepEqual((await pods("vllme-deployment")).map(placement), ["wva-node-1:Running"]);
      assert.deepEqual((await pods("vllme-h100")).map(placement), ["wva-node-0:Running"]);
    });

    await t.step("replicas beyond the node's 2 GPUs stay Pending", async () => {
      await kube.setReplicas(
        { apiVersion: "apps/v1", kind: "Deployment", namespace: NS, name: "vllme-deployment" },
        3,
      );
      const unschedulable = (p: V1Pod) =>
        p.status?.conditions?.find((c) =>
          c.type === "PodScheduled" && c.reason === "Unschedulable"
        );
      const all = await waitFor("3 pods, 2 Running, 1 Unschedulable", async () => {
        const p = await pods("vllme-deployment");
        const running = p.filter((x) => x.status?.phase === "Running").length;
        return p.length === 3 && running === 2 && p.some(unschedulable) ? p : undefined;
      }, { timeoutMs: 20_000 });
      assert.deepEqual(all.map(placement).sort(), [
        "-:Pending",
        "wva-node-1:Running",
        "wva-node-1:Running",
      ]);
      const why = all.map(unschedulable).find((c) => c)?.message ?? "";
      assert.match(why, /Insufficient nvidia\.com\/gpu/);
    });

    await t.step("a second run reuses the cluster (--no-deploy)", async () => {
      const before = (await shims.calls()).length;
      const r = await runScript(
        "up.sh",
        ["-c", "wva-test", "-t", "nvidia-mix", "--no-deploy"],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /cluster 'wva-test' exists: reusing it/);
      assert.match(r.stderr, /\[4\/4\] done \(--no-deploy\)/);
      assert.deepEqual((await shims.calls()).slice(before), [
        "docker info",
        "kind get clusters",
        "kind get kubeconfig --name wva-test",
      ]);
    });
  } finally {
    await shims.remove();
    await Deno.remove(state, { recursive: true });
    await cluster.stop();
  }
});
