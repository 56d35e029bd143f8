/**
 * Benchmark of the controller's cycle for 100 and 1,000 VariantAutoscalings.
 *
 * Part 1 — the cycle alone (in-memory ports, src/adapters/memory/memory_ports.ts): `runCycle` over N
 * variants (2 per model, 3 replicas each), against the decision core alone (the analyze and
 * optimize stages on the same observations) measured in the same run as the baseline.
 *
 * Part 2 — the whole controller on a real kube-apiserver (basic test tier): N VAs and N
 * Deployments, watch caches, status writes, gauges; the metrics come from a fake Prometheus HTTP
 * API on loopback that answers the controller's real queries with synthetic per-pod series
 * (labelled `llm_d_ai_variant`, so no pods are needed). Reports the first cycle (every status
 * written), steady cycles (statuses unchanged) and the process RSS.
 *
 *   deno run -A scripts/bench_controller.ts [--sizes 100,1000] [--cycles 20] [--skip-cluster]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { analyzeModels } from "../src/core/analyze/mod.ts";
import { optimizeModels } from "../src/core/optimize/mod.ts";
import { runCycle } from "../src/runtime/run_cycle.ts";
import {
  memoryCluster,
  memoryMetrics,
  memorySink,
  variantSnapshot,
} from "../src/adapters/memory/memory_ports.ts";
import type { MetricsRequest, ModelMetrics, VariantSnapshot } from "../src/core/contract/ports.ts";
import { buildObservation, groupModels } from "../src/core/cycle/observe.ts";
import { DEFAULT_CYCLE_SETTINGS, EMPTY_CYCLE_STATE } from "../src/core/contract/settings.ts";
import { median, percentile } from "../src/core/util/stats.ts";
import { benchController } from "./bench_controller_cluster.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000" },
    cycles: { type: "string", default: "20" },
    "skip-cluster": { type: "boolean", default: false },
  },
});
const sizes = values.sizes!.split(",").map(Number);
const cycles = Number(values.cycles);

function variants(n: number): VariantSnapshot[] {
  return Array.from({ length: n }, (_, i) =>
    variantSnapshot({
      name: `va-${i}`,
      namespace: `ns-${Math.floor(i / 2) % 10}`,
      modelId: `m-${Math.floor(i / 2)}`,
      costPerReplica: i % 2 === 0 ? 10 : 50,
      currentReplicas: 3,
      maxReplicas: 8,
    }));
}

function metricsFor(nowMs: number) {
  return (req: MetricsRequest): ModelMetrics[] =>
    req.models.map((m, mi) => ({
      modelId: m.modelId,
      namespace: m.namespace,
      arrivalRatePerSec: 5,
      avgInputTokens: 512,
      avgOutputTokens: 128,
      replicas: m.variants.flatMap((v) =>
        v.replicaIds.map((id, k) => ({
          replicaId: id,
          kvUsage01: ((mi * 7 + k * 13) % 90) / 100,
          queueLength: (mi + k) % 6,
          runningRequests: 4,
          numGpuBlocks: 2000,
          blockSize: 16,
          sampleMs: nowMs,
        }))
      ),
    }));
}

function ms(x: number): string {
  return x < 10 ? x.toFixed(2) : x.toFixed(1);
}

console.log("wva controller benchmark");
console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`);
console.log(
  "\nPart 1: one cycle with in-memory ports (fake cluster, fake metrics, recording sink)",
);
console.log("  VAs   models  runCycle p50  p90      core stages p50   cycle/core");
for (const n of sizes) {
  const vs = variants(n);
  const nowMs = 1_000_000;
  const deps = {
    cluster: memoryCluster({ variants: vs }),
    metrics: memoryMetrics(metricsFor(nowMs)),
    sink: memorySink(),
  };
  const cycleMs: number[] = [];
  let state = EMPTY_CYCLE_STATE;
  for (let i = 0; i < cycles + 3; i++) {
    const t0 = performance.now();
    const r = await runCycle(deps, { nowMs, settings: DEFAULT_CYCLE_SETTINGS, state });
    if (i >= 3) cycleMs.push(performance.now() - t0);
    state = r.state;
    deps.sink.reports.length = 0;
  }
  const answer = metricsFor(nowMs);
  const groups = groupModels(vs);
  const ms2 = answer({
    nowMs,
    models: groups.map((g) => ({
      modelId: g.modelId,
      namespace: g.namespace,
      variants: g.variants.map((v) => ({ name: v.name, replicaIds: v.replicaIds })),
    })),
  });
  const obs = groups.map((g, i) =>
    buildObservation(g, ms2[i], { nowMs, staleAfterMs: 60_000 }).observation
  );
  const coreMs: number[] = [];
  for (let i = 0; i < cycles + 3; i++) {
    const t0 = performance.now();
    const analyzed = analyzeModels(
      obs.map((observation) => ({ observation, analyzer: "saturation-v1" as const })),
      { nowMs },
    );
    optimizeModels(obs.map((observation, k) => ({
      observation,
      analysis: analyzed.analyses[k]!.analysis,
    })));
    if (i >= 3) coreMs.push(performance.now() - t0);
  }
  const c50 = median(cycleMs);
  const d50 = median(coreMs);
  console.log(
    `  ${String(n).padStart(5)} ${String(groups.length).padStart(6)}  ${ms(c50).padStart(9)} ms ${
      ms(percentile(cycleMs, 90)).padStart(6)
    } ms ${ms(d50).padStart(12)} ms ${(c50 / d50).toFixed(1).padStart(10)}×`,
  );
}

if (!values["skip-cluster"]) {
  console.log("\nPart 2: the controller on a real kube-apiserver, fake Prometheus API on loopback");
  for (const n of sizes) await benchController(n, { steadyCycles: Math.min(cycles, 10) });
}
