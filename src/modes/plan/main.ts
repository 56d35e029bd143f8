/**
 * `wva plan`: the optimizer offline. Reads a system file (YAML or JSON, the field names of the
 * seed logs), solves it with the Gen1 or Gen2 model, unlimited or with the greedy limited solver,
 * and prints the allocation.
 *
 * @module
 */
import { readConfigFile } from "../../runtime/config/load.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { solveSystem } from "../../core/plan/solve.ts";
import { loadSystem } from "../../core/plan/build.ts";
import { planReport, renderReport, renderTable } from "../../core/plan/render.ts";
import { writeErr, writeOut } from "../../runtime/cli/flags.ts";
import { PLAN_CONFIG, PLAN_FLAGS } from "./flags.ts";

const HELP = {
  usage: "wva plan --file FILE [--output table|json|yaml]",
  summary: [
    "Run the optimizer offline: for each server, size every candidate accelerator with the",
    "queueing model (gen1: the seed logs' model; gen2: prefill + decode, TTFT/ITL), then pick",
    "the cheapest transition (unlimited) or fit the capacity by priority (greedy).",
  ].join("\n"),
  footer: [
    "Examples:",
    "  wva plan --file examples/plan/seed_40rpm.yaml",
    "  wva plan --file examples/plan/limited_priorities.yaml --output json",
    "",
    "Exit codes: 0 solved (even if some server has no feasible allocation), 2 bad input.",
  ].join("\n"),
};

/** Entry point of `wva plan`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, PLAN_FLAGS, HELP);
  if (flags === undefined) return 0;
  const { file, output } = resolveConfig(PLAN_CONFIG, { flags });
  const { system, warnings } = loadSystem(await readConfigFile(file), file);
  for (const w of warnings) writeErr(`wva plan: ${w}\n`);
  const solution = solveSystem(system);
  writeOut(
    output === "table"
      ? renderTable(system, solution)
      : renderReport(planReport(system, solution), output),
  );
  return 0;
}
