/**
 * The flags of `wva migrate` and their schema (the one flags → config path of every mode:
 * src/runtime/config). Input is `--file` (repeatable, `-` for stdin) or, without it, the
 * cluster of `--kubeconfig` / `$KUBECONFIG` / in-cluster, read-only.
 *
 * @module
 */
import { z } from "zod";
import type { ConfigSpec } from "../../runtime/config/resolve.ts";
import { type FlagRow, valueFlag } from "../../runtime/config/table.ts";
import { MIGRATE_TARGETS } from "../../core/api/migrate.ts";
import { DEFAULT_KEDA_PROMETHEUS_URL } from "../../core/api/scaler_manifests.ts";

const OUTPUTS = ["yaml", "json"] as const;

/** What `wva migrate` runs with. */
export const MigrateCliSchema = z.strictObject({
  to: z.string({ error: `missing --to ${MIGRATE_TARGETS.join("|")}` })
    .pipe(z.enum(MIGRATE_TARGETS, { error: `must be one of ${MIGRATE_TARGETS.join(", ")}` })),
  file: z.array(z.string().min(1)).min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  output: z.enum(OUTPUTS, { error: `must be one of ${OUTPUTS.join(", ")}` }).default("yaml"),
  prometheusUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
}).superRefine((c, ctx) => {
  if (c.file && (c.kubeconfig !== undefined || c.context !== undefined)) {
    const flag = c.kubeconfig !== undefined ? "kubeconfig" : "context";
    ctx.addIssue({
      code: "custom",
      path: [flag],
      message: "reads the cluster; --file reads files: give one or the other",
    });
  }
  if (c.prometheusUrl !== undefined && c.to !== "scaledobject") {
    ctx.addIssue({
      code: "custom",
      path: ["prometheusUrl"],
      message: "only applies to --to scaledobject",
    });
  }
});

/** Parsed `wva migrate` configuration. */
export type MigrateCli = z.output<typeof MigrateCliSchema>;

/** Every flag of `wva migrate`. */
export const MIGRATE_FLAGS: readonly FlagRow[] = [
  valueFlag("to", "to", "KIND", "What to print: hpa or scaledobject (from VAs), va (from scalers)"),
  {
    ...valueFlag("file", "file", "FILE", "Read objects from a YAML/JSON file (repeat; - = stdin)"),
    kind: "list",
    short: "f",
  },
  valueFlag("kubeconfig", "kubeconfig", "FILE", "Read objects from this cluster (read-only)", {
    defaultText: "$KUBECONFIG, ~/.kube/config or in-cluster, without --file",
  }),
  valueFlag("context", "context", "NAME", "Kubeconfig context to use"),
  valueFlag("namespace", "namespace", "NS", "Only objects of this namespace", {
    short: "n",
    defaultText: "all",
  }),
  valueFlag("output", "output", "FORMAT", "yaml (documents separated by ---) or json (a List)", {
    short: "o",
    defaultText: "yaml",
  }),
  valueFlag("prometheus-url", "prometheusUrl", "URL", "Prometheus address KEDA queries", {
    defaultText: DEFAULT_KEDA_PROMETHEUS_URL,
  }),
];

/** How `wva migrate` resolves its command line. */
export const MIGRATE_CONFIG: ConfigSpec<typeof MigrateCliSchema> = {
  schema: MigrateCliSchema,
  flags: MIGRATE_FLAGS,
  source: "command line",
};
