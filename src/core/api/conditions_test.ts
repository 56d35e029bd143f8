import assert from "node:assert/strict";
import {
  CONDITION_REASONS,
  ConditionType,
  findCondition,
  Reason,
  reasonInfo,
  setCondition,
  toKubeTime,
} from "./conditions.ts";
import type { Condition, ConditionUpdate } from "./conditions.ts";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const T1 = T0 + 60_000;

Deno.test("toKubeTime() formats RFC 3339 UTC with whole seconds", () => {
  assert.equal(toKubeTime(T0), "2026-01-02T03:04:05Z");
  assert.equal(toKubeTime(0), "1970-01-01T00:00:00Z");
});

Deno.test("setCondition() merges like a Kubernetes controller", async (t) => {
  const found: Condition = {
    type: "MetricsAvailable",
    status: "True",
    reason: "MetricsFound",
    message: "3 replicas",
    lastTransitionTime: toKubeTime(T0),
    observedGeneration: 1,
  };
  await t.step("appends a new type with now as transition time", () => {
    const out = setCondition([], {
      type: ConditionType.TargetResolved,
      status: "False",
      reason: Reason.TargetNotFound,
      message: "missing",
    }, { nowMs: T0, observedGeneration: 4 });
    assert.deepEqual(out, [{
      type: "TargetResolved",
      status: "False",
      reason: "TargetNotFound",
      message: "missing",
      lastTransitionTime: "2026-01-02T03:04:05Z",
      observedGeneration: 4,
    }]);
  });
  await t.step("keeps lastTransitionTime when the status is unchanged", () => {
    const input = [found];
    const out = setCondition(input, {
      type: "MetricsAvailable",
      status: "True",
      reason: "MetricsFound",
      message: "4 replicas",
    }, { nowMs: T1, observedGeneration: 2 });
    assert.equal(out[0]!.lastTransitionTime, found.lastTransitionTime);
    assert.equal(out[0]!.message, "4 replicas");
    assert.equal(out[0]!.observedGeneration, 2);
    assert.equal(input[0]!.message, "3 replicas", "input not mutated");
  });
  await t.step("moves lastTransitionTime when the status changes, keeps order", () => {
    const other: Condition = { ...found, type: "ConfigValid", reason: "ConfigAccepted" };
    const out = setCondition([found, other], {
      type: "MetricsAvailable",
      status: "False",
      reason: "MetricsSourceError",
      message: "connection refused",
    }, { nowMs: T1 });
    assert.deepEqual(out.map((c) => c.type), ["MetricsAvailable", "ConfigValid"]);
    assert.equal(out[0]!.lastTransitionTime, toKubeTime(T1));
    assert.equal(out[0]!.reason, "MetricsSourceError");
    assert.equal(findCondition(out, "ConfigValid"), other);
  });
});

Deno.test("Reason constants are unique across condition types and carry their status", () => {
  const all = Object.values(CONDITION_REASONS).flatMap((r) => Object.keys(r));
  assert.equal(new Set(all).size, all.length, "a reason name is used by two condition types");
  assert.deepEqual(Object.keys(Reason).sort(), [...all].sort());
  for (const [type, reasons] of Object.entries(CONDITION_REASONS)) {
    for (const [name, info] of Object.entries(reasons)) {
      assert.deepEqual(reasonInfo(name), { ...info, type });
      assert.match(name, /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
    }
  }
  assert.equal(reasonInfo("NoSuchReason"), undefined);
  assert.deepEqual(Object.keys(ConditionType), [
    "TargetResolved",
    "MetricsAvailable",
    "OptimizationReady",
    "TargetFollowing",
    "ConfigValid",
    "DiscoverySource",
  ]);
});

Deno.test("ConditionUpdate ties each reason to its condition type (checked by the compiler)", () => {
  const ok: ConditionUpdate = {
    type: "TargetResolved",
    status: "False",
    reason: "TargetNotFound",
    message: "",
  };
  // @ts-expect-error MetricsFound is a MetricsAvailable reason, not a TargetResolved one
  const bad: ConditionUpdate = {
    type: "TargetResolved",
    status: "True",
    reason: "MetricsFound",
    message: "",
  };
  assert.notEqual(ok.reason, bad.reason);
});
