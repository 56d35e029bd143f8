/**
 * `wva loadgen`: drive an OpenAI-compatible endpoint through a rate schedule, show live progress,
 * print a summary table and optionally write summary.json, requests.jsonl and report.html.
 *
 * Ctrl-C stops sending, cancels in-flight requests and still prints and writes the results
 * (exit 130); a second Ctrl-C quits at once.
 *
 * @module
 */
import { InputError } from "../../core/util/validate.ts";
import { createLiveView, startLiveView } from "../../runtime/tty.ts";
import { LOADGEN_FLAGS, loadgenConfig } from "./flags.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import {
  analyzeRun,
  formatProgress,
  formatSummaryTable,
  ModelDiscoveryError,
  prepareRun,
  startLoadRun,
  writeOutputs,
} from "../../adapters/loadgen/mod.ts";
import { summaryDocument } from "../../adapters/loadgen/write_outputs.ts";
import { writeErr, writeOut } from "../../runtime/cli/flags.ts";

const HELP = {
  usage: "wva loadgen (--rate RATE [--duration DUR] | --stages SPEC|FILE) [flags]",
  summary:
    "Open-loop load generator for OpenAI-compatible endpoints (vLLM, the emulator, a router).\n" +
    "Sends on an absolute schedule, measures TTFT, every inter-token gap, TPOT and E2E over\n" +
    "streaming, and reports achieved rate and goodput per stage.",
  footer: [
    "Examples:",
    "  wva loadgen --url http://localhost:8000/v1 --rate '[[120, 60], [120, 80]]'",
    "  wva loadgen --stages 30s@2rps,1m@2..20rps --slo ttft=500ms,itl=50ms --out run1",
    "  wva loadgen --rate 5rps --duration 2m --arrival gamma --cv 2 --output-tokens 64..256",
  ].join("\n"),
};

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

/** Creates `--out` before the run so a bad path fails at once, not after the whole schedule. */
async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = `${dir}/.wva-loadgen-probe`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new InputError(`--out: cannot write to directory "${dir}" (${why})`);
  }
}

/** Entry point of `wva loadgen`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, LOADGEN_FLAGS, HELP);
  if (flags === undefined) return 0;
  const config = await loadgenConfig(flags);
  const { progress: mode, out } = config;
  if (out !== undefined) await ensureWritableDir(out);
  let options;
  try {
    options = await prepareRun(config);
  } catch (err) {
    if (!(err instanceof ModelDiscoveryError)) throw err;
    writeErr(`wva loadgen: ${err.message}\n`);
    return 1;
  }
  const startedAt = new Date().toISOString();
  const run = startLoadRun(options);
  const isTty = mode === "tty" || (mode === "auto" && Deno.stderr.isTerminal());
  const live = mode === "none"
    ? undefined
    : startLiveView(() => formatProgress(run.snapshot(), { tty: isTty }), { isTty });
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) Deno.exit(130);
    run.stop();
    (live?.view ?? createLiveView({ isTty: false })).log(
      "wva loadgen: stopping; writing results (Ctrl-C again to quit now)",
    );
  };
  Deno.addSignalListener("SIGINT", onSigint);
  let result;
  try {
    result = await run.done;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
  live?.stop(formatProgress(run.snapshot(), { tty: false }));
  const analyzed = analyzeRun(options, result);
  const outputs = {
    ...analyzed,
    options,
    startedAt,
    command: ["wva", "loadgen", ...argv].map(quoteArg).join(" "),
  };
  writeOut(
    config.json
      ? JSON.stringify(summaryDocument(outputs), null, 2) + "\n"
      : formatSummaryTable(analyzed.summary) + "\n",
  );
  if (out !== undefined) {
    const files = await writeOutputs(out, outputs);
    writeErr(`wva loadgen: wrote ${files.summary}, ${files.requests}, ${files.report}\n`);
  }
  return result.interrupted ? 130 : 0;
}
