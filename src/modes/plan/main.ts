/**
 * `wva plan`: the optimizer offline. Reads a system file (YAML or JSON, the field names of the
 * seed logs), solves it with the Gen1 or Gen2 model, unlimited or with the greedy limited solver,
 * and prints the allocation.
 *
 * @module
 */
import { readConfigFile } from "../../runtime/config/load.ts";
import { solveSystem } from "../../core/plan/solve.ts";
import { loadSystem } from "../../core/plan/build.ts";
import { planReport, renderReport, renderTable } from "../../core/plan/render.ts";
import {
  type FlagSpecs,
  parseFlags,
  renderHelp,
  UsageError,
  writeErr,
  writeOut,
} from "../../runtime/cli/flags.ts";

const OUTPUTS = ["table", "json", "yaml"] as const;

const FLAGS: FlagSpecs = {
  file: {
    type: "string",
    short: "f",
    arg: "FILE",
    description:
      "System file (YAML or JSON): accelerators, serviceClasses, models, servers, capacity, optimizer",
  },
  output: {
    type: "string",
    short: "o",
    arg: "FORMAT",
    description: "table (the seed logs' solution lines), json or yaml",
    defaultText: "table",
  },
};

const SUMMARY = [
  "Run the optimizer offline: for each server, size every candidate accelerator with the",
  "queueing model (gen1: the seed logs' model; gen2: prefill + decode, TTFT/ITL), then pick",
  "the cheapest transition (unlimited) or fit the capacity by priority (greedy).",
].join("\n");

const FOOTER = [
  "Examples:",
  "  wva plan --file examples/plan/seed_40rpm.yaml",
  "  wva plan --file examples/plan/limited_priorities.yaml --output json",
  "",
  "Exit codes: 0 solved (even if some server has no feasible allocation), 2 bad input.",
].join("\n");

/** Entry point of `wva plan`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) {
    writeOut(renderHelp("wva plan --file FILE [--output table|json|yaml]", SUMMARY, FLAGS, FOOTER));
    return 0;
  }
  const file = flags.values.file;
  if (typeof file !== "string" || file === "") throw new UsageError("missing --file FILE");
  const output = flags.values.output ?? "table";
  if (typeof output !== "string" || !(OUTPUTS as readonly string[]).includes(output)) {
    throw new UsageError(
      `--output must be one of ${OUTPUTS.join(", ")} (got ${JSON.stringify(output)})`,
    );
  }
  const { system, warnings } = loadSystem(await readConfigFile(file), file);
  for (const w of warnings) writeErr(`wva plan: ${w}\n`);
  const solution = solveSystem(system);
  writeOut(
    output === "table"
      ? renderTable(system, solution)
      : renderReport(planReport(system, solution), output as "json" | "yaml"),
  );
  return 0;
}
