/**
 * `wva demo`: the whole system on this machine, no Kubernetes — emulated GPU variants behind a
 * router, the controller's cycle scaling them, a load schedule, a live view, and a report.
 * See docs/demo.md.
 *
 * @module
 */
import { loadConfig } from "../../runtime/config/load.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { DEMO_CONFIG, DEMO_FLAGS } from "./flags.ts";
import { writeDemoOutputs } from "./outputs.ts";
import { runDemo } from "./run_demo.ts";
import { runClusterDemo } from "./cluster/run_cluster.ts";
import { InputError } from "../../core/util/validate.ts";
import { resolveSchedule } from "./schedules.ts";
import { renderSummaryText } from "./summary_text.ts";
import { stringFlag, writeErr, writeOut } from "../../runtime/cli/flags.ts";

const HELP = {
  usage: "wva demo [flags]",
  summary:
    "Runs the whole system on this machine, no Kubernetes: emulated A100 and H100 replicas\n" +
    "behind a router, the controller's cycle scaling them within a GPU inventory, a load\n" +
    "schedule that ramps up, holds, spikes and falls back, a live view and a report.",
  footer: "Example: wva demo --quick --out out/demo   (then open out/demo/report.html)\n" +
    "         sudo ./scripts/wva.sh demo --cluster --quick   (the same through KEDA on a local cluster)",
};

/** Writes JSON through a temporary file and a rename, so Prometheus never reads half a file. */
async function writeAtomically(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(value, null, 2));
  await Deno.rename(`${path}.tmp`, path);
}

/** Entry point of `wva demo`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const v = parseCommandLine(argv, DEMO_FLAGS, HELP);
  if (v === undefined) return 0;
  const config = await loadConfig(DEMO_CONFIG, v);
  const schedule = resolveSchedule(config.load.schedule, "--schedule");
  const outDir = stringFlag(v, "out") ?? "out/demo";
  await Deno.mkdir(outDir, { recursive: true });
  const log = await Deno.open(`${outDir}/controller.log.jsonl`, {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  const targetsFile = `${outDir}/prometheus-targets.json`;
  const prometheusUrl = stringFlag(v, "prometheus");
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) Deno.exit(130);
    writeErr("\nwva demo: stopping (Ctrl-C again to quit at once)…\n");
    abort.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const common = {
      config,
      schedule,
      signal: abort.signal,
      ...(v.plain === true ? { view: { isTty: false } } : {}),
      logSink: (line: string) => void log.writeSync(encoder.encode(line + "\n")),
    };
    if (v.cluster === true && prometheusUrl) {
      throw new InputError("--prometheus: not with --cluster (the cluster demo runs its own)");
    }
    const report = v.cluster === true
      ? await runClusterDemo({ ...common, dir: `${outDir}/cluster` })
      : await runDemo({
        ...common,
        prometheusUrl,
        ...(prometheusUrl ? { publishTargets: (g) => writeAtomically(targetsFile, g) } : {}),
      });
    const files = await writeDemoOutputs(outDir, report, {
      command: ["wva demo", ...argv].join(" "),
    });
    writeOut(
      [
        "",
        ...renderSummaryText(report),
        "",
        `report     ${files.html}`,
        `           ${files.json} · controller log ${outDir}/controller.log.jsonl`,
        "",
      ].join("\n"),
    );
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    log.close();
  }
}
