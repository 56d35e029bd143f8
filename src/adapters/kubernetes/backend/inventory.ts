/**
 * The GPU inventory the limiter uses (pure):
 *
 * - {@linkcode inventoryOf}: allocatable GPUs per accelerator name, summed over the
 *   **schedulable** nodes (not cordoned, not NotReady) that carry a product label (the shared
 *   vendor table of src/core/api/gpu_vendors.ts), named like a variant's accelerator
 *   ({@linkcode acceleratorNameForProduct}) so the limiter's budget and the variant meet on one
 *   name;
 * - {@linkcode unmanagedGpus}: the GPUs that scheduled, non-terminal pods on those nodes request
 *   and that belong to no variant (other workloads), per accelerator name. The cycle takes them
 *   from the inventory before any model draws on it; the variants' own replicas it charges itself.
 *
 * @module
 */
import { acceleratorNameForProduct } from "../../../core/api/accelerator.ts";
import type { AcceleratorCostsConfig } from "../../../core/api/configmaps/mod.ts";
import {
  type GpuInventory,
  type GpuInventoryEntry,
  sumInventory,
} from "../../../core/contract/gpus.ts";
import {
  gpuInventory,
  type NodeGpus,
  type NodeLike,
  nodeSchedulable,
} from "../../../core/api/gpu_vendors.ts";
import type { GpuPodInfo } from "./objects.ts";

/** Options of {@linkcode inventoryOf}. */
export interface InventoryOptions {
  /** The unit-cost ConfigMap, whose `device` entries name product label values. */
  readonly costs?: AcceleratorCostsConfig | undefined;
}

/** The inventory, its entries, and the accelerator name of each GPU resource of each node. */
export interface Inventory {
  readonly inventory: GpuInventory;
  readonly entries: readonly GpuInventoryEntry[];
  /** Node name → GPU resource (`nvidia.com/gpu`) → accelerator name; schedulable nodes only. */
  readonly nodeAccelerators: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The inventory by accelerator name, plus its entries. Nodes without a product label, cordoned
 * nodes and NotReady nodes count 0.
 */
export function inventoryOf(
  nodes: readonly NodeLike[],
  options: InventoryOptions = {},
): Inventory {
  const entries = new Map<string, GpuInventoryEntry>();
  const nodeAccelerators = new Map<string, Map<string, string>>();
  for (const g of gpuInventory(nodes.filter(nodeSchedulable)) as NodeGpus[]) {
    if (!g.product) continue;
    const accelerator = acceleratorNameForProduct(g.product, options.costs);
    const prev = entries.get(accelerator);
    entries.set(accelerator, {
      accelerator,
      vendor: g.kind,
      product: g.product,
      products: [...new Set([...(prev?.products ?? []), g.product])].sort(),
      gpus: (prev?.gpus ?? 0) + g.allocatable,
    });
    const perNode = nodeAccelerators.get(g.node) ?? new Map<string, string>();
    perNode.set(g.resource, accelerator);
    nodeAccelerators.set(g.node, perNode);
  }
  const list = [...entries.values()].sort((a, b) => a.accelerator.localeCompare(b.accelerator));
  return { inventory: sumInventory(list), entries: list, nodeAccelerators };
}

/**
 * GPUs per accelerator requested by the pods that are not in `managed` (keys `namespace/name`)
 * and run on a node of the inventory. Pods on other nodes (cordoned, unlabelled) are not
 * counted: their nodes are not in the inventory either.
 */
export function unmanagedGpus(
  pods: readonly GpuPodInfo[],
  managed: ReadonlySet<string>,
  nodeAccelerators: Inventory["nodeAccelerators"],
): GpuInventory {
  const held: Record<string, number> = {};
  for (const p of pods) {
    if (managed.has(`${p.namespace}/${p.name}`)) continue;
    const node = nodeAccelerators.get(p.nodeName);
    if (!node) continue;
    for (const [resource, n] of Object.entries(p.gpus)) {
      const accelerator = node.get(resource);
      if (accelerator !== undefined) held[accelerator] = (held[accelerator] ?? 0) + n;
    }
  }
  return held;
}
