/**
 * Benchmark of the global optimizer: 1,000 servers × 4 accelerator types (seeded, reproducible).
 *
 *   deno run -A scripts/bench_optimizer.ts [--servers 1000] [--runs 3] [--model gen1|gen2]
 *
 * Prints the median time per solve for the unlimited solver and the greedy limited solver with
 * each saturation policy, as full solves (sizing every candidate with the queueing model, then
 * choosing) and as the choosing step alone on precomputed candidates. Ratios are against the
 * unlimited solve measured in the same run.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Allocation, candidateAllocations } from "../src/core/plan/allocation.ts";
import { solveGreedy } from "../src/core/plan/greedy.ts";
import { solveSystem, solveUnlimited } from "../src/core/plan/solve.ts";
import {
  indexSystem,
  type SaturationPolicy,
  type ServerSpec,
  type SystemSpec,
} from "../src/core/plan/system.ts";
import { createRng } from "../src/core/util/rng.ts";
import { median } from "../src/core/util/stats.ts";

const POLICIES: readonly SaturationPolicy[] = [
  "None",
  "PriorityExhaustive",
  "PriorityRoundRobin",
  "RoundRobin",
];

/**
 * A reproducible system: 4 accelerator types, 10 models in 3 service classes, `n` servers, and
 * 0.6·n units per type (the greedy solver cannot fit every server; small servers take the last
 * units, so best effort finds little left).
 */
export function benchSystem(n: number, model: "gen1" | "gen2", seed = 42): SystemSpec {
  const rng = createRng(seed);
  const accs = [
    { name: "G2", type: "Intel-Gaudi-2-96GB", multiplicity: 1, cost: 23, speed: 0.8 },
    { name: "A100", type: "NVIDIA-A100-PCIE-80GB", multiplicity: 1, cost: 40, speed: 1 },
    { name: "MI300X", type: "AMD-MI300X-192GB", multiplicity: 1, cost: 65, speed: 1.6 },
    { name: "H100", type: "NVIDIA-H100-80GB-HBM3", multiplicity: 1, cost: 75, speed: 2.1 },
  ];
  const modelNames = Array.from({ length: 10 }, (_, i) => `model-${i}`);
  const models = modelNames.flatMap((m, i) =>
    accs.map((a) => ({
      model: m,
      accelerator: a.name,
      accCount: i % 3 === 0 ? 2 : 1,
      alphaMs: (14 + i) / a.speed,
      betaMs: (0.2 + 0.05 * i) / a.speed,
      gammaMs: 20 / a.speed,
      deltaMs: 0.01 / a.speed,
      maxBatchSize: 16,
      atTokens: 0,
    }))
  );
  const classes = [["Premium", 1, 40, 500], ["Standard", 5, 80, 1500], [
    "Batch",
    10,
    200,
    5000,
  ]] as const;
  const serviceClasses = classes.flatMap(([name, priority, itl, ttw]) =>
    modelNames.map((m) => ({
      name,
      model: m,
      priority,
      sloItlMs: itl,
      sloTtwMs: ttw,
      sloTtftMs: ttw,
      sloTps: 0,
    }))
  );
  const servers: ServerSpec[] = Array.from({ length: n }, (_, i) => {
    const out = rng.int(64, 512);
    return {
      name: `server-${i}`,
      serviceClass: classes[rng.int(0, classes.length - 1)]![0],
      model: modelNames[rng.int(0, modelNames.length - 1)]!,
      keepAccelerator: false,
      minNumReplicas: 1,
      maxBatchSize: 0,
      currentAlloc: undefined,
      load: {
        arrivalRateRpm: Math.round(rng.uniform(10, 600)),
        avgLength: out,
        avgInTokens: rng.int(100, 2000),
        avgOutTokens: out,
      },
    };
  });
  const capacity = accs.map((a) => ({ type: a.type, count: Math.round(n * 0.6) }));
  return {
    accelerators: accs.map(({ speed: _, ...a }) => a),
    serviceClasses,
    models,
    servers,
    capacity,
    optimizer: { unlimited: true, saturationPolicy: "None", delayedBestEffort: false, model },
  };
}

function timeIt(runs: number, f: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function row(label: string, ms: number, base: number, note = ""): string {
  const t = ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
  return `${label.padEnd(44)}${t.padStart(10)} ms${(ms / base).toFixed(2).padStart(9)}×  ${note}`;
}

function outcome(solution: ReturnType<typeof solveSystem>): string {
  const full = solution.servers.filter((s) => s.allocation && !s.saturated).length;
  const partial = solution.servers.filter((s) => s.allocation && s.saturated).length;
  const none = solution.servers.length - full - partial;
  return `${full} full, ${partial} best-effort, ${none} none`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      servers: { type: "string", default: "1000" },
      runs: { type: "string", default: "3" },
      model: { type: "string", default: "gen1" },
    },
  });
  const n = Number(values.servers);
  const runs = Number(values.runs);
  const model = values.model === "gen2" ? "gen2" : "gen1";
  const spec = benchSystem(n, model);
  console.log(
    `wva optimizer benchmark: ${n} servers × ${spec.accelerators.length} accelerator types, ${model}, median of ${runs} runs`,
  );
  const sys = indexSystem(spec);
  let candidates = new Map<string, Allocation[]>();
  const sizing = timeIt(runs, () => {
    candidates = new Map(
      spec.servers.map((s) => [s.name, candidateAllocations(sys, s).candidates]),
    );
  });
  const feasible = [...candidates.values()].reduce((a, c) => a + c.length, 0);
  console.log(`  candidate sizing: ${feasible} feasible of ${n * spec.accelerators.length}`);

  console.log(
    "\nfull solve (size every candidate, then choose)        time/solve  vs unlimited  servers",
  );
  let solution = solveSystem(spec);
  const base = timeIt(runs, () => (solution = solveSystem(spec)));
  console.log(row("unlimited", base, base, outcome(solution)));
  for (const policy of POLICIES) {
    const limited = {
      ...spec,
      optimizer: { ...spec.optimizer, unlimited: false, saturationPolicy: policy },
    };
    const ms = timeIt(runs, () => (solution = solveSystem(limited)));
    console.log(row(`limited greedy, ${policy}`, ms, base, outcome(solution)));
  }

  const choiceRuns = Math.max(runs * 10, 10);
  console.log(
    `\nchoice only (precomputed candidates, median of ${choiceRuns})   time/solve  vs unlimited`,
  );
  const choiceBase = timeIt(choiceRuns, () => solveUnlimited(candidates));
  console.log(row("unlimited", choiceBase, choiceBase));
  for (const policy of POLICIES) {
    const limited = indexSystem({
      ...spec,
      optimizer: { ...spec.optimizer, unlimited: false, saturationPolicy: policy },
    });
    const ms = timeIt(choiceRuns, () => solveGreedy(limited, candidates));
    console.log(row(`limited greedy, ${policy}`, ms, choiceBase));
  }
  console.log(`\n(candidate sizing alone: ${sizing.toFixed(1)} ms per pass)`);
}
