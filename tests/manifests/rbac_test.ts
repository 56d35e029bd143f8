/**
 * Least privilege of manifests/rbac.yaml on a real apiserver: SubjectAccessReviews (as admin)
 * for the controller's ServiceAccount over a table of what it needs and what it must not do,
 * then real requests made with a token of that ServiceAccount.
 */
import assert from "node:assert/strict";
import { isForbidden, loadKube } from "../../src/adapters/kubernetes/kube/mod.ts";
import { clusterTest, startTestCluster } from "../helpers/testcluster.ts";
import { apply, readManifests } from "./apply.ts";

const SA_NS = "wva-system";
const SA = `system:serviceaccount:${SA_NS}:wva-controller`;
const APP_NS = "llm-d-sim";

/** [verb, group, resource(/subresource), namespace ("" = cluster-wide), allowed] */
type Access = readonly [string, string, string, string, boolean];

const ACCESS: readonly Access[] = [
  // VariantAutoscalings: read everywhere, write status only.
  ["get", "llmd.ai", "variantautoscalings", APP_NS, true],
  ["list", "llmd.ai", "variantautoscalings", "", true],
  ["watch", "llmd.ai", "variantautoscalings", "", true],
  ["update", "llmd.ai", "variantautoscalings/status", APP_NS, true],
  ["patch", "llmd.ai", "variantautoscalings/status", APP_NS, false],
  ["create", "llmd.ai", "variantautoscalings", APP_NS, false],
  ["update", "llmd.ai", "variantautoscalings", APP_NS, false],
  ["patch", "llmd.ai", "variantautoscalings", APP_NS, false],
  ["delete", "llmd.ai", "variantautoscalings", APP_NS, false],
  // Annotation discovery: HPAs and ScaledObjects are read, never written.
  ["list", "autoscaling", "horizontalpodautoscalers", "", true],
  ["watch", "autoscaling", "horizontalpodautoscalers", "", true],
  ["get", "autoscaling", "horizontalpodautoscalers", APP_NS, false],
  ["patch", "autoscaling", "horizontalpodautoscalers", APP_NS, false],
  ["delete", "autoscaling", "horizontalpodautoscalers", APP_NS, false],
  ["list", "keda.sh", "scaledobjects", "", true],
  ["watch", "keda.sh", "scaledobjects", APP_NS, true],
  ["update", "keda.sh", "scaledobjects", APP_NS, false],
  ["create", "keda.sh", "scaledobjects", APP_NS, false],
  ["list", "keda.sh", "scaledjobs", "", false],
  // Scale targets: read, and replicas only through /scale.
  ["list", "apps", "deployments", "", true],
  ["watch", "apps", "statefulsets", "", true],
  ["get", "apps", "deployments", APP_NS, true],
  ["get", "apps", "deployments/scale", APP_NS, true],
  ["patch", "apps", "deployments/scale", APP_NS, true],
  ["update", "apps", "deployments/scale", APP_NS, false],
  ["patch", "apps", "statefulsets/scale", APP_NS, true],
  ["update", "apps", "deployments", APP_NS, false],
  ["patch", "apps", "deployments", APP_NS, false],
  ["delete", "apps", "deployments", APP_NS, false],
  ["create", "apps", "deployments", APP_NS, false],
  ["update", "apps", "replicasets/scale", APP_NS, false],
  // Nodes and pods: list/watch only.
  ["list", "", "nodes", "", true],
  ["watch", "", "nodes", "", true],
  ["list", "", "pods", "", true],
  ["watch", "", "pods", APP_NS, true],
  ["patch", "", "nodes", "", false],
  ["delete", "", "pods", APP_NS, false],
  ["create", "", "pods/exec", APP_NS, false],
  // Events about the VAs it scales.
  ["create", "", "events", APP_NS, true],
  ["patch", "", "events", APP_NS, true],
  ["create", "events.k8s.io", "events", APP_NS, false],
  ["delete", "", "events", APP_NS, false],
  // Its ConfigMaps and Lease, in its namespace only.
  ["get", "", "configmaps", SA_NS, true],
  ["list", "", "configmaps", SA_NS, true],
  ["watch", "", "configmaps", SA_NS, true],
  ["update", "", "configmaps", SA_NS, false],
  ["get", "", "configmaps", APP_NS, false],
  ["list", "", "configmaps", "", false],
  ["get", "coordination.k8s.io", "leases", SA_NS, true],
  ["create", "coordination.k8s.io", "leases", SA_NS, true],
  ["update", "coordination.k8s.io", "leases", SA_NS, true],
  ["delete", "coordination.k8s.io", "leases", SA_NS, false],
  ["patch", "coordination.k8s.io", "leases", SA_NS, false],
  ["create", "coordination.k8s.io", "leases", "kube-system", false],
  // Nothing else.
  ["get", "", "secrets", SA_NS, false],
  ["list", "", "secrets", "", false],
  ["update", "autoscaling", "horizontalpodautoscalers", APP_NS, false],
  ["create", "apiextensions.k8s.io", "customresourcedefinitions", "", false],
  ["create", "", "serviceaccounts/token", SA_NS, false],
  ["bind", "rbac.authorization.k8s.io", "clusterroles", "", false],
  ["create", "", "namespaces", "", false],
];

interface Review {
  status: { allowed: boolean; reason?: string };
}

Deno.test(
  clusterTest("the controller's ServiceAccount has least privilege"),
  async (t) => {
    const cluster = await startTestCluster();
    const { kube } = cluster;
    const tmp = await Deno.makeTempDir({ prefix: "wva-rbac-test-" });
    try {
      for (const f of ["crd.yaml", "controller.yaml", "rbac.yaml"]) {
        for (const obj of await readManifests(`manifests/${f}`)) await apply(kube.transport, obj);
      }

      await t.step("rbac.yaml uses no wildcards", async () => {
        for (const obj of await readManifests("manifests/rbac.yaml")) {
          for (const rule of (obj.rules ?? []) as Record<string, string[]>[]) {
            for (const k of ["apiGroups", "resources", "verbs", "resourceNames"]) {
              assert.ok(!(rule[k] ?? []).includes("*"), `${obj.kind}/${obj.metadata.name} ${k}`);
            }
          }
        }
      });

      await t.step("SubjectAccessReview: allowed exactly where the table says", async (t) => {
        for (const [verb, group, res, namespace, allowed] of ACCESS) {
          const [resource, subresource = ""] = res.split("/");
          const where = namespace || "cluster";
          await t.step(
            `${allowed ? "may" : "may not"} ${verb} ${group || "core"}/${res} in ${where}`,
            async () => {
              const review = await kube.transport.json<Review>(
                "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                {
                  method: "POST",
                  body: {
                    apiVersion: "authorization.k8s.io/v1",
                    kind: "SubjectAccessReview",
                    spec: {
                      user: SA,
                      groups: [
                        "system:serviceaccounts",
                        `system:serviceaccounts:${SA_NS}`,
                        "system:authenticated",
                      ],
                      resourceAttributes: { verb, group, resource, subresource, namespace },
                    },
                  },
                },
              );
              assert.equal(review.status.allowed, allowed, review.status.reason ?? "");
            },
          );
        }
      });

      await t.step("real requests with the ServiceAccount's token", async (t) => {
        await apply(kube.transport, {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: APP_NS },
        });
        for (const obj of await readManifests("manifests/samples/variantautoscaling.yaml")) {
          await apply(kube.transport, obj);
        }
        await apply(kube.transport, {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "vllme-deployment", namespace: APP_NS },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: "vllme" } },
            template: {
              metadata: { labels: { app: "vllme" } },
              spec: { containers: [{ name: "vllme", image: "vllme:dev" }] },
            },
          },
        });
        const token = await kube.transport.json<{ status: { token: string } }>(
          `/api/v1/namespaces/${SA_NS}/serviceaccounts/wva-controller/token`,
          {
            method: "POST",
            body: {
              apiVersion: "authentication.k8s.io/v1",
              kind: "TokenRequest",
              spec: { expirationSeconds: 600 },
            },
          },
        );
        const kubeconfig = `${tmp}/sa.kubeconfig`;
        await Deno.writeTextFile(
          kubeconfig,
          JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{
              name: "c",
              cluster: {
                server: kube.connection.server,
                "certificate-authority-data": btoa(kube.connection.caPem ?? ""),
              },
            }],
            users: [{ name: "sa", user: { token: token.status.token } }],
            contexts: [{ name: "sa", context: { cluster: "c", user: "sa", namespace: SA_NS } }],
            "current-context": "sa",
          }),
        );
        const sa = loadKube({ kubeconfigPath: kubeconfig });
        const vaPath =
          `/apis/llmd.ai/v1alpha1/namespaces/${APP_NS}/variantautoscalings/vllme-deployment`;
        const merge = { method: "PATCH", contentType: "application/merge-patch+json" } as const;
        const cases: { name: string; run: () => Promise<unknown>; allowed: boolean }[] = [
          {
            name: "list VAs in all namespaces",
            run: () => sa.transport.json("/apis/llmd.ai/v1alpha1/variantautoscalings"),
            allowed: true,
          },
          {
            name: "read a VA and write its status (PUT, as src/adapters/kubernetes/actuator does)",
            run: async () => {
              const cur = await sa.transport.json<Record<string, unknown>>(vaPath);
              return sa.transport.json(`${vaPath}/status`, {
                method: "PUT",
                body: { ...cur, status: { actuation: { applied: true } } },
              });
            },
            allowed: true,
          },
          {
            name: "merge-patch a VA's status",
            run: () =>
              sa.transport.json(`${vaPath}/status`, {
                ...merge,
                body: { status: { actuation: { applied: false } } },
              }),
            allowed: false,
          },
          {
            name: "set replicas through /scale",
            run: () =>
              sa.setReplicas({
                apiVersion: "apps/v1",
                namespace: APP_NS,
                kind: "Deployment",
                name: "vllme-deployment",
              }, 2),
            allowed: true,
          },
          {
            name: "list HPAs in all namespaces (annotation discovery)",
            run: () => sa.transport.json("/apis/autoscaling/v2/horizontalpodautoscalers"),
            allowed: true,
          },
          {
            name: "read its ConfigMaps",
            run: () => sa.transport.json(`/api/v1/namespaces/${SA_NS}/configmaps`),
            allowed: true,
          },
          {
            name: "create its Lease",
            run: () =>
              sa.transport.json(`/apis/coordination.k8s.io/v1/namespaces/${SA_NS}/leases`, {
                method: "POST",
                body: {
                  metadata: { name: "wva-controller-leader" },
                  spec: { holderIdentity: "test" },
                },
              }),
            allowed: true,
          },
          {
            name: "change a VA's spec",
            run: () => sa.transport.json(vaPath, { ...merge, body: { spec: { maxReplicas: 9 } } }),
            allowed: false,
          },
          {
            name: "delete the Deployment",
            run: () =>
              sa.transport.json(`/apis/apps/v1/namespaces/${APP_NS}/deployments/vllme-deployment`, {
                method: "DELETE",
              }),
            allowed: false,
          },
          {
            name: "read Secrets",
            run: () => sa.transport.json(`/api/v1/namespaces/${SA_NS}/secrets`),
            allowed: false,
          },
          {
            name: "read ConfigMaps elsewhere",
            run: () => sa.transport.json(`/api/v1/namespaces/${APP_NS}/configmaps`),
            allowed: false,
          },
        ];
        try {
          for (const c of cases) {
            await t.step(`${c.allowed ? "can" : "cannot"} ${c.name}`, async () => {
              if (c.allowed) await c.run();
              else await assert.rejects(c.run, (err) => isForbidden(err));
            });
          }
        } finally {
          sa.close();
        }
        const dep = await kube.getScale({
          apiVersion: "apps/v1",
          namespace: APP_NS,
          kind: "Deployment",
          name: "vllme-deployment",
        });
        assert.equal(dep.spec.replicas, 2);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
      await cluster.stop();
    }
  },
);
