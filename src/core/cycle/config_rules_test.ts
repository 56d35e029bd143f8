import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import { type CycleSettings, DEFAULT_CYCLE_SETTINGS } from "../contract/settings.ts";
import { applyConfigRules } from "./config_rules.ts";

const reasons = (v: ReturnType<typeof applyConfigRules>) => v.problems.map((p) => p.reason);

Deno.test("applyConfigRules() reports configuration problems without excluding", async (t) => {
  await t.step("minReplicas 0 without scale-to-zero becomes 1", () => {
    const v = applyConfigRules(
      variantSnapshot({ name: "v", minReplicas: 0 }),
      DEFAULT_CYCLE_SETTINGS,
    );
    assert.equal(v.minReplicas, 1);
    assert.deepEqual(reasons(v), ["ScaleToZeroDisabled"]);
    assert.equal(v.problems[0]!.blocking, false);
  });
  await t.step("minReplicas 0 with scale-to-zero stays 0", () => {
    const settings: CycleSettings = {
      ...DEFAULT_CYCLE_SETTINGS,
      scaleToZeroFor: () => ({ enabled: true, retentionMs: 1 }),
    };
    const v = applyConfigRules(variantSnapshot({ name: "v", minReplicas: 0 }), settings);
    assert.equal(v.minReplicas, 0);
    assert.deepEqual(reasons(v), []);
  });
  await t.step("unknown service class and missing perf params", () => {
    const settings: CycleSettings = {
      ...DEFAULT_CYCLE_SETTINGS,
      analyzer: "queueing-model",
      serviceClassFor: () => ({ priority: 100, unknownClass: true }),
    };
    const v = applyConfigRules(variantSnapshot({ name: "v", serviceClass: "gold" }), settings);
    assert.deepEqual(reasons(v), ["UnknownServiceClass", "PerfParamsMissing"]);
  });
  await t.step("a valid variant is returned as is", () => {
    const v = variantSnapshot({ name: "v" });
    assert.equal(applyConfigRules(v, DEFAULT_CYCLE_SETTINGS), v);
  });
});
