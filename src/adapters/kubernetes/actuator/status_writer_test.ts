import assert from "node:assert/strict";
import { KubeApiError, type KubeTransport, type RequestOptions } from "../kube/mod.ts";
import type { VariantAutoscalingStatus } from "../../../core/api/v1alpha1.ts";
import { writeStatus } from "./status_writer.ts";

/** A transport that answers from a script of responses and records the requests. */
function scripted(answers: Array<unknown | KubeApiError>) {
  const calls: { path: string; method: string; body: unknown }[] = [];
  const transport = {
    server: "https://fake",
    fetch: () => Promise.reject(new Error("unused")),
    json<T>(path: string, o: RequestOptions = {}): Promise<T> {
      calls.push({ path, method: o.method ?? "GET", body: o.body });
      const next = answers.shift();
      return next instanceof KubeApiError ? Promise.reject(next) : Promise.resolve(next as T);
    },
    close() {},
  } satisfies KubeTransport;
  return { kube: { transport }, calls };
}

const conflict = new KubeApiError(409, "Conflict", "the object has been modified");
const ref = { namespace: "ns", name: "v" };
const built = (s: VariantAutoscalingStatus | undefined): VariantAutoscalingStatus => ({
  observedGeneration: (s?.observedGeneration ?? 0) + 1,
});

Deno.test("writeStatus() writes with the resourceVersion and retries conflicts", async (t) => {
  await t.step("first try from the cache", async () => {
    const { kube, calls } = scripted([{}]);
    const r = await writeStatus(kube, ref, built, { cached: { resourceVersion: "7", status: {} } });
    assert.equal(r, "written");
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.method, "PUT");
    assert.match(calls[0]!.path, /variantautoscalings\/v\/status$/);
    assert.deepEqual((calls[0]!.body as { metadata: unknown }).metadata, {
      name: "v",
      namespace: "ns",
      resourceVersion: "7",
    });
  });
  await t.step("a conflict re-reads the object and rebuilds from the fresh status", async () => {
    const fresh = { metadata: { resourceVersion: "9" }, status: { observedGeneration: 4 } };
    const { kube, calls } = scripted([conflict, fresh, {}]);
    const r = await writeStatus(kube, ref, built, { cached: { resourceVersion: "7", status: {} } });
    assert.equal(r, "written");
    assert.deepEqual(calls.map((c) => c.method), ["PUT", "GET", "PUT"]);
    const body = calls[2]!.body as { metadata: { resourceVersion: string }; status: unknown };
    assert.equal(body.metadata.resourceVersion, "9");
    assert.deepEqual(body.status, { observedGeneration: 5 });
  });
  await t.step("gives up after the attempts, and a deleted VA is not an error", async () => {
    const { kube } = scripted([conflict, {}, conflict, {}, conflict]);
    await assert.rejects(
      () => writeStatus(kube, ref, built, { cached: {}, attempts: 3 }),
      /modified/,
    );
    const gone = scripted([new KubeApiError(404, "NotFound", "gone")]);
    assert.equal(await writeStatus(gone.kube, ref, built), "gone");
  });
  await t.step("nothing to write: no request", async () => {
    const { kube, calls } = scripted([]);
    assert.equal(await writeStatus(kube, ref, () => undefined, { cached: {} }), "unchanged");
    assert.equal(calls.length, 0);
  });
});
