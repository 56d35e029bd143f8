/**
 * Read-only views of the pool for the live view, the report and tests: per-variant counts and
 * the lifecycle events the pool emits.
 *
 * @module
 */
import { gpusOf } from "../../core/contract/gpus.ts";
import { holdsGpus, type ReplicaRecord } from "./replica.ts";
import type { LocalVariantSpec } from "./variant_spec.ts";

/** Something that happened in the pool (ms timestamps from the pool's clock). */
export interface PoolEvent {
  readonly atMs: number;
  readonly kind:
    | "scaled"
    | "replica-starting"
    | "replica-ready"
    | "replica-draining"
    | "replica-stopped";
  readonly variant: string;
  readonly replica?: string | undefined;
  readonly detail?: string | undefined;
}

/** Counts of one variant now. */
export interface VariantStatus {
  readonly spec: LocalVariantSpec;
  /** Desired replicas (the last scale request). */
  readonly desired: number;
  readonly loading: number;
  readonly ready: number;
  readonly draining: number;
  /** Desired but not started: no free GPU. */
  readonly unschedulable: number;
  /** GPUs held by this variant's replicas (loading, ready, draining). */
  readonly gpusHeld: number;
  /** GPUs of this variant's accelerator still free (Infinity without an inventory). */
  readonly gpusFree: number;
}

/** Computes a variant's counts from its replicas. Pure. */
export function variantStatus(
  spec: LocalVariantSpec,
  desired: number,
  replicas: readonly ReplicaRecord[],
  gpusFree: number,
): VariantStatus {
  const count = (s: ReplicaRecord["state"]) => replicas.filter((r) => r.state === s).length;
  const loading = count("loading");
  const ready = count("ready");
  return {
    spec,
    desired,
    loading,
    ready,
    draining: count("draining"),
    unschedulable: Math.max(0, desired - loading - ready),
    gpusHeld: gpusOf(replicas.filter(holdsGpus).length, spec.gpusPerReplica),
    gpusFree,
  };
}
