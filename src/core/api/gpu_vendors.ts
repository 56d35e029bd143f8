/**
 * The one GPU vendor table shared by the controller's GPU inventory, `scripts/gpu_nodes.ts`
 * (fake GPU capacity for local clusters) and the Kind kit: which extended resource each vendor
 * advertises on a node, and which node labels carry the GPU count, memory (MB) and product.
 * The strings follow the WVA controller's `VendorResources` table exactly.
 *
 * Also the pure helpers around it: the per-node GPU inventory read from Node objects, and the
 * plan of which fake GPUs each node gets in a given emulation mode. No I/O here.
 *
 * @module
 */
import { parseQuantity } from "../util/quantity.ts";

/** The vendor kinds, in the order the `mix` emulation mode cycles through them. */
export const VENDOR_KINDS = ["nvidia", "amd", "intel-gaudi", "intel-i915", "intel-xe"] as const;
/** One vendor kind (a vendor plus, for Intel, the device family). */
export type VendorKind = typeof VENDOR_KINDS[number];

/** How one vendor's GPUs appear on a Kubernetes node. */
export interface GpuVendor {
  readonly kind: VendorKind;
  /** Company, for grouping: several kinds share `intel`. */
  readonly vendor: "nvidia" | "amd" | "intel";
  /** Extended resource name in `status.capacity` / `status.allocatable` and pod requests. */
  readonly resource: string;
  /** Label holding the GPU count per node. */
  readonly countLabel: string;
  /** Label holding the memory per GPU in MB. */
  readonly memoryLabel: string;
  /** Labels holding the product name, the canonical one first; later ones are read-only aliases. */
  readonly productLabels: readonly [string, ...string[]];
}

/** The vendor table (resource names and labels exactly as the WVA controller expects them). */
export const GPU_VENDORS: readonly GpuVendor[] = [
  {
    kind: "nvidia",
    vendor: "nvidia",
    resource: "nvidia.com/gpu",
    countLabel: "nvidia.com/gpu.count",
    memoryLabel: "nvidia.com/gpu.memory",
    productLabels: ["nvidia.com/gpu.product", "cloud.google.com/gke-accelerator"],
  },
  {
    kind: "amd",
    vendor: "amd",
    resource: "amd.com/gpu",
    countLabel: "amd.com/gpu.count",
    memoryLabel: "amd.com/gpu.memory",
    productLabels: ["amd.com/gpu.product-name"],
  },
  {
    kind: "intel-gaudi",
    vendor: "intel",
    resource: "habana.ai/gaudi",
    countLabel: "habana.ai/device.count",
    memoryLabel: "habana.ai/device.memory",
    productLabels: ["habana.ai/product.name"],
  },
  {
    kind: "intel-i915",
    vendor: "intel",
    resource: "gpu.intel.com/i915",
    countLabel: "gpu.intel.com/device.count",
    memoryLabel: "gpu.intel.com/memory",
    productLabels: ["gpu.intel.com/product"],
  },
  {
    kind: "intel-xe",
    vendor: "intel",
    resource: "gpu.intel.com/xe",
    countLabel: "gpu.intel.com/device.count",
    memoryLabel: "gpu.intel.com/memory",
    productLabels: ["gpu.intel.com/product"],
  },
];

/** The vendor advertising `resource` (e.g. `"amd.com/gpu"`), or undefined for non-GPU resources. */
export function vendorByResource(resource: string): GpuVendor | undefined {
  return GPU_VENDORS.find((v) => v.resource === resource);
}

/** The vendor entry of a kind; every {@linkcode VendorKind} has exactly one. */
export function vendorByKind(kind: VendorKind): GpuVendor {
  const v = GPU_VENDORS.find((x) => x.kind === kind);
  if (!v) throw new Error(`no GPU vendor entry for kind '${kind}'`);
  return v;
}

/** The part of a Node object the inventory reads (a client-node `V1Node` or plain JSON fits). */
export interface NodeLike {
  readonly metadata?: {
    readonly name?: string | undefined;
    readonly labels?: Readonly<Record<string, string>> | undefined;
  } | undefined;
  /** `unschedulable: true` = cordoned. */
  readonly spec?: { readonly unschedulable?: boolean | undefined } | undefined;
  readonly status?: {
    readonly capacity?: Readonly<Record<string, string>> | undefined;
    readonly allocatable?: Readonly<Record<string, string>> | undefined;
    readonly conditions?:
      | readonly { readonly type?: string | undefined; readonly status?: string | undefined }[]
      | undefined;
  } | undefined;
}

/**
 * True when new pods can be placed on the node: not cordoned (`spec.unschedulable`) and not
 * NotReady (a `Ready` condition other than `True`). A node without conditions (plain JSON in
 * tests, a node object read without status) counts as schedulable.
 */
export function nodeSchedulable(node: NodeLike): boolean {
  if (node.spec?.unschedulable === true) return false;
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return ready === undefined || ready.status === "True";
}

/** One GPU resource on one node: what the controller's limiter and the summary table use. */
export interface NodeGpus {
  readonly node: string;
  readonly kind: VendorKind;
  readonly resource: string;
  /** From `status.capacity`, 0 when absent. */
  readonly capacity: number;
  /** From `status.allocatable`, 0 when absent. */
  readonly allocatable: number;
  /** From the product label (or an alias), undefined when unlabelled. */
  readonly product: string | undefined;
  /** Memory per GPU in MB from the memory label, undefined when absent or not a number. */
  readonly memoryMb: number | undefined;
}

/**
 * GPUs in a Kubernetes quantity (a pod's request or limit, a node's capacity): the quantity when
 * it is a whole number ≥ 0, else 0. Kubernetes admits only whole quantities of extended resources
 * (a pod asking for `500m` of `nvidia.com/gpu` is refused), so a fraction (`"1.5"`, `"500m"`), a
 * negative or an unreadable value is malformed: it counts 0, never rounded, because rounding up
 * would invent demand and rounding down would invent capacity from an object the API server would
 * not have accepted.
 *
 * @example
 * ```ts
 * import { gpuCount } from "./gpu_vendors.ts";
 * if (gpuCount("2") !== 2 || gpuCount("1.5") !== 0 || gpuCount(undefined) !== 0) throw new Error();
 * ```
 */
export function gpuCount(value: string | number | undefined): number {
  const n = value === undefined ? undefined : parseQuantity(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * Reads the GPU inventory from nodes: one entry per node and GPU resource present in its
 * capacity or allocatable, in node order then vendor-table order. Counts of extended resources
 * are whole numbers (`"8"`); anything else counts as 0 ({@linkcode gpuCount}).
 */
export function gpuInventory(nodes: readonly NodeLike[]): NodeGpus[] {
  const out: NodeGpus[] = [];
  for (const node of nodes) {
    const labels = node.metadata?.labels ?? {};
    const cap = node.status?.capacity ?? {};
    const alloc = node.status?.allocatable ?? {};
    for (const v of GPU_VENDORS) {
      if (cap[v.resource] === undefined && alloc[v.resource] === undefined) continue;
      const product = v.productLabels.map((l) => labels[l]).find((p) =>
        p !== undefined && p !== ""
      );
      const mem = labels[v.memoryLabel] === undefined ? NaN : Number(labels[v.memoryLabel]);
      out.push({
        node: node.metadata?.name ?? "",
        kind: v.kind,
        resource: v.resource,
        capacity: gpuCount(cap[v.resource]),
        allocatable: gpuCount(alloc[v.resource]),
        product,
        memoryMb: Number.isFinite(mem) ? mem : undefined,
      });
    }
  }
  return out;
}

/** A GPU model used by the emulation presets. */
export interface GpuModel {
  readonly kind: VendorKind;
  readonly product: string;
  readonly memoryMb: number;
  /** Short name for the `gpu-config` label of the `*-mix` modes, e.g. `H100`. */
  readonly short: string;
}

/** The emulated GPU models (the same product strings and memory sizes as WVA's Kind emulator). */
export const GPU_MODELS = {
  A100: { kind: "nvidia", product: "NVIDIA-A100-PCIE-80GB", memoryMb: 81920, short: "A100" },
  H100: { kind: "nvidia", product: "NVIDIA-H100-SXM5-80GB", memoryMb: 81920, short: "H100" },
  MI300X: { kind: "amd", product: "AMD-MI300X-192G", memoryMb: 196608, short: "MI300X" },
  MI250: { kind: "amd", product: "AMD-MI250-128G", memoryMb: 131072, short: "MI250" },
  GAUDI2: { kind: "intel-gaudi", product: "Intel-Gaudi-2-96GB", memoryMb: 98304, short: "Gaudi2" },
  MAX1100: { kind: "intel-i915", product: "Max_1100", memoryMb: 49152, short: "Max1100" },
  B60: { kind: "intel-xe", product: "Pro-B60-Graphics", memoryMb: 24576, short: "B60" },
} as const satisfies Readonly<Record<string, GpuModel>>;

/** Emulation modes: one vendor on every node, or a cycle of models over the sorted node list. */
export const GPU_MODES = [...VENDOR_KINDS, "mix", "nvidia-mix", "amd-mix"] as const;
/** One emulation mode (the `-t` values of WVA's Kind emulator). */
export type GpuMode = typeof GPU_MODES[number];

const CYCLES: Readonly<Record<"mix" | "nvidia-mix" | "amd-mix", readonly GpuModel[]>> = {
  "mix": [
    GPU_MODELS.A100,
    GPU_MODELS.MI300X,
    GPU_MODELS.GAUDI2,
    GPU_MODELS.MAX1100,
    GPU_MODELS.B60,
  ],
  "nvidia-mix": [GPU_MODELS.H100, GPU_MODELS.A100, GPU_MODELS.MI300X],
  "amd-mix": [GPU_MODELS.MI300X, GPU_MODELS.MI250, GPU_MODELS.A100],
};

const SINGLE_DEFAULTS: Readonly<Record<VendorKind, GpuModel>> = {
  "nvidia": GPU_MODELS.A100,
  "amd": GPU_MODELS.MI300X,
  "intel-gaudi": GPU_MODELS.GAUDI2,
  "intel-i915": GPU_MODELS.MAX1100,
  "intel-xe": GPU_MODELS.B60,
};

/** Options for {@linkcode planGpuNodes}. */
export interface GpuPlanOptions {
  readonly mode: GpuMode;
  /** GPUs per node (capacity = allocatable). */
  readonly gpusPerNode: number;
  /** Product override, single-vendor modes only (default: the vendor's preset model). */
  readonly product?: string;
  /** Memory per GPU in MB, single-vendor modes only (default: the preset model's). */
  readonly memoryMb?: number;
}

/** What one node gets: the extended resource, its count, and every label to set. */
export interface GpuNodePlan {
  readonly node: string;
  readonly vendor: GpuVendor;
  readonly count: number;
  readonly product: string;
  readonly memoryMb: number;
  /** Count, memory and canonical product labels, plus `gpu-config` in the `*-mix` modes. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Assigns fake GPUs to nodes. Nodes are taken in sorted name order (like `kubectl get nodes`), so
 * a mix mode gives node i the model at position i modulo the cycle length.
 */
export function planGpuNodes(nodeNames: readonly string[], options: GpuPlanOptions): GpuNodePlan[] {
  const { mode, gpusPerNode } = options;
  if (!Number.isInteger(gpusPerNode) || gpusPerNode < 0) {
    throw new RangeError(`gpusPerNode must be a non-negative integer, got ${gpusPerNode}`);
  }
  const sorted = [...nodeNames].sort();
  return sorted.map((node, i) => {
    let model: GpuModel;
    if (mode === "mix" || mode === "nvidia-mix" || mode === "amd-mix") {
      const cycle = CYCLES[mode];
      model = cycle[i % cycle.length] as GpuModel;
    } else {
      const preset = SINGLE_DEFAULTS[mode];
      model = {
        ...preset,
        product: options.product ?? preset.product,
        memoryMb: options.memoryMb ?? preset.memoryMb,
      };
    }
    const vendor = vendorByKind(model.kind);
    const labels: Record<string, string> = {
      [vendor.countLabel]: String(gpusPerNode),
      [vendor.memoryLabel]: String(model.memoryMb),
      [vendor.productLabels[0]]: model.product,
    };
    if (mode === "nvidia-mix" || mode === "amd-mix") {
      labels["gpu-config"] = `${gpusPerNode}${model.short}`;
    }
    return {
      node,
      vendor,
      count: gpusPerNode,
      product: model.product,
      memoryMb: model.memoryMb,
      labels,
    };
  });
}

/** Column widths of the summary table (the same layout as WVA's Kind emulator prints). */
const COLUMNS = [40, 20, 10, 10, 30, 10] as const;

/** The 6-column summary table (Node, Resource, Capacity, Allocatable, GPU Product, Memory) as text. */
export function formatGpuSummary(rows: readonly NodeGpus[]): string {
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < COLUMNS.length - 1 ? c.padEnd(COLUMNS[i] ?? 0) : c)).join(" ")
      .trimEnd();
  const out = [
    "-".repeat(COLUMNS.reduce((a, b) => a + b + 1, -1)),
    line(["Node", "Resource", "Capacity", "Allocatable", "GPU Product", "Memory (MB)"]),
  ];
  for (const r of rows) {
    out.push(line([
      r.node,
      r.resource,
      String(r.capacity),
      String(r.allocatable),
      r.product ?? "-",
      r.memoryMb === undefined ? "-" : String(r.memoryMb),
    ]));
  }
  return out.join("\n");
}
