/**
 * `wva bench`: one load trace replayed against wva's control cycle and faithful HPA/KEDA
 * baselines, each arm through the same emulated cluster on a virtual clock (docs/bench.md).
 * Reads the scenario (and its trace files), runs the arms with a live view, prints the figures
 * and the paper-like table, and with `--out` writes `summary.json` and `report.html`.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import {
  type BenchSummary,
  figuresTable,
  markdownTable,
  parseScenario,
  RATIO_CELL,
  ratioTable,
  renderBenchReport,
  type Scenario,
  summaryJson,
  type TableData,
  textTable,
} from "../../core/bench/mod.ts";
import { formatNumber } from "../../core/report/format.ts";
import { ConfigError } from "../../core/util/validate.ts";
import { writeOut } from "../../runtime/cli/flags.ts";
import { readConfigFile } from "../../runtime/config/load.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { BENCH_CONFIG, BENCH_FLAGS, type BenchCli } from "./flags.ts";
import { type BenchRun, runBench } from "./run_bench.ts";

const HELP = {
  usage: "wva bench --scenario FILE [--out DIR] [--arms A,B] [--seed N] [--sweep PARAM=V1,V2]",
  summary: [
    "Replays one load trace against wva's control cycle (saturation V1, V2, queueing model) and",
    "faithful HPA and KEDA baselines, every arm through the same emulated cluster (vLLM engines,",
    "a gateway with flow control, Prometheus, model loading) on a virtual clock: an hour of",
    "traffic in seconds. Prints goodput, failures, SLO attainment and GPU-hours per arm.",
  ].join("\n"),
  footer: [
    "Examples:",
    "  wva bench --scenario examples/bench/paper.yaml --out out/bench",
    "  wva bench -s examples/bench/spike.yaml --arms hpa-fork,wva-v2 --seed 7",
    "  wva bench -s examples/bench/paper.yaml --sweep loadingDelaySec=30,60,120,300",
    "  wva bench -s examples/bench/paper.yaml --markdown      (the README's table)",
    "",
    "Exit codes: 0 done, 2 bad input (flags or scenario), 1 a run failed.",
  ].join("\n"),
};

/** Reads and checks the scenario with the command line's overrides; reads its trace files. */
export async function loadScenario(
  cli: BenchCli,
): Promise<{ scenario: Scenario; traces: Map<string, string> }> {
  const doc = await readConfigFile(cli.scenario);
  const withSweep = cli.sweep && doc !== null && typeof doc === "object" && !Array.isArray(doc)
    ? { ...doc, sweep: cli.sweep }
    : doc;
  const scenario = parseScenario(withSweep, cli.scenario);
  const unknown = (cli.arms ?? []).filter((n) => !scenario.arms.some((a) => a.name === n));
  if (unknown.length > 0) {
    const known = scenario.arms.map((a) => a.name).join(", ");
    throw new ConfigError(
      unknown.map((n) => `--arms: no arm "${n}" in ${cli.scenario} (its arms: ${known})`),
    );
  }
  const traces = new Map<string, string>();
  for (const l of [scenario.load, ...scenario.models.map((m) => m.load)]) {
    if (!l?.trace || traces.has(l.trace.path)) continue;
    const path = resolve(dirname(cli.scenario), l.trace.path);
    try {
      traces.set(l.trace.path, await Deno.readTextFile(path));
    } catch (err) {
      throw new ConfigError([`${cli.scenario}: cannot read trace ${l.trace.path}: ${err}`]);
    }
  }
  return { scenario, traces };
}

/** The tables printed at the end (text or Markdown). */
export function renderTables(summary: BenchSummary, markdown: boolean): string {
  const render = (t: TableData) => (markdown ? markdownTable(t) : textTable(t));
  const ratios = ratioTable(summary);
  const parts = [render(figuresTable(summary))];
  if (ratios) {
    parts.push(
      `wva / baseline, each cell: ${RATIO_CELL} (goodput: higher is better; failures and ` +
        "GPU-hours: lower is better)",
      render(ratios),
    );
  }
  parts.push(
    `seed ${summary.seed} · virtual ${formatNumber(summary.virtualSeconds)} s in ` +
      `${formatNumber(summary.wallSeconds)} s wall (${formatNumber(summary.speedup)}× real time)`,
  );
  return parts.join("\n\n") + "\n";
}

/** Writes `summary.json` and `report.html` into `dir`; returns their paths. */
export async function writeOutputs(
  dir: string,
  result: BenchRun,
  command: string,
): Promise<{ readonly json: string; readonly html: string }> {
  await Deno.mkdir(dir, { recursive: true });
  const json = join(dir, "summary.json"), html = join(dir, "report.html");
  await Deno.writeTextFile(json, summaryJson(result.summary) + "\n");
  await Deno.writeTextFile(
    html,
    renderBenchReport({ summary: result.summary, runs: result.reports, command }),
  );
  return { json, html };
}

/** Entry point of `wva bench`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, BENCH_FLAGS, HELP);
  if (flags === undefined) return 0;
  const cli = resolveConfig(BENCH_CONFIG, { flags });
  const { scenario, traces } = await loadScenario(cli);
  const result = await runBench({
    scenario,
    run: {
      traces,
      ...(cli.arms ? { arms: cli.arms } : {}),
      ...(cli.seed !== undefined ? { seed: cli.seed } : {}),
      ...(cli.loadSeconds !== undefined ? { loadSeconds: cli.loadSeconds } : {}),
    },
    ...(cli.plain ? { view: { isTty: false } } : {}),
  });
  writeOut("\n" + renderTables(result.summary, cli.markdown));
  if (cli.out !== undefined) {
    const files = await writeOutputs(cli.out, result, ["wva bench", ...argv].join(" "));
    writeOut(`\nreport   ${files.html}\nsummary  ${files.json}\n`);
  }
  return 0;
}
