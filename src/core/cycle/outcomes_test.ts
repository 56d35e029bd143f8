import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import type { VariantMetricsStatus } from "../contract/ports.ts";
import { excludedOutcome, guardDesired, servedOutcome } from "./outcomes.ts";

const missing: VariantMetricsStatus = {
  available: false,
  reason: "MetricsMissing",
  message: "none",
  freshReplicas: 0,
  staleReplicas: 0,
};
const found: VariantMetricsStatus = { ...missing, available: true, reason: "MetricsFound" };
const partial: VariantMetricsStatus = {
  ...found,
  reason: "MetricsPartial",
  message: "2 of 3 ready replicas report metrics",
};

Deno.test("guardDesired() never lets missing metrics lower a variant", async (t) => {
  const v = variantSnapshot({ name: "v", currentReplicas: 3, maxReplicas: 5 });
  const cases = [
    { name: "available: the target stands", metrics: found, target: 1, want: 1, step: false },
    { name: "unavailable: a scale-down is held", metrics: missing, target: 1, want: 3, step: true },
    { name: "unavailable: a scale-up stands", metrics: missing, target: 4, want: 4, step: false },
    { name: "partial: a scale-down is held", metrics: partial, target: 1, want: 3, step: true },
    { name: "partial: a scale-up stands", metrics: partial, target: 5, want: 5, step: false },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = guardDesired(v, c.target, c.metrics);
      assert.equal(r.desired, c.want);
      assert.equal(r.step !== undefined, c.step);
    });
  }
  await t.step("unavailable above a lowered maxReplicas: down to max only", () => {
    const over = variantSnapshot({ name: "v", currentReplicas: 6, maxReplicas: 4 });
    assert.equal(guardDesired(over, 2, missing).desired, 4);
  });
});

Deno.test("servedOutcome() and excludedOutcome() set the conditions", async (t) => {
  const v = variantSnapshot({
    name: "v",
    currentReplicas: 2,
    accelerator: "unresolved",
    problems: [{
      condition: "ConfigValid",
      reason: "AcceleratorUnresolved",
      message: "no product label",
      blocking: false,
    }],
  });
  await t.step("an error holds the variant and says OptimizationFailed", () => {
    const o = servedOutcome(v, undefined, found, "boom");
    assert.equal(o.desiredReplicas, 2);
    const ready = o.conditions.find((c) => c.type === "OptimizationReady")!;
    assert.deepEqual([ready.status, ready.reason, ready.message], [
      "False",
      "OptimizationFailed",
      "boom",
    ]);
  });
  await t.step("non-blocking problems become False conditions", () => {
    assert.equal(
      servedOutcome(variantSnapshot({ name: "ok" }), undefined, found, undefined).conditions.find((
        c,
      ) => c.type === "ConfigValid")!.reason,
      "ConfigAccepted",
    );
    const o = servedOutcome(v, undefined, found, undefined);
    const acc = o.conditions.find((c) => c.type === "ConfigValid")!;
    assert.deepEqual([acc.status, acc.reason], ["False", "AcceleratorUnresolved"]);
  });
  await t.step("an excluded variant has no desired count and names the blocking reason", () => {
    const bad = variantSnapshot({
      name: "bad",
      problems: [{
        condition: "TargetResolved",
        reason: "TargetNotFound",
        message: "gone",
        blocking: true,
      }],
    });
    const o = excludedOutcome(bad);
    assert.equal(o.desiredReplicas, undefined);
    assert.equal(
      o.conditions.find((c) => c.type === "OptimizationReady")!.reason,
      "TargetUnavailable",
    );
  });
});

Deno.test("outcomes echo what the sink acts on: scale target, stored object, generation", async (t) => {
  const scaleTarget = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: "v-deploy",
    uid: "uid-d",
    specReplicas: 2,
  };
  const object = { uid: "uid-va", resourceVersion: "42", status: { observedGeneration: 3 } };
  const v = variantSnapshot({ name: "v", currentReplicas: 2, generation: 3, scaleTarget, object });
  await t.step("served", () => {
    const o = servedOutcome(v, undefined, found, undefined);
    assert.deepEqual([o.scaleTarget, o.object, o.generation], [scaleTarget, object, 3]);
  });
  await t.step("excluded", () => {
    const blocked = {
      ...v,
      problems: [{ condition: "ConfigValid", reason: "InvalidSpec", message: "x", blocking: true }],
    };
    const o = excludedOutcome(blocked);
    assert.deepEqual([o.scaleTarget, o.object, o.generation], [scaleTarget, object, 3]);
  });
  await t.step("nothing to echo: the fields stay absent", () => {
    const o = servedOutcome(variantSnapshot({ name: "w" }), undefined, found, undefined);
    assert.ok(!("scaleTarget" in o) && !("object" in o));
  });
});
