/**
 * The setting of a variant that depends on configuration, not only on its spec: the cost of a
 * replica. Pure; the Kubernetes backend calls it each cycle with the current unit-cost ConfigMap.
 *
 * @module
 */
import { type AcceleratorCostsConfig, unitCostOf } from "./configmaps/mod.ts";
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
