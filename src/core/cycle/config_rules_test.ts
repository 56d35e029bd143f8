import assert from "node:assert/strict";
import { variantSnapshot } from "../../adapters/memory/memory_ports.ts";
import { type CycleSettings, DEFAULT_CYCLE_SETTINGS } from "../contract/settings.ts";
import { applyConfigRules } from "./config_rules.ts";

const reasons = (v: ReturnType<typeof applyConfigRules>) => v.problems.map((p) => p.reason);

Deno.test("applyConfigRules() reports configuration problems without excluding", async (t) => {
  await t.step("minReplicas 0 stays 0 with or without scale-to-zero (issue 12 case 5)", () => {
    // It was raised to 1 per variant (ConfigValid/ScaleToZeroDisabled) when scale-to-zero was off,
    // starting idle expensive variants; the model-level floor is the optimizer's.
    const settings: CycleSettings = {
      ...DEFAULT_CYCLE_SETTINGS,
      scaleToZeroFor: () => ({ enabled: true, retentionMs: 1 }),
    };
    for (const s of [DEFAULT_CYCLE_SETTINGS, settings]) {
      const v = applyConfigRules(variantSnapshot({ name: "v", minReplicas: 0 }), s);
      assert.equal(v.minReplicas, 0);
      assert.deepEqual(reasons(v), []);
    }
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
