/**
 * Internal runner for bench scenarios until `wva bench` is wired (issue 14, part 2): reads a
 * scenario (YAML/JSON) and its trace files, runs the arms on the virtual clock, prints a table
 * and writes `summary.json`. wva arms need a decision function; none is registered here yet, so
 * they are skipped unless named with `--arms` (which then fails, naming the missing function).
 *
 * Run: `deno run -A scripts/bench_run.ts examples/bench/paper.yaml [--arms a,b] [--seed N] [--out DIR]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, join, resolve } from "node:path";
import { benchSummary, parseScenario, runScenario, summaryJson } from "../src/core/bench/mod.ts";
import { formatTextTable } from "../src/core/report/format.ts";
import { ConfigError, parseYamlText } from "../src/core/util/validate.ts";

const args = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { arms: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
});
const file = args.positionals[0];
if (!file) {
  console.error("usage: bench_run.ts SCENARIO [--arms a,b] [--seed N] [--out DIR]");
  Deno.exit(2);
}

function load() {
  try {
    return parseScenario(parseYamlText(Deno.readTextFileSync(file!), file!), file!);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.problems.join("\n"));
      Deno.exit(1);
    }
    throw err;
  }
}

const scenario = load();
const traces = new Map<string, string>();
for (const l of [scenario.load, ...scenario.models.map((m) => m.load)]) {
  if (l?.trace) {
    traces.set(l.trace.path, Deno.readTextFileSync(resolve(dirname(file), l.trace.path)));
  }
}
const arms = args.values.arms?.split(",") ??
  scenario.arms.filter((a) => a.type !== "wva").map((a) => a.name);
const skipped = scenario.arms.filter((a) => !arms.includes(a.name)).map((a) => a.name);
if (skipped.length) {
  console.error(`skipping ${skipped.join(", ")} (no decision function registered yet)`);
}
const seed = args.values.seed === undefined ? scenario.seed : Number(args.values.seed);
const t0 = performance.now();
const points = runScenario(scenario, {
  arms,
  seed,
  traces,
  onArm: (run, point) =>
    console.error(`  ${run.arm.name}${point ? ` (${point.parameter}=${point.value})` : ""} done`),
});
const summary = benchSummary(points, {
  scenario: scenario.name,
  seed,
  wallSeconds: (performance.now() - t0) / 1000,
});
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "—");
console.log(formatTextTable(
  [
    "arm",
    "sweep",
    "requests",
    "failed",
    "429",
    "timeout",
    "shed",
    "SLO all",
    "goodput/s",
    "GPU-h",
    "cost",
    "max rep.",
  ],
  summary.arms.map((a) => [
    a.name,
    a.sweep ? `${a.sweep.parameter}=${a.sweep.value}` : "",
    String(a.requests),
    String(a.failed),
    String(a.failures.rateLimited),
    String(a.failures.timeouts),
    String(a.failures.shed),
    fmt(a.sloAttainment.all01 * 100, 1) + " %",
    fmt(a.goodputPerSec),
    fmt(a.gpuHours),
    fmt(a.cost),
    String(a.maxReplicas),
  ]),
));
console.log(
  `virtual ${fmt(summary.virtualSeconds, 0)} s in ${fmt(summary.wallSeconds)} s wall (${
    fmt(summary.speedup, 0)
  }×)`,
);
const out = args.values.out ?? join(".wva", "bench", scenario.name);
Deno.mkdirSync(out, { recursive: true });
Deno.writeTextFileSync(join(out, "summary.json"), summaryJson(summary));
console.log(`wrote ${join(out, "summary.json")}`);
