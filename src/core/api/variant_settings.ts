/**
 * The settings of a variant that depend on configuration, not only on its spec: the cost of a
 * replica and the replica bounds. Pure; the controller calls these each cycle with the current
 * ConfigMaps (the Kubernetes backend for the cost, the pipeline's configuration rules for the
 * bounds) and reports the `reason` of a bound it had to change as a condition.
 *
 * @module
 */
import { type AcceleratorCostsConfig, unitCostOf } from "./configmaps/mod.ts";
import { Reason } from "./conditions.ts";
import { DEFAULT_VARIANT_COST } from "./v1alpha1.ts";

/** Where a replica's cost came from. */
export type CostSource = "spec" | "unit-cost" | "default";

/** A replica's cost and its origin. */
export interface VariantCost {
  readonly costPerReplica: number;
  readonly source: CostSource;
}

/**
 * Cost of one replica: `spec.variantCost` when set; else the accelerator's unit cost (from the
 * unit-cost ConfigMap) × GPUs per replica; else {@linkcode DEFAULT_VARIANT_COST} (10).
 */
export function effectiveVariantCost(
  spec: { readonly variantCost?: number | undefined },
  options: {
    readonly accelerator: string;
    readonly gpusPerReplica: number;
    readonly costs?: AcceleratorCostsConfig | undefined;
  },
): VariantCost {
  if (spec.variantCost !== undefined) return { costPerReplica: spec.variantCost, source: "spec" };
  const unit = options.costs ? unitCostOf(options.costs, options.accelerator) : undefined;
  if (unit) return { costPerReplica: unit.cost * options.gpusPerReplica, source: "unit-cost" };
  return { costPerReplica: DEFAULT_VARIANT_COST, source: "default" };
}

/** Replica bounds in force, and why they differ from the spec (if they do). */
export type ReplicaBounds =
  | {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly reason?: undefined;
    readonly message?: undefined;
  }
  | {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** `minReplicas: 0` was raised to 1 because scale-to-zero is disabled. */
    readonly reason: typeof Reason.ScaleToZeroDisabled;
    /** For the `ConfigValid` condition. */
    readonly message: string;
  };

/**
 * The bounds the optimizer uses: the spec's, except that `minReplicas: 0` only holds when
 * scale-to-zero is enabled for the model; otherwise 1 (never above maxReplicas). `modelID`
 * only names the model in the message.
 */
export function effectiveReplicaBounds(
  spec: {
    readonly modelID?: string | undefined;
    readonly minReplicas: number;
    readonly maxReplicas: number;
  },
  scaleToZeroEnabled: boolean,
): ReplicaBounds {
  if (spec.minReplicas > 0 || scaleToZeroEnabled) {
    return { minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  }
  const minReplicas = Math.min(1, spec.maxReplicas);
  const model = spec.modelID === undefined ? "this model" : `model ${spec.modelID}`;
  return {
    minReplicas,
    maxReplicas: spec.maxReplicas,
    reason: Reason.ScaleToZeroDisabled,
    message: `minReplicas is 0 but scale-to-zero is disabled for ${model}: using ${minReplicas}`,
  };
}
