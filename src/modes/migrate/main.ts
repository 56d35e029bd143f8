/**
 * `wva migrate`: prints, for each VariantAutoscaling, the annotated HPA or KEDA ScaledObject that
 * replaces it (annotation discovery, as WVA ≥ v0.9), or the reverse (`--to va`). Reads files or
 * the cluster (read-only); writes the objects to stdout, notes to stderr. Any invalid input is
 * one line per problem and exit 2, with nothing printed on stdout.
 *
 * @module
 */
import { stringify } from "yaml";
import { loadKube } from "../../adapters/kubernetes/kube/mod.ts";
import {
  migrateDocuments,
  parseManifestDocuments,
  type SourcedDocument,
} from "../../core/api/migrate.ts";
import { ConfigError } from "../../core/util/validate.ts";
import { writeErr, writeOut } from "../../runtime/cli/flags.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { clusterDocuments } from "./cluster.ts";
import { MIGRATE_CONFIG, MIGRATE_FLAGS, type MigrateCli } from "./flags.ts";

const HELP = {
  usage: "wva migrate --to hpa|scaledobject|va [--file FILE]... [--kubeconfig FILE] [flags]",
  summary: [
    "Move between the two ways wva discovers variants. --to hpa|scaledobject: for each",
    "VariantAutoscaling, print the HPA or KEDA ScaledObject annotated llm-d.ai/managed,",
    "llm-d.ai/model-id and llm-d.ai/variant-cost that replaces it (same name, so the metric's",
    "variant_name does not change). --to va: the VariantAutoscaling for each annotated scaler.",
    "Reads --file (YAML/JSON, several documents) or else the cluster, read-only.",
  ].join("\n"),
  footer: [
    "Examples:",
    "  wva migrate --to hpa -f manifests/samples/variantautoscaling.yaml",
    "  wva migrate --to scaledobject -n llm-d-sim | kubectl apply -f -",
    "  kubectl get hpa -A -o yaml | wva migrate --to va -f -",
    "",
    "Exit codes: 0 printed, 2 bad input (one line per problem; nothing printed).",
  ].join("\n"),
};

async function readText(path: string): Promise<string> {
  try {
    if (path === "-") return await new Response(Deno.stdin.readable).text();
    return await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "file not found" : String(err);
    throw new ConfigError([`${path}: cannot read: ${why}`]);
  }
}

async function readInput(
  cfg: MigrateCli,
): Promise<{ readonly docs: readonly SourcedDocument[]; readonly notes: readonly string[] }> {
  if (cfg.file) {
    const docs: SourcedDocument[] = [];
    for (const path of cfg.file) {
      docs.push(...parseManifestDocuments(await readText(path), path === "-" ? "stdin" : path));
    }
    return { docs, notes: [] };
  }
  const kube = loadKube({ kubeconfigPath: cfg.kubeconfig, context: cfg.context });
  try {
    return await clusterDocuments(kube, cfg.to, cfg.namespace);
  } finally {
    kube.close();
  }
}

/** The objects as YAML documents or a JSON `List`. */
export function renderObjects(
  objects: readonly Record<string, unknown>[],
  output: MigrateCli["output"],
): string {
  if (output === "json") {
    return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2) + "\n";
  }
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

/** Entry point of `wva migrate`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, MIGRATE_FLAGS, HELP);
  if (flags === undefined) return 0;
  const cfg = resolveConfig(MIGRATE_CONFIG, { flags });
  const input = await readInput(cfg);
  const result = migrateDocuments(input.docs, {
    to: cfg.to,
    prometheusUrl: cfg.prometheusUrl,
    namespace: cfg.namespace,
  });
  for (const note of [...input.notes, ...result.notes]) writeErr(`wva migrate: note: ${note}\n`);
  if (result.problems.length > 0) throw new ConfigError(result.problems);
  writeOut(renderObjects(result.objects, cfg.output));
  return 0;
}
