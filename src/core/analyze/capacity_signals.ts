/**
 * Model-level capacity signals shared by saturation V2 (tokens) and the queueing model (req/s):
 * totals over variants and the universal threshold step
 * RC = max(0, D / scaleUp − anticipated supply), SC = max(0, supply − D / scaleDown).
 *
 * @module
 */
import type { CapacityAnalysis, DecisionStep, VariantCapacity } from "../contract/types.ts";
import { roundForStep, step } from "../contract/steps.ts";

/**
 * Model-level totals and the universal threshold step: RC = max(0, D/up − anticipated supply),
 * SC = max(0, supply − D/down). Shared by saturation V2 and the queueing-model analyzer.
 */
export function capacitySignals(input: {
  readonly analyzer: CapacityAnalysis["analyzer"];
  readonly unit: CapacityAnalysis["unit"];
  readonly variants: readonly VariantCapacity[];
  readonly extraDemand: number;
  readonly scaleUp: number;
  readonly scaleDown: number;
  readonly steps?: readonly DecisionStep[];
}): CapacityAnalysis {
  const vs = input.variants;
  const totalDemand = vs.reduce((a, v) => a + v.demand, 0) + input.extraDemand;
  const totalSupply = vs.reduce((a, v) => a + v.supply, 0);
  const totalAnticipatedSupply = vs.reduce(
    (a, v) => a + (v.readyReplicas + v.pendingReplicas) * v.perReplicaCapacity,
    0,
  );
  const requiredCapacity = Math.max(0, totalDemand / input.scaleUp - totalAnticipatedSupply);
  const spareCapacity = Math.max(0, totalSupply - totalDemand / input.scaleDown);
  const u = input.unit;
  const steps: DecisionStep[] = [
    ...(input.steps ?? []),
    step(
      "capacity.totals",
      `demand ${roundForStep(totalDemand)} ${u}, supply ${
        roundForStep(totalSupply)
      } ${u}, anticipated ${roundForStep(totalAnticipatedSupply)} ${u}`,
      {
        totalDemand,
        totalSupply,
        totalAnticipatedSupply,
        modelLevelDemand: input.extraDemand,
        utilization: totalSupply > 0 ? totalDemand / totalSupply : null,
      },
    ),
    step(
      "capacity.thresholds",
      `required RC = max(0, D/${input.scaleUp} − anticipated) = ${
        roundForStep(requiredCapacity)
      }; spare SC = max(0, supply − D/${input.scaleDown}) = ${roundForStep(spareCapacity)}`,
      {
        requiredCapacity,
        spareCapacity,
        scaleUpThreshold: input.scaleUp,
        scaleDownBoundary: input.scaleDown,
      },
    ),
  ];
  return {
    kind: "capacity",
    analyzer: input.analyzer,
    unit: input.unit,
    totalDemand,
    totalSupply,
    totalAnticipatedSupply,
    requiredCapacity,
    spareCapacity,
    variants: vs,
    steps,
  };
}

/**
 * A variant's capacity when the demand is the model's (the queueing model's req/s, the throughput
 * analyzer's tokens/s): its own demand 0, supply = ready replicas × `perReplicaCapacity`, data
 * only when that capacity is known (> 0).
 */
export function modelDemandCapacity(
  v: { readonly name: string; readonly readyReplicas: number; readonly pendingReplicas: number },
  perReplicaCapacity: number,
  steps: readonly DecisionStep[],
): VariantCapacity {
  return {
    variant: v.name,
    perReplicaCapacity,
    readyReplicas: v.readyReplicas,
    pendingReplicas: v.pendingReplicas,
    demand: 0,
    supply: v.readyReplicas * perReplicaCapacity,
    hasData: perReplicaCapacity > 0,
    steps,
  };
}
