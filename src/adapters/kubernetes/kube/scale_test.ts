import assert from "node:assert/strict";
import { scalePath } from "./scale.ts";

Deno.test("scalePath() builds the /scale URL for core, apps and custom workloads", async (t) => {
  const cases: Array<[Parameters<typeof scalePath>[0], string]> = [
    [
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" },
      "/apis/apps/v1/namespaces/ns/deployments/web/scale",
    ],
    [
      { apiVersion: "apps/v1", kind: "StatefulSet", namespace: "ns", name: "db" },
      "/apis/apps/v1/namespaces/ns/statefulsets/db/scale",
    ],
    [
      { apiVersion: "v1", kind: "ReplicationController", namespace: "ns", name: "rc" },
      "/api/v1/namespaces/ns/replicationcontrollers/rc/scale",
    ],
    [
      {
        apiVersion: "leaderworkerset.x-k8s.io/v1",
        kind: "LeaderWorkerSet",
        namespace: "ns",
        name: "lws",
      },
      "/apis/leaderworkerset.x-k8s.io/v1/namespaces/ns/leaderworkersets/lws/scale",
    ],
    [
      { apiVersion: "x.io/v1", kind: "Widget", namespace: "ns", name: "w" },
      "/apis/x.io/v1/namespaces/ns/widgets/w/scale",
    ],
    [
      { apiVersion: "x.io/v1", kind: "Policy", namespace: "ns", name: "p", resource: "policies" },
      "/apis/x.io/v1/namespaces/ns/policies/p/scale",
    ],
  ];
  for (const [target, path] of cases) {
    await t.step(`${target.kind} → ${path}`, () => assert.equal(scalePath(target), path));
  }
});
