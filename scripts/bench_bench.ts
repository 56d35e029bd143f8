/**
 * Benchmark of `wva bench`'s simulator (not a test): how much faster than real time one arm runs
 * on one core. The workload is the issue's: a one-hour trace at 20 req/s (a Poisson trace written
 * as CSV and replayed, ShareGPT-like lengths: prompt normal 512 ± 256, output normal 256 ± 128)
 * on one H100-like variant with up to 10 replicas, 60 s model loading, Prometheus every 15 s.
 * Each arm runs alone (wva's arms run the real control cycle every 30 s) and the ratio virtual
 * seconds / wall seconds is printed per arm, and virtual seconds / CPU seconds of this process
 * (which other work on a shared machine does not inflate). Then the 100-model fleet scenario
 * (examples/bench/fleet.yaml, every arm) is timed as a whole.
 *
 * Run: `deno run -A scripts/bench_bench.ts [--hours 1] [--rate 20] [--arms a,b] [--no-fleet]`
 * Targets (issue 14): ≥ 500× per arm; the fleet in under a minute.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { createRng } from "../src/core/util/rng.ts";
import { armFigures, parseScenario, runScenario } from "../src/core/bench/mod.ts";
import { parseYamlText } from "../src/core/util/validate.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    hours: { type: "string" },
    rate: { type: "string" },
    arms: { type: "string" },
    "no-fleet": { type: "boolean" },
  },
});
const hours = Number(args.values.hours ?? 1);
const rate = Number(args.values.rate ?? 20);
const arms = (args.values.arms ??
  "hpa-fork,hpa-default,keda-queue,keda-queue-guard,static-peak,wva-v1,wva-v2,wva-queueing")
  .split(",");

function traceCsv(): string {
  const rng = createRng(42);
  const rows = ["timestamp,input_tokens,output_tokens"];
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(x)));
  for (let t = rng.exponential(rate); t < hours * 3600; t += rng.exponential(rate)) {
    rows.push(
      `${t.toFixed(4)},${clamp(rng.normal(512, 256), 16, 2048)},${
        clamp(rng.normal(256, 128), 8, 1024)
      }`,
    );
  }
  return rows.join("\n");
}

const trace = traceCsv();
const scenario = parseScenario({
  name: "speed",
  inventory: { H100: 10 },
  slo: { ttftMs: 2000, itlMs: 50 },
  models: [{
    name: "m",
    variants: [{ name: "h100", preset: "H100", maxReplicas: 10 }],
    load: { trace: { path: "trace.csv" } },
  }],
  arms,
});
console.log(`trace: ${trace.split("\n").length - 1} requests over ${hours} h at ${rate} req/s`);
/** CPU seconds of this process since `from` (independent of other work on a shared machine). */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

for (const name of arms) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const [point] = runScenario(scenario, { arms: [name], traces: new Map([["trace.csv", trace]]) });
  const wallSec = (performance.now() - t0) / 1000;
  const f = armFigures(point!.runs[0]!);
  const cpuSec = cpuSeconds(c0);
  console.log(
    `${name.padEnd(18)} virtual ${f.virtualSeconds.toFixed(0)} s  wall ${wallSec.toFixed(2)} s ` +
      `(${(f.virtualSeconds / wallSec).toFixed(0)}×)  cpu ${cpuSec.toFixed(2)} s ` +
      `(${(f.virtualSeconds / cpuSec).toFixed(0)}×)  (completed ${f.completed}/${f.requests}, ` +
      `max replicas ${f.maxReplicas})`,
  );
}

if (!args.values["no-fleet"]) {
  const path = new URL("../examples/bench/fleet.yaml", import.meta.url);
  const fleet = parseScenario(parseYamlText(Deno.readTextFileSync(path), "fleet.yaml"));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const points = runScenario(fleet, {
    onArm: (run) => {
      const s = (performance.now() - t0) / 1000;
      console.log(
        `fleet: ${run.arm.name.padEnd(14)} done at ${s.toFixed(1)} s wall, ` +
          `${cpuSeconds(c0).toFixed(1)} s cpu`,
      );
    },
  });
  const requests = points[0]!.runs[0]!.plan.count;
  console.log(
    `fleet (${fleet.models[0]!.copies} models, ${requests} requests, ${
      points[0]!.runs.length
    } arms): ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${
      cpuSeconds(c0).toFixed(1)
    } s cpu`,
  );
}
