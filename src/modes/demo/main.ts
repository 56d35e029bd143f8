/**
 * `wva demo`: the whole system on this machine, no Kubernetes — emulated GPU variants behind a
 * router, the controller's cycle scaling them, a load schedule, a live view, and a report.
 * See docs/demo.md.
 *
 * @module
 */
import { ConfigError, InputError, mergeLayers, parseOrThrow } from "../../core/util/validate.ts";
import { readConfigFile } from "../../runtime/config/load.ts";
import { DemoConfigSchema } from "./config.ts";
import { writeDemoOutputs } from "./outputs.ts";
import { runDemo } from "./run_demo.ts";
import { PROFILE_NAMES, resolveSchedule } from "./schedules.ts";
import { renderSummaryText } from "./summary_text.ts";
import { parseSlo } from "../../core/load/slo.ts";
import {
  type FlagSpecs,
  type FlagValues,
  parseFlags,
  renderHelp,
  stringFlag,
  UsageError,
  writeErr,
  writeOut,
} from "../../runtime/cli/flags.ts";

/** Flags of `wva demo`. */
export const DEMO_FLAGS: FlagSpecs = {
  quick: { type: "boolean", description: "Short run (about 90 s of load): --schedule quick" },
  schedule: {
    type: "string",
    arg: "NAME|STAGES",
    description: `Load schedule: ${PROFILE_NAMES.join(", ")}, or stages like 30s@2rps,60s@2..14rps`,
    defaultText: "standard (about 4 min)",
  },
  config: { type: "string", arg: "FILE", description: "YAML/JSON with variants, inventory, …" },
  analyzer: {
    type: "string",
    arg: "NAME",
    description: "saturation-v1, saturation-v2 or queueing-model",
    defaultText: "saturation-v2",
  },
  interval: {
    type: "string",
    arg: "DUR",
    description: "Control-cycle interval",
    defaultText: "4s",
  },
  "loading-delay": {
    type: "string",
    arg: "DUR",
    description: "Model-loading time of a new replica",
    defaultText: "4s",
  },
  slo: {
    type: "string",
    arg: "SLO",
    description: "Goodput SLO",
    defaultText: "ttft=500ms,itl=50ms",
  },
  seed: {
    type: "string",
    arg: "N",
    description: "Seed of arrivals, lengths and emulators",
    defaultText: "1",
  },
  prometheus: {
    type: "string",
    arg: "URL",
    description:
      "Read metrics from this Prometheus instead of scraping (it must scrape the replicas: see docs/demo.md)",
  },
  out: {
    type: "string",
    arg: "DIR",
    description: "Where report.json, report.html and controller.log.jsonl go",
    defaultText: "out/demo",
  },
  plain: { type: "boolean", description: "Plain status lines instead of the redrawn view" },
};

/** Turns flags into a config layer (only what was given). */
export function flagLayer(values: FlagValues): Record<string, unknown> {
  const seed = stringFlag(values, "seed");
  if (seed !== undefined && !/^-?\d+$/.test(seed)) {
    throw new UsageError(`--seed: "${seed}" is not a whole number`);
  }
  let slo: unknown;
  const sloText = stringFlag(values, "slo");
  if (sloText !== undefined) {
    try {
      slo = parseSlo(sloText, "--slo");
    } catch (err) {
      if (err instanceof InputError) throw new UsageError(err.message);
      throw err;
    }
  }
  const schedule = values.quick === true ? "quick" : stringFlag(values, "schedule");
  if (values.quick === true && stringFlag(values, "schedule") !== undefined) {
    throw new UsageError("--quick and --schedule cannot be combined");
  }
  return {
    loadingDelayMs: stringFlag(values, "loading-delay"),
    controller: {
      analyzer: stringFlag(values, "analyzer"),
      intervalMs: stringFlag(values, "interval"),
    },
    load: { schedule, seed: seed === undefined ? undefined : Number(seed), slo },
  };
}

/** Writes JSON through a temporary file and a rename, so Prometheus never reads half a file. */
async function writeAtomically(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(value, null, 2));
  await Deno.rename(`${path}.tmp`, path);
}

/** Entry point of `wva demo`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, DEMO_FLAGS);
  if (flags.help) {
    writeOut(renderHelp(
      "wva demo [flags]",
      "Runs the whole system on this machine, no Kubernetes: emulated A100 and H100 replicas\n" +
        "behind a router, the controller's cycle scaling them within a GPU inventory, a load\n" +
        "schedule that ramps up, holds, spikes and falls back, a live view and a report.",
      DEMO_FLAGS,
      "Example: wva demo --quick --out out/demo   (then open out/demo/report.html)",
    ));
    return 0;
  }
  const v = flags.values;
  const configPath = stringFlag(v, "config");
  const file = configPath ? await readConfigFile(configPath) : {};
  const input = mergeLayers(file, flagLayer(v));
  const config = parseOrThrow(DemoConfigSchema, input, configPath ?? "wva demo");
  let schedule;
  try {
    schedule = resolveSchedule(config.load.schedule, "--schedule");
  } catch (err) {
    if (err instanceof InputError) throw new ConfigError([err.message]);
    throw err;
  }
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
    const report = await runDemo({
      config,
      schedule,
      prometheusUrl,
      ...(prometheusUrl ? { publishTargets: (g) => writeAtomically(targetsFile, g) } : {}),
      signal: abort.signal,
      ...(v.plain === true ? { view: { isTty: false } } : {}),
      logSink: (line) => void log.writeSync(encoder.encode(line + "\n")),
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
