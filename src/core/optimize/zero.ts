/**
 * The rules about zero replicas (pure), applied by `optimizeModel` (cost_aware.ts):
 *
 * - {@linkcode atZero}: a model with no replica at all starts **only on demand**: when requests
 *   wait at the inference gateway (its flow-control queue for the model, `schedulerQueue` of the
 *   observation), the cheapest variant with room gets 1 replica (WVA's scale-from-zero engine).
 *   Without demand — or without a gateway signal, which is unknown, not zero — it stays at zero;
 *   a variant whose `minReplicas` is above 0 is still raised by the clamp that follows.
 * - {@linkcode scaleToZero}: scale-to-zero enabled and the model idle for the retention period
 *   (the caller decides; nothing may be queued) → every variant to its minReplicas.
 * - {@linkcode keepOneReplica}: scale-to-zero disabled → "at least one replica" holds for the
 *   **model**, on its cheapest variant with room; `minReplicas: 0` on every variant does not
 *   start idle expensive variants.
 *
 * @module
 */
import { step } from "../contract/steps.ts";
import type { DecisionStep, ModelObservation } from "../contract/types.ts";
import {
  cheapestFirst,
  type GpuBudget,
  grow,
  headroom,
  note,
  type WorkingVariant,
} from "./working.ts";

/** Requests waiting for the model at the gateway (0 when none, or not read). */
export function queuedRequests(obs: ModelObservation): number {
  return Math.max(0, obs.schedulerQueue?.requests ?? 0);
}

/** The model has no replica: 1 on the cheapest variant with room when requests wait, else none. */
export function atZero(
  ws: WorkingVariant[],
  steps: DecisionStep[],
  queued: number,
  budget: GpuBudget | undefined,
): void {
  if (queued <= 0) {
    steps.push(
      step(
        "enforcer.at-zero",
        "model has no replica and no request waits at the gateway (or none is read): stays at zero",
        { queuedRequests: queued },
      ),
    );
    for (const w of ws) note(w, "enforcer.at-zero", "no demand: stays at zero");
    return;
  }
  const pick = ws.filter((w) => headroom(w, budget) >= 1).sort(cheapestFirst)[0];
  if (!pick) {
    steps.push(
      step("enforcer.scale-from-zero", `${queued} request(s) wait but no variant has room`, {
        queuedRequests: queued,
      }),
    );
    return;
  }
  grow(pick, 1, budget);
  pick.reason = "scale-from-zero";
  note(
    pick,
    "enforcer.scale-from-zero",
    `model has no replica and ${queued} request(s) wait at the gateway: the cheapest variant with room gets 1`,
    { costPerReplica: pick.obs.costPerReplica, queuedRequests: queued },
  );
}

/** Idle for the retention period (scale-to-zero enabled): every variant to its minReplicas. */
export function scaleToZero(ws: WorkingVariant[], steps: DecisionStep[]): void {
  steps.push(
    step(
      "enforcer.scale-to-zero",
      "idle for the retention period: every variant to its minReplicas",
    ),
  );
  for (const w of ws) {
    if (w.obs.minReplicas < w.target) {
      note(w, "enforcer.scale-to-zero", `idle: ${w.target} → minReplicas ${w.obs.minReplicas}`);
      w.target = w.obs.minReplicas;
      w.reason = "scale-to-zero";
    }
  }
}

/** Scale-to-zero disabled: a model whose targets add up to 0 keeps 1 on its cheapest variant. */
export function keepOneReplica(
  ws: WorkingVariant[],
  steps: DecisionStep[],
  budget: GpuBudget | undefined,
): void {
  if (ws.some((w) => w.target > 0)) return;
  const pick = ws.filter((w) => w.obs.maxReplicas >= 1).sort(cheapestFirst)[0];
  if (!pick) return;
  grow(pick, 1, budget);
  pick.reason = "clamped";
  steps.push(
    step("enforcer.minimum-replicas", "scale-to-zero disabled: the model keeps 1 replica"),
  );
  note(pick, "enforcer.minimum-replicas", "scale-to-zero disabled: the cheapest variant keeps 1");
}
