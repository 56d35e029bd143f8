import assert from "node:assert/strict";
import {
  endpointView,
  type PodInfo,
  projectPod,
  projectService,
  projectSlice,
  type RawSlice,
} from "./view.ts";

const svc = (name: string, model?: string, namespace = "llm") =>
  projectService({
    metadata: {
      name,
      namespace,
      ...(model !== undefined ? { annotations: { "llm-d.ai/model-id": model } } : {}),
    },
  });

type Ep = NonNullable<RawSlice["endpoints"]>[number];
const ep = (pod: string, address: string, conditions: Ep["conditions"] = {}): Ep => ({
  addresses: [address],
  conditions,
  targetRef: { kind: "Pod", name: pod },
});
const slice = (
  service: string,
  endpoints: Ep[],
  ports: RawSlice["ports"] = [{ name: "http", port: 8000 }],
) =>
  projectSlice({
    metadata: {
      name: `${service}-x`,
      namespace: "llm",
      labels: { "kubernetes.io/service-name": service },
    },
    ports,
    endpoints,
  })!;

Deno.test("projections keep what the view needs and drop the rest", async (t) => {
  await t.step("a Service without the model annotation serves nothing", () => {
    assert.equal(svc("plain"), undefined);
    assert.equal(svc("blank", "  "), undefined);
    assert.deepEqual(svc("s", "m/x"), { namespace: "llm", name: "s", model: "m/x" });
  });
  await t.step("a slice without the service-name label is not a Service's", () => {
    assert.equal(projectSlice({ metadata: { name: "x" }, endpoints: [] }), undefined);
  });
  await t.step("ready: not false and not terminating; ready unset counts as ready", () => {
    const s = slice("s", [
      ep("a", "10.0.0.1", { ready: true }),
      ep("b", "10.0.0.2", { ready: false }),
      ep("c", "10.0.0.3", { ready: true, terminating: true }),
      ep("d", "10.0.0.4", null),
    ]);
    assert.deepEqual(s.endpoints.map((e) => [e.pod, e.ready, e.terminating]), [
      ["a", true, false],
      ["b", false, false],
      ["c", false, true],
      ["d", true, false],
    ]);
  });
  await t.step("the port named http, else the first; none without ports", () => {
    assert.equal(
      slice("s", [], [{ name: "metrics", port: 9090 }, { name: "http", port: 8000 }]).port,
      8000,
    );
    assert.equal(slice("s", [], [{ name: "grpc", port: 9000 }]).port, 9000);
    assert.equal(slice("s", [], []).port, undefined);
  });
  await t.step("a pod with neither the endpoint annotation nor a variant label is dropped", () => {
    assert.equal(projectPod({ metadata: { name: "p", namespace: "llm" } }), undefined);
    assert.deepEqual(
      projectPod({
        metadata: {
          name: "p",
          namespace: "llm",
          labels: { "llm-d.ai/variant": "v" },
          annotations: { "wva.llmd.ai/endpoint": "127.0.0.1:4000" },
        },
      }),
      { namespace: "llm", name: "p", endpoint: "127.0.0.1:4000", variant: "v" },
    );
  });
});

Deno.test("endpointView: models, ready sets, leaving ids and URLs", async (t) => {
  const pods = new Map<string, PodInfo>([
    ["llm/a", { namespace: "llm", name: "a", endpoint: "127.0.0.1:4000", variant: "va" }],
    ["llm/b", { namespace: "llm", name: "b", endpoint: undefined, variant: "vb" }],
  ]);
  const services = [svc("s1", "m1")!, svc("s2", "m2")!, svc("other", "m1", "elsewhere")!];
  const cases: {
    name: string;
    slices: ReturnType<typeof slice>[];
    want: Record<string, { id: string; url: string; variant?: string }[]>;
    leaving: string[];
  }[] = [
    {
      name: "annotation wins over the address; address:port without one; unknown pod → address id",
      slices: [
        slice("s1", [ep("a", "10.244.0.5"), ep("b", "10.244.0.6")]),
        slice("s2", [{ addresses: ["10.0.0.9"] }]),
      ],
      want: {
        m1: [
          { id: "a", url: "http://127.0.0.1:4000", variant: "va" },
          { id: "b", url: "http://10.244.0.6:8000", variant: "vb" },
        ],
        m2: [{ id: "10.0.0.9:8000", url: "http://10.0.0.9:8000" }],
      },
      leaving: [],
    },
    {
      name: "a terminating endpoint is leaving, in any of the Service's slices",
      slices: [
        slice("s1", [ep("a", "10.244.0.5")]),
        slice("s1", [ep("a", "10.244.0.5", { terminating: true })]),
      ],
      want: {},
      leaving: ["a"],
    },
    {
      name: "an endpoint moved between slices is listed once",
      slices: [
        slice("s1", [ep("b", "10.244.0.6", { ready: false })]),
        slice("s1", [ep("b", "10.244.0.6")]),
      ],
      want: { m1: [{ id: "b", url: "http://10.244.0.6:8000", variant: "vb" }] },
      leaving: [],
    },
    {
      name: "slices of an unannotated Service or without a port are ignored; IPv6 in brackets",
      slices: [
        slice("plain", [ep("a", "10.0.0.1")]),
        slice("s1", [ep("x", "10.0.0.2")], []),
        slice("s2", [{ addresses: ["fd00::1"] }]),
      ],
      want: { m2: [{ id: "[fd00::1]:8000", url: "http://[fd00::1]:8000" }] },
      leaving: [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const v = endpointView(services, c.slices, pods);
      assert.deepEqual(v.models, ["m1", "m2"]);
      const got = Object.fromEntries(
        [...v.ready].map(([m, es]) => [m, es.map((e) => ({ ...e, namespace: undefined }))]),
      );
      const want = Object.fromEntries(
        Object.entries(c.want).map((
          [m, es],
        ) => [m, es.map((e) => ({ ...e, namespace: undefined }))]),
      );
      assert.deepEqual(got, want);
      assert.deepEqual([...v.leaving], c.leaving);
    });
  }
});
