/**
 * The GPU inventory the limiter uses: allocatable GPUs per accelerator name, summed over the
 * nodes that carry a product label (the shared vendor table of src/core/api/gpu_vendors.ts),
 * named like a variant's accelerator ({@linkcode acceleratorNameForProduct}) so the limiter's
 * budget and the variant meet on one name. Pure.
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
import { gpuInventory, type NodeGpus, type NodeLike } from "../../../core/api/gpu_vendors.ts";

/** Options of {@linkcode inventoryOf}. */
export interface InventoryOptions {
  /** The unit-cost ConfigMap, whose `device` entries name product label values. */
  readonly costs?: AcceleratorCostsConfig | undefined;
}

/** The inventory by accelerator name, plus its entries. Nodes without a product label count 0. */
export function inventoryOf(
  nodes: readonly NodeLike[],
  options: InventoryOptions = {},
): { readonly inventory: GpuInventory; readonly entries: readonly GpuInventoryEntry[] } {
  const entries = new Map<string, GpuInventoryEntry>();
  for (const g of gpuInventory(nodes) as NodeGpus[]) {
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
  }
  const list = [...entries.values()].sort((a, b) => a.accelerator.localeCompare(b.accelerator));
  return { inventory: sumInventory(list), entries: list };
}
