/**
 * The manifests on a real kube-apiserver (tests/helpers/testcluster.ts): every file applies
 * server-side with strict field validation, the generated CRD validates VariantAutoscalings the
 * way docs/controller-api.md says (CEL min ≤ max, required and enum fields, int-or-string cost,
 * defaults), the status subresource behaves, and `kubectl get va` shows the printer columns.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  parseVariantAutoscaling,
  setCondition,
  type VariantAutoscalingStatus,
} from "../../src/core/api/v1alpha1.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { apply, applyResponse, type Manifest, message, readManifests, repoPath } from "./apply.ts";

const NS = "llm-d-sim";
const VA_PATH = `/apis/llmd.ai/v1alpha1/namespaces/${NS}/variantautoscalings`;

function va(name: string, spec: Record<string, unknown>): Manifest {
  return {
    apiVersion: "llmd.ai/v1alpha1",
    kind: "VariantAutoscaling",
    metadata: { name, namespace: NS },
    spec,
  };
}
const REF = { kind: "Deployment", name: "vllme-deployment" };

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const bin = new TextDecoder().decode(
    (await new Deno.Command("bash", { args: [repoPath("scripts/build_k8s.sh"), "--print-bin-dir"] })
      .output()).stdout,
  ).trim();
  const out = await new Deno.Command(`${bin}/kubectl`, {
    args: ["--kubeconfig", kubeconfig, ...args],
  })
    .output();
  const dec = new TextDecoder();
  if (out.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

Deno.test({
  ...clusterTest("manifests apply to a real apiserver and the CRD validates"),
}, async (t) => {
  const cluster = await startTestCluster();
  const { transport } = cluster.kube;
  const established = (name: string) =>
    waitFor(`CRD ${name} Established`, async () => {
      const crd = await transport.json<
        { status?: { conditions?: { type: string; status: string }[] } }
      >(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      );
      return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")
        ? true
        : undefined;
    });
  try {
    await t.step(
      "kustomization.yaml lists every installation manifest, and each applies",
      async () => {
        const kust = parseYaml(
          await Deno.readTextFile(repoPath("manifests/kustomization.yaml")),
        ) as {
          resources: string[];
        };
        assert.deepEqual(kust.resources, [
          "crd.yaml",
          "controller.yaml",
          "rbac.yaml",
          "configmaps.yaml",
        ]);
        for (const file of kust.resources) {
          for (const obj of await readManifests(`manifests/${file}`)) {
            await apply(transport, obj);
            if (obj.kind === "CustomResourceDefinition") await established(obj.metadata.name);
          }
        }
      },
    );

    await t.step(
      "the controller Deployment, Service and ConfigMaps are in wva-system",
      async () => {
        const dep = await transport.json<{
          spec: {
            template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } };
          };
        }>("/apis/apps/v1/namespaces/wva-system/deployments/wva-controller");
        assert.equal(dep.spec.template.spec.serviceAccountName, "wva-controller");
        const args = dep.spec.template.spec.containers[0]!.args;
        for (
          const flag of ["--leader-elect", "--namespace=", "--prometheus-url=", "--metrics-addr="]
        ) {
          assert.ok(args.some((a) => a.startsWith(flag)), `missing ${flag}`);
        }
        const svc = await transport.json<{ spec: { ports: { name: string }[] } }>(
          "/api/v1/namespaces/wva-system/services/wva-controller-metrics",
        );
        assert.equal(svc.spec.ports[0]!.name, "metrics");
        const cms = await transport.json<{ items: { metadata: { name: string } }[] }>(
          "/api/v1/namespaces/wva-system/configmaps",
        );
        const names = cms.items.map((c) => c.metadata.name);
        for (
          const n of [
            "wva-accelerator-unit-costs",
            "wva-service-classes-config",
            "wva-saturation-scaling-config",
            "wva-model-scale-to-zero-config",
          ]
        ) {
          assert.ok(names.includes(n), n);
        }
      },
    );

    await t.step("the samples apply: VA, HPA (autoscaling/v2), KEDA ScaledObject", async () => {
      await apply(transport, { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
      for (const obj of await readManifests("tests/fixtures/keda_scaledobject_crd.yaml")) {
        await apply(transport, obj);
        await established(obj.metadata.name);
      }
      for (const f of ["variantautoscaling.yaml", "hpa.yaml", "keda-scaledobject.yaml"]) {
        for (const obj of await readManifests(`manifests/samples/${f}`)) {
          await apply(transport, obj);
        }
      }
      const stored = await transport.json<unknown>(`${VA_PATH}/vllme-deployment`);
      const r = parseVariantAutoscaling(stored);
      assert.ok(r.ok, r.ok ? "" : r.problems.join("\n"));
      assert.equal(r.va.spec.variantCost, 40);
    });

    await t.step("the CRD rejects invalid VariantAutoscalings", async (t) => {
      const cases: { name: string; spec: Record<string, unknown>; want: RegExp }[] = [
        {
          name: "minReplicas above maxReplicas (CEL rule)",
          spec: { scaleTargetRef: REF, modelID: "m", minReplicas: 5, maxReplicas: 3 },
          want:
            /spec\.minReplicas: Invalid value: minReplicas must be less than or equal to maxReplicas/,
        },
        {
          name: "minReplicas above the default maxReplicas (CEL sees defaults)",
          spec: { scaleTargetRef: REF, modelID: "m", minReplicas: 3 },
          want: /minReplicas must be less than or equal to maxReplicas/,
        },
        {
          name: "missing scaleTargetRef",
          spec: { modelID: "m" },
          want: /spec\.scaleTargetRef: Required value/,
        },
        {
          name: "missing modelID",
          spec: { scaleTargetRef: REF },
          want: /spec\.modelID: Required value/,
        },
        {
          name: "unsupported target kind",
          spec: { scaleTargetRef: { kind: "Job", name: "j" }, modelID: "m" },
          want: /spec\.scaleTargetRef\.kind: Unsupported value: "Job"/,
        },
        {
          name: "unknown field (strict validation)",
          spec: { scaleTargetRef: REF, modelID: "m", replicas: 3 },
          want: /\.spec\.replicas: field not declared in schema/,
        },
        {
          name: "unquoted decimal cost (int-or-string)",
          spec: { scaleTargetRef: REF, modelID: "m", variantCost: 12.5 },
          want: /spec\.variantCost.*must be of type integer/,
        },
        {
          name: "non-numeric cost string",
          spec: { scaleTargetRef: REF, modelID: "m", variantCost: "cheap" },
          want: /spec\.variantCost.*should match/,
        },
        {
          name: "maxReplicas 0",
          spec: { scaleTargetRef: REF, modelID: "m", maxReplicas: 0 },
          want: /spec\.maxReplicas.*greater than or equal to 1/,
        },
        {
          name: "unknown analyzer",
          spec: { scaleTargetRef: REF, modelID: "m", analyzer: "magic" },
          want: /spec\.analyzer: Unsupported value: "magic"/,
        },
        {
          name: "alpha must be positive",
          spec: {
            scaleTargetRef: REF,
            modelID: "m",
            perfParams: { alphaMs: 0, betaMs: 1, maxBatchSize: 4 },
          },
          want: /spec\.perfParams\.alphaMs.*greater than 0/,
        },
      ];
      for (const [i, c] of cases.entries()) {
        await t.step(c.name, async () => {
          const res = await applyResponse(transport, va(`bad-${i}`, c.spec));
          const text = await res.text();
          assert.ok(!res.ok, `accepted: ${text.slice(0, 200)}`);
          assert.match(message(text), c.want);
        });
      }
    });

    await t.step("the apiserver fills defaults; an unset cost stays unset", async () => {
      const stored = await apply(
        transport,
        va("minimal", { scaleTargetRef: REF, modelID: "m", variantCost: "7" }),
      );
      const r = parseVariantAutoscaling(stored);
      assert.ok(r.ok);
      assert.deepEqual(r.va.spec.scaleTargetRef, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "vllme-deployment",
      });
      assert.equal(r.va.spec.minReplicas, 1);
      assert.equal(r.va.spec.maxReplicas, 2);
      const bare = await apply(transport, va("no-cost", { scaleTargetRef: REF, modelID: "m" }));
      assert.equal((bare as { spec: Record<string, unknown> }).spec.variantCost, undefined);
    });

    await t.step("status is a subresource and accepts what the API helpers write", async () => {
      const path = `${VA_PATH}/minimal`;
      const before = await transport.json<{ metadata: { generation: number } }>(path);
      const conditions = setCondition([], {
        type: "MetricsAvailable",
        status: "True",
        reason: "MetricsFound",
        message: "2 replicas reporting",
      }, { nowMs: Date.UTC(2026, 0, 1), observedGeneration: before.metadata.generation });
      const status: VariantAutoscalingStatus = {
        observedGeneration: before.metadata.generation,
        currentAlloc: {
          accelerator: "A100",
          numReplicas: 2,
          readyReplicas: 2,
          load: { arrivalRatePerSec: 1.5 },
        },
        desiredOptimizedAlloc: {
          accelerator: "A100",
          numReplicas: 3,
          reason: "scale-up",
          lastRunTime: "2026-01-01T00:00:00Z",
        },
        actuation: { applied: true, mode: "metrics", appliedReplicas: 3 },
        conditions,
      };
      const patch = (p: string, body: unknown) =>
        transport.json<Record<string, unknown>>(p, {
          method: "PATCH",
          body,
          contentType: "application/merge-patch+json",
        });
      await patch(`${path}/status`, { status, spec: { modelID: "ignored-via-status" } });
      await patch(path, {
        status: { currentAlloc: { accelerator: "ignored-via-main", numReplicas: 9 } },
      });
      const after = parseVariantAutoscaling(await transport.json<unknown>(path));
      assert.ok(after.ok, after.ok ? "" : after.problems.join("\n"));
      assert.deepEqual(after.va.status, status);
      assert.equal(after.va.spec.modelID, "m", "spec is not writable through /status");
      assert.equal(
        after.va.metadata.generation,
        before.metadata.generation,
        "status does not bump generation",
      );
      await patch(path, { spec: { maxReplicas: 4 } });
      const bumped = await transport.json<{ metadata: { generation: number } }>(path);
      assert.equal(bumped.metadata.generation, before.metadata.generation + 1);
      const bad = await transport.fetch(`${path}/status`, {
        method: "PATCH",
        body: { status: { conditions: [{ ...conditions[0], status: "Maybe" }] } },
        contentType: "application/merge-patch+json",
      });
      assert.equal(bad.status, 422, await bad.text());
    });

    await t.step("`kubectl get va` shows the printer columns", async () => {
      const out = await kubectl(cluster.kubeconfigPath, "get", "va", "-n", NS, "minimal");
      const [header, row] = out.trim().split("\n").map((l) => l.trim().split(/\s+/));
      assert.deepEqual(header, [
        "NAME",
        "TARGET",
        "MODEL",
        "ACCELERATOR",
        "CURRENT",
        "OPTIMIZED",
        "MIN",
        "MAX",
        "METRICSREADY",
        "AGE",
      ]);
      assert.deepEqual(row!.slice(0, 9), [
        "minimal",
        "vllme-deployment",
        "m",
        "A100",
        "2",
        "3",
        "1",
        "4",
        "True",
      ]);
    });
  } finally {
    await cluster.stop();
  }
});
