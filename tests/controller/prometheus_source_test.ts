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

/**
 * A stand-in for the inference gateway's `/metrics`: the flow-control queue of `m1` (3 requests,
 * 1200 bytes) under both metric families, a legacy series naming only `model_name`, a dispatch
 * counter growing about 10 per second and flow-control departures of m1 growing 10 per second
 * dispatched plus 5 rejected (15 arriving); `m2` has nothing leaving and a queue growing 4 per
 * second (4 arriving).
 */
function startFakeGateway(): { port: number; stop(): Promise<void> } {
  const t0 = Date.now();
  const flow = 'fairness_id="default-flow",priority="0",inference_pool="m1"';
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    const ms = Date.now() - t0;
    const count = Math.floor(ms / 100);
    const m1 = `${flow},model_name="m1",target_model_name="m1"`;
    const m2 = `${flow},model_name="m2",target_model_name="m2"`;
    const left = "llm_d_epp_flow_control_request_queue_duration_seconds_count";
    const text = [
      `inference_extension_flow_control_queue_size{${m1}} 3`,
      `inference_extension_flow_control_queue_bytes{${m1}} 1200`,
      `llm_d_epp_flow_control_queue_size{${m1}} 3`,
      `llm_d_epp_flow_control_queue_bytes{${m1}} 1200`,
      `inference_extension_flow_control_queue_size{${flow},model_name="legacy",target_model_name=""} 2`,
      `inference_extension_scheduler_attempts_total{status="success",target_model_name="m1",pod_name="m1-pod-0",namespace="ns",port="8000"} ${count}`,
      `${left}{${m1},outcome="Dispatched"} ${count}`,
      `${left}{${m1},outcome="RejectedCapacity"} ${Math.floor(ms / 200)}`,
      `llm_d_epp_flow_control_queue_size{${m2}} ${Math.floor(ms / 250)}`,
      `${left}{${m2},outcome="Dispatched"} 0`,
      "",
    ].join("\n");
    return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4" } });
  });
  return { port: server.addr.port, stop: () => server.shutdown() };
}

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
        // No series: unknown, never 0 (issue 12 case 4: 0 made a model without replicas idle)
        requestsInWindow: undefined,
      });
    });
    await t.step(
      "the inference gateway's queue and arrival counter, per target model",
      async () => {
        const gw = startFakeGateway();
        try {
          await prom.setTargets([group(0), group(1), { targets: [`127.0.0.1:${gw.port}`] }]);
          const [m, legacy, m2] = await waitFor("gateway series", async () => {
            const r = await source.collect({
              nowMs: Date.now(),
              models: [
                { modelId: "m1", namespace: "ns", variants: [] },
                { modelId: "legacy", namespace: "ns", variants: [] },
                { modelId: "m2", namespace: "ns", variants: [] },
              ],
            });
            // rate() over a window not yet full of samples reads low: wait for a full window.
            return r[0]!.schedulerQueue && r[1]!.schedulerQueue &&
                r[0]!.arrivalSource === "gateway" && (r[0]!.arrivalRatePerSec ?? 0) > 12 &&
                (r[2]!.arrivalRatePerSec ?? 0) > 2.5
              ? r
              : undefined;
          }, { timeoutMs: 20_000, intervalMs: 300 });
          // Both metric families are exported: counted once (GIE's first).
          assert.deepEqual(m!.schedulerQueue, { requests: 3, bytes: 1200 });
          // 10 dispatched + 5 rejected per second arrive; the 10 dispatches alone understate.
          assert.ok(
            m!.arrivalRatePerSec! > 12 && m!.arrivalRatePerSec! < 19,
            `${m!.arrivalRatePerSec}`,
          );
          // Nothing leaves m2's queue; it grows by 4 per second: 4 arrive (delta() extrapolates).
          assert.equal(m2!.arrivalSource, "gateway");
          assert.ok(
            m2!.arrivalRatePerSec! > 2.5 && m2!.arrivalRatePerSec! < 7,
            `${m2!.arrivalRatePerSec}`,
          );
          assert.deepEqual(legacy!.schedulerQueue, { requests: 2 }, "model_name fallback");
        } finally {
          await prom.setTargets([group(0), group(1)]);
          await gw.stop();
        }
      },
    );
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
