/**
 * The metrics-source contract (metrics_source_contract.ts) against every adapter: the in-memory
 * source, the direct scrape of replicas' `/metrics`, and a real Prometheus (/usr/bin/prometheus)
 * scraping them. The replicas are fixed vLLM exposition endpoints on loopback.
 */
import { memoryMetrics } from "../../src/adapters/memory/memory_ports.ts";
import { createPromClient } from "../../src/adapters/prometheus/client.ts";
import { createPrometheusSource } from "../../src/adapters/prometheus/source.ts";
import { createScrapeSource } from "../../src/adapters/scrape/source.ts";
import type { ModelMetrics } from "../../src/core/contract/ports.ts";
import { startPrometheus } from "../helpers/prometheus.ts";
import { waitFor } from "../helpers/testcluster.ts";
import { startFakeVllm } from "./helpers/fake_vllm.ts";
import { metricsSourceContract, type ReplicaFixture } from "./metrics_source_contract.ts";

function startReplicas(fixture: readonly ReplicaFixture[]) {
  const servers = fixture.map((f) => ({ fixture: f, server: startFakeVllm(f) }));
  return {
    servers,
    stop: () => Promise.all(servers.map((s) => s.server.stop())).then(() => {}),
  };
}

Deno.test("MetricsSource contract: memory", async (t) => {
  await metricsSourceContract(t, (fixture) => {
    let broken = false;
    const source = memoryMetrics((request) =>
      request.models.map((m): ModelMetrics => {
        if (broken) {
          return { modelId: m.modelId, namespace: m.namespace, error: "down", replicas: [] };
        }
        const mine = fixture.filter((f) => f.namespace === m.namespace && f.modelId === m.modelId);
        return {
          modelId: m.modelId,
          namespace: m.namespace,
          replicas: mine.map((f) => ({
            replicaId: f.pod,
            variant: f.variant,
            kvUsage01: f.kvUsage01,
            queueLength: f.queueLength,
            runningRequests: f.runningRequests,
            numGpuBlocks: f.numGpuBlocks,
            blockSize: f.blockSize,
            sampleMs: request.nowMs,
          })),
        };
      })
    );
    return Promise.resolve({
      source,
      ready: () => Promise.resolve(),
      breakSource: () => Promise.resolve(void (broken = true)),
      close: () => Promise.resolve(),
    });
  });
});

Deno.test("MetricsSource contract: direct scrape", async (t) => {
  await metricsSourceContract(t, (fixture) => {
    const replicas = startReplicas(fixture);
    const source = createScrapeSource({
      targets: () =>
        replicas.servers.map(({ fixture: f, server }) => ({
          replicaId: f.pod,
          variant: f.variant,
          modelId: f.modelId,
          namespace: f.namespace,
          url: server.url,
        })),
      timeoutMs: 1_000,
    });
    let stopped = false;
    return Promise.resolve({
      source,
      ready: () => source.scrape(),
      breakSource: async () => {
        stopped = true;
        await replicas.stop();
      },
      close: async () => {
        if (!stopped) await replicas.stop();
      },
    });
  });
});

Deno.test({
  name: "MetricsSource contract: Prometheus",
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  await metricsSourceContract(t, async (fixture) => {
    const replicas = startReplicas(fixture);
    const prom = await startPrometheus({
      scrapeIntervalSec: 1,
      fileTargets: replicas.servers.map(({ fixture: f, server }) => ({
        targets: [server.target],
        labels: { namespace: f.namespace, pod: f.pod, llm_d_ai_variant: f.variant },
      })),
    });
    const client = createPromClient({ url: prom.url });
    const source = createPrometheusSource(client, {
      windows: { windowSec: 5, tokenWindowSec: 10 },
    });
    return {
      source,
      ready: () =>
        waitFor("every replica scraped", async () => {
          const series = await prom.query("vllm:cache_config_info");
          return series.length === fixture.length ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 250 }).then(() => {}),
      breakSource: () => prom.pause(),
      close: async () => {
        client.close();
        await prom.stop();
        await replicas.stop();
      },
    };
  });
});
