import assert from "node:assert/strict";
import { VariantAutoscalingStatusSchema } from "./v1alpha1.ts";
import type { VariantOutcome } from "../contract/ports.ts";
import { buildStatus, statusNeedsWrite } from "./status.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");

function outcome(
  desired: number | undefined,
  conditions: VariantOutcome["conditions"] = [],
): VariantOutcome {
  return {
    namespace: "ns",
    name: "v",
    modelId: "m",
    accelerator: "A100",
    gpusPerReplica: 1,
    costPerReplica: 10,
    minReplicas: 1,
    maxReplicas: 4,
    currentReplicas: 2,
    readyReplicas: 2,
    desiredReplicas: desired,
    reason: desired === undefined ? "excluded" : "scale-up",
    steps: [],
    metrics: undefined,
    conditions,
    generation: 7,
  };
}

const ok = [{
  type: "MetricsAvailable",
  status: "True" as const,
  reason: "MetricsFound",
  message: "2 of 2",
}];
const actuation = { mode: "direct-scale" as const, applied: true };

Deno.test("buildStatus() derives a valid status", async (t) => {
  await t.step("a served variant: allocations, actuation, TargetFound and its conditions", () => {
    const s = buildStatus(undefined, outcome(3, ok), {
      nowMs: T0,
      actuation,
      model: {
        modelId: "m",
        namespace: "ns",
        analyzer: "saturation-v1",
        steps: [],
        variants: [],
        load: { arrivalRatePerSec: 2, avgInputTokens: 100, avgOutputTokens: NaN, ttftMs: 40 },
      },
    });
    assert.ok(VariantAutoscalingStatusSchema.safeParse(s).success);
    assert.deepEqual(s.desiredOptimizedAlloc, {
      accelerator: "A100",
      numReplicas: 3,
      reason: "scale-up",
      lastRunTime: "2026-01-01T00:00:00Z",
    });
    assert.deepEqual(s.currentAlloc?.load, { arrivalRatePerSec: 2, avgInputTokens: 100 });
    assert.equal(s.currentAlloc?.ttftAverageMs, 40);
    assert.deepEqual(s.actuation, {
      applied: true,
      mode: "direct-scale",
      appliedReplicas: 3,
      lastTransitionTime: "2026-01-01T00:00:00Z",
    });
    assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.observedGeneration]), [
      ["TargetResolved", "True", 7],
      ["MetricsAvailable", "True", 7],
    ]);
  });
  await t.step("transition times move only when a condition's status changes", () => {
    const first = buildStatus(undefined, outcome(3, ok), { nowMs: T0, actuation });
    const same = buildStatus(first, outcome(3, ok), { nowMs: T0 + 60_000, actuation });
    assert.equal(same.conditions![1]!.lastTransitionTime, "2026-01-01T00:00:00Z");
    const lost = [{ ...ok[0]!, status: "False" as const, reason: "MetricsStale" }];
    const changed = buildStatus(first, outcome(3, lost), { nowMs: T0 + 60_000, actuation });
    assert.equal(changed.conditions![1]!.lastTransitionTime, "2026-01-01T00:01:00Z");
    assert.equal(changed.actuation?.lastTransitionTime, "2026-01-01T00:00:00Z");
  });
  await t.step("an excluded variant keeps the previous decision and is not applied", () => {
    const first = buildStatus(undefined, outcome(3, ok), { nowMs: T0, actuation });
    const s = buildStatus(first, outcome(undefined), { nowMs: T0 + 1000, actuation });
    assert.equal(s.desiredOptimizedAlloc?.numReplicas, 3);
    assert.equal(s.actuation?.applied, false);
  });
});

Deno.test("statusNeedsWrite() skips unchanged statuses until they get old", () => {
  const a = buildStatus(undefined, outcome(3, ok), { nowMs: T0, actuation });
  const b = buildStatus(a, outcome(3, ok), { nowMs: T0 + 5000, actuation });
  assert.equal(statusNeedsWrite(a, b, { nowMs: T0 + 5000, refreshMs: 60_000 }), false);
  assert.equal(statusNeedsWrite(a, b, { nowMs: T0 + 60_000, refreshMs: 60_000 }), true);
  const c = buildStatus(a, outcome(4, ok), { nowMs: T0 + 5000, actuation });
  assert.equal(statusNeedsWrite(a, c, { nowMs: T0 + 5000, refreshMs: 60_000 }), true);
  assert.equal(statusNeedsWrite(undefined, a, { nowMs: T0, refreshMs: 60_000 }), true);
  // The apiserver returns keys in another order: still unchanged.
  const reverse = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reverse)
      : v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]))
      : v;
  const shuffled = reverse(a) as typeof a;
  assert.notEqual(JSON.stringify(shuffled), JSON.stringify(a));
  assert.equal(statusNeedsWrite(shuffled, b, { nowMs: T0 + 5000, refreshMs: 60_000 }), false);
});
