/**
 * wva: Workload Variant Autoscaler for LLM inference. This file only dispatches to a mode.
 *
 * Each mode lives in `src/modes/<mode>/main.ts` and exports `main(argv): Promise<number>`. Imports are
 * lazy (string-literal dynamic imports, which `deno compile` includes) so that `wva plan` does not
 * load the Kubernetes client.
 *
 * @module
 */
import { EXIT_USAGE, exitCodeForError, writeErr, writeOut } from "./src/runtime/cli/flags.ts";

interface ModeEntry {
  readonly summary: string;
  readonly load: () => Promise<{ main(argv: readonly string[]): Promise<number> }>;
}

const MODES: Readonly<Record<string, ModeEntry>> = {
  demo: {
    summary:
      "Run the whole system on this machine: emulated GPUs, router, controller, load, report",
    load: () => import("./src/modes/demo/main.ts"),
  },
  controller: {
    summary:
      "Autoscale VariantAutoscaling resources on Kubernetes (in-cluster or with a kubeconfig)",
    load: () => import("./src/modes/controller/main.ts"),
  },
  emulator: {
    summary: "Serve a vLLM-compatible API and vllm: metrics with a batch-dependent latency model",
    load: () => import("./src/modes/emulator/main.ts"),
  },
  loadgen: {
    summary: "Drive an OpenAI-compatible endpoint through a rate schedule and report latency",
    load: () => import("./src/modes/loadgen/main.ts"),
  },
  plan: {
    summary: "Run the optimizer offline: system description in, optimal allocation out",
    load: () => import("./src/modes/plan/main.ts"),
  },
  migrate: {
    summary: "Print the annotated HPA/ScaledObject that replaces each VariantAutoscaling, or back",
    load: () => import("./src/modes/migrate/main.ts"),
  },
  bench: {
    summary: "Replay one trace against wva and HPA/KEDA baselines on a virtual clock, side by side",
    load: () => import("./src/modes/bench/main.ts"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(MODES).map((m) => m.length)) + 4;
  const rows = Object.entries(MODES).map(([name, m]) => `  ${name.padEnd(width)}${m.summary}`);
  return [
    "Usage: wva <mode> [flags]",
    "",
    "Workload Variant Autoscaler: picks the cheapest mix of GPU variants that holds your LLM",
    "latency SLOs, and the tools to try it without a GPU.",
    "",
    "Modes:",
    ...rows,
    "",
    "Run 'wva <mode> --help' for the flags of a mode.",
    "",
  ].join("\n");
}

/** Dispatches `argv` to a mode and returns the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [mode, ...rest] = argv;
  if (mode === undefined || mode === "--help" || mode === "-h" || mode === "help") {
    (mode === undefined ? writeErr : writeOut)(usage());
    return mode === undefined ? EXIT_USAGE : 0;
  }
  const entry = Object.hasOwn(MODES, mode) ? MODES[mode] : undefined;
  if (!entry) {
    writeErr(`wva: unknown mode '${mode}'\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    const module = await entry.load();
    return await module.main(rest);
  } catch (err) {
    return exitCodeForError(err, mode);
  }
}

if (import.meta.main) {
  Deno.exit(await run(Deno.args));
}
