/**
 * The flags of `wva plan` and their schema: `--file` names the system file (read and checked by
 * `loadSystem`, src/core/plan/build.ts), `--output` picks the rendering.
 *
 * @module
 */
import { z } from "zod";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import type { FlagRow } from "../../runtime/config/table.ts";

const OUTPUTS = ["table", "json", "yaml"] as const;

/** What `wva plan` runs with. */
export const PlanCliSchema = z.strictObject({
  file: z.string({ error: "missing --file FILE" }).min(1, "missing --file FILE"),
  output: z.enum(OUTPUTS, { error: `must be one of ${OUTPUTS.join(", ")}` }).default("table"),
});

/** Every flag of `wva plan`. */
export const PLAN_FLAGS: readonly FlagRow[] = [
  {
    flag: "file",
    path: "file",
    short: "f",
    arg: "FILE",
    description:
      "System file (YAML or JSON): accelerators, serviceClasses, models, servers, capacity, optimizer",
  },
  {
    flag: "output",
    path: "output",
    short: "o",
    arg: "FORMAT",
    description: "table (the seed logs' solution lines), json or yaml",
    defaultText: "table",
  },
];

/** How `wva plan` resolves its command line. */
export const PLAN_CONFIG: ConfigSpec<typeof PlanCliSchema> = {
  schema: PlanCliSchema,
  flags: PLAN_FLAGS,
  source: "command line",
};
