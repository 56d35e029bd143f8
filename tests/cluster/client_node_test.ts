/**
 * `@kubernetes/client-node` under Deno against a real kube-apiserver (basic tier: etcd +
 * apiserver with TLS, client-certificate auth and RBAC): the Kind-shaped kubeconfig, list, create,
 * a CRD's schema and status subresource, conflicts, a watch that survives an apiserver restart,
 * the `/scale` subresource, Lease MicroTime, and RBAC denials for a restricted service account.
 */
import "../../src/adapters/kubernetes/kube/quiet_punycode.ts"; // before client-node: silences its punycode deprecation warning
import assert from "node:assert/strict";
import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { parse } from "yaml";
import {
  isConflict,
  isForbidden,
  isNotFound,
  loadKube,
  statusCodeOf,
  toMicroTime,
  type WatchEvent,
} from "../../src/adapters/kubernetes/kube/mod.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";

const NS = "wva-test";
const GROUP = "test.wva.io";
const PLURAL = "testscalings";
const CRD_PATH = `/apis/${GROUP}/v1/namespaces/${NS}/${PLURAL}`;

interface TestScaling {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; generation?: number };
  spec: { modelID?: string; minReplicas?: number };
  status?: { desiredReplicas?: number };
}

const crd = {
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    names: { kind: "TestScaling", plural: PLURAL, singular: "testscaling", shortNames: ["tsc"] },
    scope: "Namespaced",
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: {
              type: "object",
              required: ["modelID"],
              properties: {
                modelID: { type: "string" },
                minReplicas: { type: "integer", minimum: 0 },
              },
            },
            status: { type: "object", properties: { desiredReplicas: { type: "integer" } } },
          },
        },
      },
    }],
  },
};

const item = (name: string, spec: TestScaling["spec"]): TestScaling => ({
  apiVersion: `${GROUP}/v1`,
  kind: "TestScaling",
  metadata: { name },
  spec,
});

const custom = { group: GROUP, version: "v1", namespace: NS, plural: PLURAL };

Deno.test(
  clusterTest("client-node under Deno against a real apiserver"),
  async (t) => {
    const cluster = await startTestCluster();
    const { kube } = cluster;
    try {
      await t.step(
        "the admin kubeconfig is Kind-shaped: CA, client cert and RSA key inlined",
        async () => {
          const cfg = parse(await Deno.readTextFile(cluster.kubeconfigPath));
          assert.match(cfg.clusters[0].cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
          assert.ok(cfg.clusters[0].cluster["certificate-authority-data"]);
          const user = cfg.users[0].user;
          assert.match(atob(user["client-certificate-data"]), /^-----BEGIN CERTIFICATE-----/);
          assert.match(atob(user["client-key-data"]), /^-----BEGIN RSA PRIVATE KEY-----/);
        },
      );

      await t.step(
        "client-node's own transport authenticates with the client certificate",
        async () => {
          const core = kube.kc.makeApiClient(CoreV1Api);
          const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
          assert.ok(names.includes("kube-system"), `namespaces: ${names}`);
        },
      );

      await t.step("loadKube() lists and creates through the Deno-native transport", async () => {
        await kube.core.createNamespace({ body: { metadata: { name: NS } } });
        const names = (await kube.core.listNamespace()).items.map((n) => n.metadata?.name);
        assert.ok(names.includes(NS));
        await assert.rejects(kube.core.readNamespace({ name: "no-such-ns" }), (e) => isNotFound(e));
      });

      await t.step(
        "a CRD: schema validation, status subresource, optimistic concurrency",
        async () => {
          await kube.apiextensions.createCustomResourceDefinition({ body: crd });
          await waitFor("CRD established", async () => {
            const c = await kube.apiextensions.readCustomResourceDefinition({
              name: crd.metadata.name,
            });
            return c.status?.conditions?.some((x) =>
              x.type === "Established" && x.status === "True"
            ) || undefined;
          });
          const created = await kube.custom.createNamespacedCustomObject({
            ...custom,
            body: item("a", { modelID: "m", minReplicas: 1 }),
          }) as TestScaling;
          await assert.rejects(
            kube.custom.createNamespacedCustomObject({
              ...custom,
              body: item("bad", { minReplicas: -1 }),
            }),
            (e) => statusCodeOf(e) === 422,
          );
          const patched = await kube.custom.patchNamespacedCustomObjectStatus(
            { ...custom, name: "a", body: { status: { desiredReplicas: 3 } } },
            setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
          ) as TestScaling;
          assert.equal(patched.status?.desiredReplicas, 3);
          assert.equal(
            patched.metadata.generation,
            created.metadata.generation,
            "status writes keep the generation",
          );
          const viaMain = await kube.transport.json<TestScaling>(`${CRD_PATH}/a`, {
            method: "PATCH",
            body: { status: { desiredReplicas: 9 } },
            contentType: "application/merge-patch+json",
          });
          assert.equal(viaMain.status?.desiredReplicas, 3, "the main resource ignores status");
          const stale = { ...created, spec: { modelID: "m2" } };
          await assert.rejects(
            kube.custom.replaceNamespacedCustomObject({ ...custom, name: "a", body: stale }),
            (e) => isConflict(e),
          );
        },
      );

      await t.step(
        "watch() resumes after an apiserver restart without losing or repeating events",
        async () => {
          const events: WatchEvent<TestScaling>[] = [];
          let errors = 0;
          const ac = new AbortController();
          const done = kube.watch<TestScaling>(CRD_PATH, {
            signal: ac.signal,
            onEvent: (e) => void events.push(e),
            onError: () => void errors++,
            backoff: { initialMs: 100, maxMs: 1000 },
          });
          try {
            await waitFor("initial ADDED", () => Promise.resolve(events.length === 1 || undefined));
            await cluster.restartApiserver();
            await kube.custom.createNamespacedCustomObject({
              ...custom,
              body: item("b", { modelID: "m" }),
            });
            await waitFor(
              "ADDED after restart",
              () => Promise.resolve(events.length === 2 || undefined),
            );
          } finally {
            ac.abort();
            await done;
          }
          assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), [
            "ADDED a",
            "ADDED b",
          ]);
          assert.ok(errors >= 1, "the restart should have broken the connection at least once");
        },
      );

      await t.step("a Deployment is scaled through the /scale subresource", async () => {
        await kube.apps.createNamespacedDeployment({
          namespace: NS,
          body: {
            metadata: { name: "web" },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: "web" } },
              template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "c", image: "x" }] },
              },
            },
          },
        });
        const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: NS, name: "web" };
        assert.equal((await kube.getScale(target)).spec.replicas, 1);
        const scaled = await kube.setReplicas(target, 4);
        assert.equal(scaled.spec.replicas, 4);
        const dep = await kube.apps.readNamespacedDeployment({ namespace: NS, name: "web" });
        assert.equal(dep.spec?.replicas, 4);
        await assert.rejects(kube.getScale({ ...target, name: "nope" }), (e) => isNotFound(e));
        await assert.rejects(kube.setReplicas(target, -1), RangeError);
      });

      await t.step(
        "Lease times need MicroTime: toMicroTime() is accepted, 3 digits are not",
        async () => {
          const path = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
          const lease = (name: string, renewTime: string) => ({
            metadata: { name },
            spec: { holderIdentity: "test", leaseDurationSeconds: 15, renewTime },
          });
          const nowMs = Date.UTC(2026, 10, 21, 10, 0, 0, 123);
          const ok = await kube.transport.json<{ spec: { renewTime: string } }>(path, {
            method: "POST",
            body: lease("micro", toMicroTime(nowMs)),
          });
          assert.equal(ok.spec.renewTime, "2026-11-21T10:00:00.123000Z");
          await assert.rejects(
            kube.transport.json(path, {
              method: "POST",
              body: lease("milli", new Date(nowMs).toISOString()),
            }),
            (e) => statusCodeOf(e) === 400,
          );
        },
      );

      await t.step(
        "the restricted service-account kubeconfig is denied what it lacks",
        async () => {
          const restricted = loadKube({ kubeconfigPath: cluster.restrictedKubeconfigPath });
          try {
            assert.equal(restricted.namespace, "wva-restricted");
            await restricted.core.listNamespacedConfigMap({ namespace: "wva-restricted" });
            const denied: Array<[string, () => Promise<unknown>]> = [
              ["create a ConfigMap", () =>
                restricted.core.createNamespacedConfigMap({
                  namespace: "wva-restricted",
                  body: { metadata: { name: "x" } },
                })],
              ["list nodes", () => restricted.core.listNode()],
              ["list pods elsewhere", () => restricted.core.listNamespacedPod({ namespace: NS })],
              ["scale a Deployment", () =>
                restricted.setReplicas({
                  apiVersion: "apps/v1",
                  kind: "Deployment",
                  namespace: NS,
                  name: "web",
                }, 0)],
            ];
            for (const [what, call] of denied) {
              await assert.rejects(call(), (e) => isForbidden(e), `${what} should be forbidden`);
            }
          } finally {
            restricted.close();
          }
        },
      );

      await t.step(
        "loadKube({inCluster}) uses the pod's token, CA and namespace files",
        async () => {
          const root = await Deno.makeTempDir({ prefix: "wva-pod-" });
          const sa = `${root}/var/run/secrets/kubernetes.io/serviceaccount`;
          await Deno.mkdir(sa, { recursive: true });
          const token =
            parse(await Deno.readTextFile(cluster.restrictedKubeconfigPath)).users[0].user.token;
          await Deno.writeTextFile(`${sa}/token`, token);
          await Deno.copyFile(`${cluster.dir}/pki/ca.crt`, `${sa}/ca.crt`);
          await Deno.writeTextFile(`${sa}/namespace`, "wva-restricted");
          const port = new URL(kube.connection.server).port;
          Deno.env.set("KUBERNETES_SERVICE_HOST", "127.0.0.1");
          Deno.env.set("KUBERNETES_SERVICE_PORT", port);
          const pod = loadKube({ inCluster: true, inClusterRoot: root });
          try {
            assert.equal(pod.connection.server, `https://127.0.0.1:${port}`);
            assert.equal(pod.namespace, "wva-restricted");
            await pod.core.listNamespacedConfigMap({ namespace: pod.namespace });
            await assert.rejects(pod.core.listNode(), (e) => isForbidden(e));
          } finally {
            pod.close();
            Deno.env.delete("KUBERNETES_SERVICE_HOST");
            Deno.env.delete("KUBERNETES_SERVICE_PORT");
            await Deno.remove(root, { recursive: true });
          }
        },
      );

      await t.step("`testcluster.sh status` reports the running components", async () => {
        const out = await cluster.run("status");
        assert.match(out, /kube-apiserver: running/);
        assert.match(out, /\/readyz: ok/);
      });
    } finally {
      await cluster.stop();
    }
  },
);
