/**
 * Which accelerator names the controller knows, and whether a variant's accelerator is one of
 * them (pure). An accelerator is *known* when it names, in the way each consumer looks it up:
 *
 * | source | match | why |
 * |---|---|---|
 * | a key of the unit-cost ConfigMap | ignoring case | the unit-cost lookup ignores case: the VA gets a cost |
 * | an accelerator name of the GPU inventory | exactly | the GPU limiter budgets by this exact name |
 * | a product label value of a GPU node, or a ConfigMap `device` | ignoring case | real hardware, written as its product |
 *
 * Anything else is unknown (condition `ConfigValid=False/UnknownAccelerator`): it gets no unit
 * cost and the GPU limiter cannot budget it. When the controller knows no accelerator at all (no
 * ConfigMap entry, no node with a GPU product label) nothing is checked: there is nothing to
 * compare with, and flagging every VA would hide the one real mistake.
 *
 * @module
 */
import type { GpuInventoryEntry } from "../../../core/contract/gpus.ts";

/** One entry of the unit-cost ConfigMap: the accelerator name (data key) and its device. */
export interface PricedAccelerator {
  readonly name: string;
  readonly device: string;
}

/** What the controller knows about accelerators at the start of a cycle. */
export interface KnownAccelerators {
  /** The unit-cost ConfigMap's entries. */
  readonly priced: readonly PricedAccelerator[];
  /** The GPU inventory: accelerator names and the node product label values behind them. */
  readonly inventory: readonly Pick<GpuInventoryEntry, "accelerator" | "products">[];
}

/** True when `accelerator` is known (see the module doc), or when nothing is known at all. */
export function isKnownAccelerator(accelerator: string, known: KnownAccelerators): boolean {
  if (known.priced.length === 0 && known.inventory.length === 0) return true;
  const want = accelerator.toLowerCase();
  return known.priced.some((p) =>
    p.name.toLowerCase() === want || p.device.toLowerCase() === want
  ) ||
    known.inventory.some((e) =>
      e.accelerator === accelerator || e.products.some((p) => p.toLowerCase() === want)
    );
}

function list(names: readonly string[], most: number): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, most).join(", ");
  return names.length > most ? `${shown} and ${names.length - most} more` : shown;
}

/**
 * What is known, for a condition message: `unit-cost ConfigMap: A100, H100; GPU inventory:
 * A100 (NVIDIA-A100-PCIE-80GB)`. At most `most` names per source.
 */
export function describeKnownAccelerators(known: KnownAccelerators, most = 8): string {
  const priced = [...known.priced].map((p) => p.name).sort();
  const inventory = [...known.inventory]
    .sort((a, b) => a.accelerator.localeCompare(b.accelerator))
    .map((
      e,
    ) => (e.products.length > 0 ? `${e.accelerator} (${e.products.join(", ")})` : e.accelerator));
  return `unit-cost ConfigMap: ${list(priced, most)}; GPU inventory: ${list(inventory, most)}`;
}
