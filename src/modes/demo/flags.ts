/**
 * The flags of `wva demo` and the config path each sets in {@linkcode DemoConfigSchema} (the
 * schema keeps the defaults and the checks); `--prometheus`, `--out`, `--plain` and `--cluster`
 * are read by the mode itself. `loadConfig` (src/runtime/config) layers the flags over the `--config` file.
 *
 * @module
 */
import { parseNumber } from "../../core/util/coerce.ts";
import { parseSlo } from "../../core/load/slo.ts";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, switchFlag, valueFlag } from "../../runtime/config/table.ts";
import { DemoConfigSchema } from "./config.ts";
import { PROFILE_NAMES } from "./schedules.ts";

/** Every flag of `wva demo`. */
export const DEMO_FLAGS: readonly FlagRow[] = [
  switchFlag("quick", "load.schedule", "Short run (about 90 s of load): --schedule quick", {
    sets: "quick",
  }),
  valueFlag(
    "schedule",
    "load.schedule",
    "NAME|STAGES",
    `Load schedule: ${PROFILE_NAMES.join(", ")}, or stages like 30s@2rps,60s@2..14rps`,
    { defaultText: "standard (about 4 min)" },
  ),
  valueFlag("config", undefined, "FILE", "YAML/JSON with variants, inventory, …"),
  valueFlag(
    "analyzer",
    "controller.analyzer",
    "NAME",
    "saturation-v1, saturation-v2 or queueing-model",
    {
      defaultText: "saturation-v2",
    },
  ),
  valueFlag("interval", "controller.intervalMs", "DUR", "Control-cycle interval", {
    defaultText: "4s",
  }),
  valueFlag("loading-delay", "loadingDelayMs", "DUR", "Model-loading time of a new replica", {
    defaultText: "4s",
  }),
  valueFlag("slo", "load.slo", "SLO", "Goodput SLO", {
    read: parseSlo,
    defaultText: "ttft=500ms,itl=50ms",
  }),
  valueFlag("seed", "load.seed", "N", "Seed of arrivals, lengths and emulators", {
    read: (text, what) => parseNumber(text, "integer", what),
    defaultText: "1",
  }),
  valueFlag(
    "prometheus",
    undefined,
    "URL",
    "Read metrics from this Prometheus instead of scraping (it must scrape the replicas: see docs/demo.md)",
  ),
  valueFlag("out", undefined, "DIR", "Where report.json, report.html and controller.log.jsonl go", {
    defaultText: "out/demo",
  }),
  switchFlag("plain", undefined, "Plain status lines instead of the redrawn view"),
  switchFlag(
    "cluster",
    undefined,
    "On a local Kubernetes control plane: KEDA → HPA → Deployment actuate, pods are emulators on fake GPUs (needs root; the first run builds Kubernetes and KEDA)",
  ),
];

/** How `wva demo` resolves its configuration. */
export const DEMO_CONFIG: ConfigSpec<typeof DemoConfigSchema> = {
  schema: DemoConfigSchema,
  flags: DEMO_FLAGS,
  source: "demo config",
  fileFlag: "config",
};
