/**
 * Gives Kubernetes nodes fake GPUs: sets the vendor's count/memory/product labels and adds the
 * extended resource to `status.capacity` and `status.allocatable` through the node status
 * subresource (what a device plugin would do), following the shared vendor table in
 * `src/core/api/gpu_vendors.ts`. Then prints the 6-column summary table.
 *
 * Works on any cluster the kubeconfig reaches: the local test cluster (kwok nodes) or Kind.
 * Re-running with another mode replaces the GPUs of the other vendors on those nodes.
 *
 *   deno run -A scripts/gpu_nodes.ts --kubeconfig K [-t mix] [-g 2] [-d PRODUCT] [-m MB] [-l SELECTOR]
 *
 * @module
 */
import { z } from "zod";
import { exitCodeForError, writeOut } from "../src/runtime/cli/flags.ts";
import { type ConfigSpec, resolveConfig } from "../src/runtime/config/resolve.ts";
import { type FlagRow, parseCommandLine } from "../src/runtime/config/table.ts";
import { numberSchema } from "../src/core/util/coerce.ts";
import {
  formatGpuSummary,
  GPU_MODES,
  GPU_VENDORS,
  gpuInventory,
  type GpuNodePlan,
  type GpuPlanOptions,
  type NodeGpus,
  type NodeLike,
  planGpuNodes,
} from "../src/core/api/gpu_vendors.ts";
import { type Kube, loadKube } from "../src/adapters/kubernetes/kube/mod.ts";

/** Options of {@linkcode applyGpuNodes}: the plan options plus which nodes to touch. */
export interface ApplyGpuOptions extends GpuPlanOptions {
  /** Label selector of the nodes to give GPUs to. @default all nodes */
  readonly labelSelector?: string | undefined;
}

/** The JSON-Patch path segment for a resource name (`/` becomes `~1`, RFC 6901). */
function pointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  readonly op: "add" | "remove";
  readonly path: string;
  readonly value?: unknown;
}

/** JSON patch for the node status: add this resource, remove other vendors' resources. */
export function statusPatch(node: NodeLike, plan: GpuNodePlan): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  for (const field of ["capacity", "allocatable"] as const) {
    const present = node.status?.[field] ?? {};
    if (!node.status?.[field]) ops.push({ op: "add", path: `/status/${field}`, value: {} });
    for (const v of GPU_VENDORS) {
      if (v.resource !== plan.vendor.resource && present[v.resource] !== undefined) {
        ops.push({ op: "remove", path: `/status/${field}/${pointer(v.resource)}` });
      }
    }
    ops.push({
      op: "add",
      path: `/status/${field}/${pointer(plan.vendor.resource)}`,
      value: String(plan.count),
    });
  }
  return ops;
}

/** Merge patch for the labels: set the plan's labels, drop other vendors' GPU labels. */
export function labelPatch(node: NodeLike, plan: GpuNodePlan): Record<string, string | null> {
  const labels: Record<string, string | null> = {};
  const current = node.metadata?.labels ?? {};
  for (const v of GPU_VENDORS) {
    for (const l of [v.countLabel, v.memoryLabel, ...v.productLabels]) {
      if (current[l] !== undefined && !(l in plan.labels)) labels[l] = null;
    }
  }
  if (current["gpu-config"] !== undefined && !("gpu-config" in plan.labels)) {
    labels["gpu-config"] = null;
  }
  return { ...labels, ...plan.labels };
}

/**
 * Gives every selected node its fake GPUs (labels first, then the status patch) and returns the
 * resulting GPU inventory of all nodes. Throws if no node matches.
 */
export async function applyGpuNodes(kube: Kube, options: ApplyGpuOptions): Promise<NodeGpus[]> {
  const list = await kube.core.listNode(
    options.labelSelector ? { labelSelector: options.labelSelector } : {},
  );
  const nodes = list.items as NodeLike[];
  if (nodes.length === 0) {
    throw new Error(`no nodes match selector '${options.labelSelector ?? ""}'`);
  }
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? "", n]));
  for (const plan of planGpuNodes([...byName.keys()], options)) {
    const node = byName.get(plan.node) ?? {};
    const path = `/api/v1/nodes/${encodeURIComponent(plan.node)}`;
    await kube.transport.json(path, {
      method: "PATCH",
      body: { metadata: { labels: labelPatch(node, plan) } },
      contentType: "application/merge-patch+json",
    });
    await kube.transport.json(`${path}/status`, {
      method: "PATCH",
      body: statusPatch(node, plan),
      contentType: "application/json-patch+json",
    });
  }
  return gpuInventory((await kube.core.listNode()).items as NodeLike[]);
}

const FLAGS: readonly FlagRow[] = [
  {
    flag: "kubeconfig",
    path: "kubeconfig",
    arg: "FILE",
    description: "Kubeconfig to use",
    defaultText: "$KUBECONFIG or ~/.kube/config",
  },
  {
    flag: "type",
    path: "type",
    short: "t",
    arg: "MODE",
    description: `GPU mode: ${GPU_MODES.join(", ")}`,
    defaultText: "mix",
  },
  {
    flag: "gpus",
    path: "gpus",
    short: "g",
    arg: "N",
    description: "GPUs per node",
    defaultText: "2",
  },
  {
    flag: "product",
    path: "product",
    short: "d",
    arg: "NAME",
    description: "GPU product (single-vendor modes)",
    defaultText: "vendor preset",
  },
  {
    flag: "memory-mb",
    path: "memoryMb",
    short: "m",
    arg: "MB",
    description: "Memory per GPU in MB (single-vendor modes)",
    defaultText: "vendor preset",
  },
  {
    flag: "selector",
    path: "selector",
    short: "l",
    arg: "SEL",
    description: "Label selector of the nodes",
    defaultText: "all nodes",
  },
  {
    flag: "summary-only",
    kind: "switch",
    path: "summaryOnly",
    description: "Only print the summary table",
  },
];

const CliSchema = z.strictObject({
  kubeconfig: z.string().min(1).optional(),
  type: z.enum(GPU_MODES).default("mix"),
  gpus: numberSchema(z.number().int().min(0).max(1024)).default(2),
  product: z.string().min(1).optional(),
  memoryMb: numberSchema(z.number().int().positive()).optional(),
  selector: z.string().optional(),
  summaryOnly: z.boolean().default(false),
}).superRefine((o, ctx) => {
  if (o.type.includes("mix") && (o.product || o.memoryMb)) {
    ctx.addIssue({
      code: "custom",
      path: [o.product ? "product" : "memoryMb"],
      message: `applies to single-vendor modes only, not '${o.type}'`,
    });
  }
});

const CONFIG: ConfigSpec<typeof CliSchema> = {
  schema: CliSchema,
  flags: FLAGS,
  source: "command line",
};

/** CLI entry: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const values = parseCommandLine(argv, FLAGS, {
      usage: "gpu_nodes.ts [flags]",
      summary: "Give nodes fake GPU capacity and labels, then print the summary.",
    });
    if (values === undefined) return 0;
    const opts = resolveConfig(CONFIG, { flags: values });
    const kube = loadKube({ kubeconfigPath: opts.kubeconfig });
    try {
      const rows = opts.summaryOnly
        ? gpuInventory((await kube.core.listNode()).items as NodeLike[])
        : await applyGpuNodes(kube, {
          mode: opts.type,
          gpusPerNode: opts.gpus,
          ...(opts.product ? { product: opts.product } : {}),
          ...(opts.memoryMb ? { memoryMb: opts.memoryMb } : {}),
          labelSelector: opts.selector,
        });
      writeOut(formatGpuSummary(rows) + "\n");
    } finally {
      kube.close();
    }
    return 0;
  } catch (err) {
    return exitCodeForError(err, "gpu_nodes");
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
