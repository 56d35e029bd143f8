/**
 * The EndpointSource contract (gateway_endpoints_contract.ts) run against the local
 * implementation, fed the way the demo feeds it (a listing function over a pool, `changed()`
 * after each pool event), and against the Kubernetes one (src/adapters/kubernetes/endpoints/) on
 * a real kube-apiserver, with a harness that writes Services and EndpointSlices.
 */
import assert from "node:assert/strict";
import { createLocalEndpoints, type Endpoint } from "../../src/adapters/gateway/endpoints.ts";
import { startKubeEndpoints } from "../../src/adapters/kubernetes/endpoints/mod.ts";
import {
  clusterTest,
  startTestCluster,
  type TestCluster,
  waitFor,
} from "../helpers/testcluster.ts";
import { type EndpointHarness, endpointSourceContract } from "./gateway_endpoints_contract.ts";

interface Member extends Endpoint {
  readonly model: string;
  ready: boolean;
  leaving: boolean;
}

function localHarness(): Promise<EndpointHarness> {
  const members = new Map<string, Member>();
  let seq = 0;
  const source = createLocalEndpoints({
    models: ["m1", "m2"],
    list: (model) =>
      [...members.values()].filter((e) => e.model === model && e.ready && !e.leaving),
    leaving: (id) => members.get(id)?.leaving ?? false,
  });
  const change = (id: string, patch: Partial<Pick<Member, "ready" | "leaving">>) => {
    Object.assign(members.get(id)!, patch);
    source.changed();
    return Promise.resolve();
  };
  return Promise.resolve({
    source,
    models: ["m1", "m2"],
    add(model, ready) {
      const id = `${model}-${seq++}`;
      members.set(id, { id, url: `http://127.0.0.1:${9000 + seq}`, model, ready, leaving: false });
      source.changed();
      return Promise.resolve(id);
    },
    setReady: (id, ready) => change(id, { ready }),
    setLeaving: (id) => change(id, { leaving: true, ready: false }),
    remove(id) {
      members.delete(id);
      source.changed();
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
}

endpointSourceContract("local", localHarness, { settleMs: 500 });

// ---- Kubernetes: Services and EndpointSlices on a real kube-apiserver ----------------------

/** One basic-tier cluster (etcd + apiserver) shared by the Kubernetes cases, stopped by the last test. */
let shared: Promise<TestCluster> | undefined;
const cluster = () => (shared ??= startTestCluster());
const K8S = {
  ignore: clusterTest("Kubernetes endpoints").ignore,
  sanitizeOps: false,
  sanitizeResources: false,
};
let nsSeq = 0;

/** A Service annotated with the model it serves (no selector: the harness writes its slices). */
function service(name: string, model: string) {
  return {
    metadata: { name, annotations: { "llm-d.ai/model-id": model } },
    spec: { ports: [{ name: "http", port: 8000 }] },
  };
}

/** One slice per endpoint, as the EndpointSlice controller may cut them. */
function slice(id: string, svc: string, conditions: Record<string, boolean>) {
  const octet = Number(/(\d+)$/.exec(id)?.[1] ?? 0) + 1;
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: id, labels: { "kubernetes.io/service-name": svc } },
    addressType: "IPv4",
    ports: [{ name: "http", port: 8000, protocol: "TCP" }],
    endpoints: [{
      addresses: [`10.244.1.${octet}`],
      conditions,
      targetRef: { kind: "Pod", name: id },
    }],
  };
}

async function kubeHarness(): Promise<EndpointHarness> {
  const c = await cluster();
  const ns = `gw-${Deno.pid}-${nsSeq++}`;
  const base = `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;
  await c.kube.core.createNamespace({ body: { metadata: { name: ns } } });
  const models: [string, string] = ["org/m1", "org/m2"];
  const svcOf = new Map([[models[0], "m1"], [models[1], "m2"]]);
  for (const [model, name] of svcOf) {
    await c.kube.core.createNamespacedService({ namespace: ns, body: service(name, model) });
  }
  const source = startKubeEndpoints(c.kube, { namespace: ns });
  await source.synced;
  await waitFor(
    "both models listed",
    () => Promise.resolve(source.models().length === 2 ? true : undefined),
  );
  const modelOf = new Map<string, string>();
  let seq = 0;
  const patch = (id: string, conditions: Record<string, boolean>) =>
    c.kube.transport.json(`${base}/${id}`, {
      method: "PUT", // unconditional update: EndpointSlices allow it
      body: slice(id, svcOf.get(modelOf.get(id)!)!, conditions),
    }).then(() => {});
  return {
    source,
    models,
    async add(model, ready) {
      const id = `ep-${seq++}`;
      modelOf.set(id, model);
      await c.kube.transport.json(base, {
        method: "POST",
        body: slice(id, svcOf.get(model)!, { ready }),
      });
      return id;
    },
    setReady: (id, ready) => patch(id, { ready }),
    setLeaving: (id) => patch(id, { ready: false, serving: true, terminating: true }),
    remove: (id) => c.kube.transport.json(`${base}/${id}`, { method: "DELETE" }).then(() => {}),
    async close() {
      await source.stop();
      await c.kube.core.deleteNamespace({ name: ns }).catch(() => {});
    },
  };
}

endpointSourceContract("Kubernetes EndpointSlices", kubeHarness, { settleMs: 5000, test: K8S });

Deno.test({
  ...K8S,
  name:
    "Kubernetes endpoints: the pod's wva.llmd.ai/endpoint annotation gives the URL, else the slice address",
  fn: async () => {
    const c = await cluster();
    const ns = `gw-${Deno.pid}-pods`;
    await c.kube.core.createNamespace({ body: { metadata: { name: ns } } });
    await c.kube.core.createNamespacedService({ namespace: ns, body: service("m1", "org/m1") });
    for (
      const [name, annotations] of [["ep-1", { "wva.llmd.ai/endpoint": "127.0.0.1:40123" }], [
        "ep-2",
        {},
      ]] as const
    ) {
      await c.kube.core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name, annotations, labels: { "llm-d.ai/variant": "v1" } },
          spec: { containers: [{ name: "vllm", image: "vllm:emulated" }] },
        },
      });
      await c.kube.transport.json(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, {
        method: "POST",
        body: slice(name, "m1", { ready: true }),
      });
    }
    const source = startKubeEndpoints(c.kube, { namespace: ns });
    try {
      await source.synced;
      const got = await waitFor(
        "two ready endpoints",
        () =>
          Promise.resolve(source.ready("org/m1").length === 2 ? source.ready("org/m1") : undefined),
      );
      assert.deepEqual(got.map((e) => [e.id, e.url, e.variant, e.namespace]), [
        ["ep-1", "http://127.0.0.1:40123", "v1", ns],
        ["ep-2", "http://10.244.1.3:8000", "v1", ns],
      ]);
    } finally {
      await source.stop();
    }
  },
});

Deno.test({
  ...K8S,
  name: "Kubernetes endpoints: stop the shared cluster",
  fn: async () => {
    if (shared) await (await shared).stop();
  },
});
