/**
 * The Prometheus metrics source against a real Prometheus scraping real emulator servers: the
 * named queries return per-pod samples with fresh timestamps and the model's load; a model
 * without series is tolerated; a removed target goes stale; a stopped Prometheus is an error
 * per model.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { createPromClient } from "../../src/adapters/prometheus/client.ts";
import { createPrometheusSource } from "../../src/adapters/prometheus/source.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { waitFor } from "../helpers/testcluster.ts";
import { TEST_EMULATOR } from "./helpers/emulated_pods.ts";

Deno.test("Prometheus source on a real Prometheus", async (t) => {
  const emus = await Promise.all(
    [0, 1].map(() => startEmulator({ ...TEST_EMULATOR, port: 0, model: "m1" })),
  );
  const group = (i: number) => ({
    targets: [`127.0.0.1:${emus[i]!.port}`],
    labels: { pod: `m1-pod-${i}`, namespace: "ns" },
  });
  const prom = await startPrometheus({ fileTargets: [group(0), group(1)], scrapeIntervalSec: 1 });
  const client = createPromClient({ url: prom.url });
  const source = createPrometheusSource(client, { windows: { windowSec: 5, tokenWindowSec: 10 } });
  const request = (nowMs: number) => ({
    nowMs,
    models: [
      { modelId: "m1", namespace: "ns", variants: [], requestWindowMs: 60_000 },
      { modelId: "absent", namespace: "ns", variants: [], requestWindowMs: 60_000 },
    ],
  });
  try {
    await t.step("per-pod samples and model load after some requests", async () => {
      let sending = true;
      const sender = (async () => {
        for (let i = 0; sending; i++) {
          const res = await fetch(`${emus[i % 2]!.url}/v1/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "m1", prompt: "hello ".repeat(40), max_tokens: 8 }),
          });
          await res.text();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const m = await waitFor("both pods and a request rate", async () => {
        const [r] = await source.collect(request(Date.now()));
        return r!.replicas.length === 2 && (r!.arrivalRatePerSec ?? 0) > 0 &&
            r!.avgOutputTokens !== undefined && r!.ttftMs !== undefined
          ? r
          : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 }).finally(async () => {
        sending = false;
        await sender;
      });
      assert.deepEqual(m.replicas.map((r) => r.replicaId), ["m1-pod-0", "m1-pod-1"]);
      for (const r of m.replicas) {
        assert.ok(r.kvUsage01! >= 0 && r.kvUsage01! < 0.1);
        assert.ok(r.queueLength! >= 0 && r.queueLength! <= 1);
        assert.ok(r.numGpuBlocks! > 0 && r.blockSize === 16);
        assert.ok(Date.now() - r.sampleMs! < 5000, `sample age ${Date.now() - r.sampleMs!} ms`);
      }
      assert.ok(m.avgOutputTokens! > 7 && m.avgOutputTokens! < 9, `avg out ${m.avgOutputTokens}`);
      assert.ok(m.avgInputTokens! > 30, `avg in ${m.avgInputTokens}`);
      assert.ok(m.ttftMs! > 0);
      assert.ok(m.requestsInWindow! > 0, `requests ${m.requestsInWindow}`);
    });
    await t.step("a model without series: no samples, no error", async () => {
      const [, absent] = await source.collect(request(Date.now()));
      assert.deepEqual(absent, {
        modelId: "absent",
        namespace: "ns",
        replicas: [],
        arrivalRatePerSec: undefined,
        avgInputTokens: undefined,
        avgOutputTokens: undefined,
        ttftMs: undefined,
        itlMs: undefined,
        requestsInWindow: 0,
      });
    });
    await t.step(
      "a removed target goes stale (no sample time) while its window lasts",
      async () => {
        await prom.setTargets([group(0)]);
        const m = await waitFor("pod 1 without a fresh sample", async () => {
          const [r] = await source.collect(request(Date.now()));
          const p1 = r!.replicas.find((x) => x.replicaId === "m1-pod-1");
          return p1 && p1.sampleMs === undefined ? r : undefined;
        }, { timeoutMs: 20_000, intervalMs: 300 });
        assert.ok(m.replicas.find((x) => x.replicaId === "m1-pod-0")!.sampleMs !== undefined);
      },
    );
    await t.step("Prometheus down: every model gets an error", async () => {
      await prom.pause();
      const r = await source.collect(request(Date.now()));
      assert.ok(r.every((m) => m.error?.includes("unreachable")));
    });
  } finally {
    client.close();
    await prom.stop();
    await Promise.all(emus.map((e) => e.stop()));
  }
});
