/**
 * The one GPU accounting rule of wva (pure). Every place that counts GPUs uses it: the
 * optimizer's budget, the cycle sharing an inventory between models, the local pool starting
 * replicas, and the Kubernetes inventory.
 *
 * - The replicas of a variant use `replicas × gpusPerReplica` GPUs of its accelerator
 *   ({@linkcode gpusOf}).
 * - While a cycle moves a variant from `current` to `target` replicas, the variant holds
 *   max(current, target) replicas' GPUs: new replicas take theirs at once, removed replicas give
 *   theirs back only when their pods are gone, which is after this cycle ({@linkcode heldReplicas}).
 * - What is free of an inventory is, per accelerator in it, its GPUs minus what the holders use
 *   ({@linkcode freeGpus}). An accelerator missing from the inventory is not limited (fail open).
 * - A variant may add ⌊free / gpusPerReplica⌋ replicas; one that needs no GPU, or whose
 *   accelerator is not limited, may add any number ({@linkcode replicasThatFit}).
 *
 * ```ts
 * import { freeGpus, heldReplicas, replicasThatFit } from "./gpus.ts";
 * const free = freeGpus({ A100: 8 }, [
 *   { accelerator: "A100", gpusPerReplica: 2, replicas: heldReplicas(3, 2) }, // scale-down: holds 3
 * ]);
 * free.A100;                            // 2
 * replicasThatFit(free.A100, 2);        // 1
 * replicasThatFit(free.H100, 1);        // Infinity: H100 is not in the inventory
 * ```
 *
 * @module
 */

/** GPUs per accelerator name (e.g. `{ A100: 8 }`): all of them, or the ones still free. */
export type GpuInventory = Readonly<Record<string, number>>;

/** Replicas of one accelerator that use GPUs. */
export interface GpuHolder {
  /** Accelerator name, as in the inventory (e.g. `A100`). */
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly replicas: number;
}

/** One accelerator of an inventory with where its GPUs come from (for the inventory gauge). */
export interface GpuInventoryEntry {
  readonly accelerator: string;
  /** Vendor kind, e.g. `nvidia`. */
  readonly vendor: string;
  /** The product label value of the last node seen, e.g. `NVIDIA-A100-PCIE-80GB`. */
  readonly product: string;
  /** Every product label value that maps to this accelerator, sorted. */
  readonly products: readonly string[];
  readonly gpus: number;
}

/** GPUs used by `replicas` replicas of `gpusPerReplica` GPUs each. */
export function gpusOf(replicas: number, gpusPerReplica: number): number {
  return Math.max(0, replicas) * Math.max(0, gpusPerReplica);
}

/** Replicas whose GPUs a variant holds while it moves from `current` to `target` replicas. */
export function heldReplicas(current: number, target: number): number {
  return Math.max(current, target);
}

/** Charges a holder's GPUs to `free` (a working copy; accelerators not in it are not limited). */
export function takeGpus(free: Record<string, number>, holder: GpuHolder): void {
  const left = free[holder.accelerator];
  if (left === undefined) return;
  free[holder.accelerator] = left - gpusOf(holder.replicas, holder.gpusPerReplica);
}

/** GPUs left per accelerator of `inventory` once every holder's GPUs are taken (may be < 0). */
export function freeGpus(
  inventory: GpuInventory,
  holders: Iterable<GpuHolder>,
): Record<string, number> {
  const free: Record<string, number> = { ...inventory };
  for (const h of holders) takeGpus(free, h);
  return free;
}

/** Replicas of `gpusPerReplica` GPUs that fit in `free` GPUs (`Infinity` when not limited). */
export function replicasThatFit(free: number | undefined, gpusPerReplica: number): number {
  if (free === undefined || gpusPerReplica <= 0) return Infinity;
  return Math.max(0, Math.floor(free / gpusPerReplica));
}

/** Sums GPUs per accelerator name, e.g. over the nodes of a cluster. */
export function sumInventory(
  items: Iterable<{ readonly accelerator: string; readonly gpus: number }>,
): GpuInventory {
  const total: Record<string, number> = {};
  for (const i of items) total[i.accelerator] = (total[i.accelerator] ?? 0) + i.gpus;
  return total;
}
