/**
 * `wva migrate` against a real kube-apiserver (tests/helpers/testcluster.ts): the HPA and
 * ScaledObject it prints for the shipped VA apply server-side with strict field validation, and
 * reading the cluster (read-only) gives the same objects as reading the files, and back.
 */
import assert from "node:assert/strict";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { parseVariantAutoscaling } from "../../src/core/api/v1alpha1.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";
import { apply, type Manifest, readManifests } from "../manifests/apply.ts";
import { migrate, repoFile } from "./helpers.ts";

const NS = "llm-d-sim";
const VA_SAMPLE = repoFile("manifests/samples/variantautoscaling.yaml");

function docs(yaml: string): Manifest[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Manifest);
}

Deno.test(
  { ...clusterTest("wva migrate reads a real cluster and its output applies") },
  async (t) => {
    const cluster = await startTestCluster();
    const { transport } = cluster.kube;
    const kc = ["--kubeconfig", cluster.kubeconfigPath];
    try {
      await t.step("set up: CRDs, namespace, the shipped VA", async () => {
        const crds = [
          ...await readManifests("manifests/crd.yaml"),
          ...await readManifests("tests/fixtures/keda_scaledobject_crd.yaml"),
        ];
        for (const crd of crds) {
          await apply(transport, crd);
          await waitFor(`CRD ${crd.metadata.name} Established`, async () => {
            const got = await transport.json<
              { status?: { conditions?: { type: string; status: string }[] } }
            >(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
            return got.status?.conditions?.some((c) =>
                c.type === "Established" && c.status === "True"
              )
              ? true
              : undefined;
          });
        }
        await apply(transport, { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
        for (const obj of await readManifests("manifests/samples/variantautoscaling.yaml")) {
          await apply(transport, obj);
        }
      });

      await t.step(
        "--to hpa|scaledobject from the cluster = from the file; both apply",
        async () => {
          for (const to of ["hpa", "scaledobject"]) {
            const fromFile = await migrate(["--to", to, "-f", VA_SAMPLE]);
            const fromCluster = await migrate(["--to", to, ...kc, "-n", NS]);
            assert.equal(fromCluster.code, 0, fromCluster.stderr);
            assert.equal(fromCluster.stdout, fromFile.stdout);
            for (const obj of docs(fromCluster.stdout)) await apply(transport, obj);
          }
        },
      );

      await t.step(
        "--to va from the cluster: one VA for the HPA and the ScaledObject",
        async () => {
          const r = await migrate(["--to", "va", ...kc, "-o", "json"]);
          assert.equal(r.code, 0, r.stderr);
          assert.match(
            r.stderr,
            /note: Deployment llm-d-sim\/vllme-deployment is defined by ScaledObject llm-d-sim\/vllme-deployment \(used.*HorizontalPodAutoscaler llm-d-sim\/vllme-deployment \(ignored\)/,
          );
          const items = (JSON.parse(r.stdout) as { items: unknown[] }).items;
          assert.equal(items.length, 1);
          const back = parseVariantAutoscaling(items[0]);
          const shipped = parseVariantAutoscaling(parseYaml(await Deno.readTextFile(VA_SAMPLE)));
          assert.ok(back.ok && shipped.ok);
          assert.deepEqual(back.va.spec, shipped.va.spec);
        },
      );

      await t.step("a namespace without VAs is bad input (exit 2)", async () => {
        const r = await migrate(["--to", "hpa", ...kc, "-n", "default"]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /no VariantAutoscaling found in the input in namespace default/);
      });
    } finally {
      await cluster.stop();
    }
  },
);
