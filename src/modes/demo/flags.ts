/**
 * The flags of `wva demo` and the config path each sets in {@linkcode DemoConfigSchema} (the
 * schema keeps the defaults and the checks); `--prometheus`, `--out` and `--plain` are read by
 * the mode itself. `loadConfig` (src/runtime/config) layers the flags over the `--config` file.
 *
 * @module
 */
import { parseNumber } from "../../core/util/coerce.ts";
import { parseSlo } from "../../core/load/slo.ts";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import type { FlagRow } from "../../runtime/config/table.ts";
import { DemoConfigSchema } from "./config.ts";
import { PROFILE_NAMES } from "./schedules.ts";

/** Every flag of `wva demo`. */
export const DEMO_FLAGS: readonly FlagRow[] = [
  {
    flag: "quick",
    kind: "switch",
    path: "load.schedule",
    sets: "quick",
    description: "Short run (about 90 s of load): --schedule quick",
  },
  {
    flag: "schedule",
    path: "load.schedule",
    arg: "NAME|STAGES",
    description: `Load schedule: ${PROFILE_NAMES.join(", ")}, or stages like 30s@2rps,60s@2..14rps`,
    defaultText: "standard (about 4 min)",
  },
  { flag: "config", arg: "FILE", description: "YAML/JSON with variants, inventory, …" },
  {
    flag: "analyzer",
    path: "controller.analyzer",
    arg: "NAME",
    description: "saturation-v1, saturation-v2 or queueing-model",
    defaultText: "saturation-v2",
  },
  {
    flag: "interval",
    path: "controller.intervalMs",
    arg: "DUR",
    description: "Control-cycle interval",
    defaultText: "4s",
  },
  {
    flag: "loading-delay",
    path: "loadingDelayMs",
    arg: "DUR",
    description: "Model-loading time of a new replica",
    defaultText: "4s",
  },
  {
    flag: "slo",
    path: "load.slo",
    read: parseSlo,
    arg: "SLO",
    description: "Goodput SLO",
    defaultText: "ttft=500ms,itl=50ms",
  },
  {
    flag: "seed",
    path: "load.seed",
    read: (text, what) => parseNumber(text, "integer", what),
    arg: "N",
    description: "Seed of arrivals, lengths and emulators",
    defaultText: "1",
  },
  {
    flag: "prometheus",
    arg: "URL",
    description:
      "Read metrics from this Prometheus instead of scraping (it must scrape the replicas: see docs/demo.md)",
  },
  {
    flag: "out",
    arg: "DIR",
    description: "Where report.json, report.html and controller.log.jsonl go",
    defaultText: "out/demo",
  },
  { flag: "plain", kind: "switch", description: "Plain status lines instead of the redrawn view" },
];

/** How `wva demo` resolves its configuration. */
export const DEMO_CONFIG: ConfigSpec<typeof DemoConfigSchema> = {
  schema: DemoConfigSchema,
  flags: DEMO_FLAGS,
  source: "demo config",
  fileFlag: "config",
};
