/**
 * Checks of a variant against the cycle's settings (pure), reported as non-blocking
 * `ConfigValid` problems so the variant is still served:
 *
 * - a `serviceClass` that names no class → priority and SLOs of no class (`UnknownServiceClass`);
 * - the queueing-model analyzer without performance parameters (`PerfParamsMissing`).
 *
 * `minReplicas: 0` is taken as written: with scale-to-zero disabled, "at least one replica"
 * holds for the **model** (the optimizer keeps one on its cheapest variant), not per variant.
 *
 * @module
 */
import { ConditionType, Reason } from "../api/conditions.ts";
import type { VariantProblem, VariantSnapshot } from "../contract/ports.ts";
import type { CycleSettings } from "../contract/settings.ts";

function problem(reason: string, message: string): VariantProblem {
  return { condition: ConditionType.ConfigValid, reason, message, blocking: false };
}

/** Returns the variant with its effective bounds and any configuration problems added. */
export function applyConfigRules(v: VariantSnapshot, settings: CycleSettings): VariantSnapshot {
  const model = { modelId: v.modelId, namespace: v.namespace, serviceClass: v.serviceClass };
  const added: VariantProblem[] = [];
  if (v.serviceClass !== undefined && settings.serviceClassFor?.(model)?.unknownClass) {
    added.push(problem(
      Reason.UnknownServiceClass,
      `serviceClass '${v.serviceClass}' is not defined: default priority, no SLO`,
    ));
  }
  if ((v.analyzer ?? settings.analyzer) === "queueing-model" && !v.perf) {
    added.push(problem(
      Reason.PerfParamsMissing,
      "the queueing-model analyzer needs spec.perfParams; the variant is held",
    ));
  }
  if (added.length === 0) return v;
  return { ...v, problems: [...v.problems, ...added] };
}
