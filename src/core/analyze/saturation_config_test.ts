import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../util/validate.ts";
import {
  DEFAULT_SATURATION_CONFIG,
  mergeSaturationConfig,
  SaturationConfigSchema,
  SaturationOverrideSchema,
} from "./saturation_config.ts";

Deno.test("SaturationConfigSchema fills the shipped defaults 0.80 / 5 / 0.10 / 3 and 0.85 / 0.70", () => {
  assert.deepEqual(DEFAULT_SATURATION_CONFIG, {
    kvCacheThreshold: 0.8,
    queueLengthThreshold: 5,
    kvSpareTrigger: 0.1,
    queueSpareTrigger: 3,
    scaleUpThreshold: 0.85,
    scaleDownBoundary: 0.7,
    enableLimiter: false,
  });
});

Deno.test("SaturationConfigSchema rejects bad values with one line per problem (controller.md §2.2)", async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ kvCacheThreshold: 1.2 }, /kvCacheThreshold: .*<=1.*\(got 1\.2\)/],
    [{ queueLengthThreshold: -1 }, /queueLengthThreshold/],
    [{ kvSpareTrigger: -0.1 }, /kvSpareTrigger/],
    [{ queueSpareTrigger: -3 }, /queueSpareTrigger/],
    [
      { kvCacheThreshold: 0.05 },
      /kvSpareTrigger: \(0\.1\) must not exceed kvCacheThreshold \(0\.05\)/,
    ],
    [{ scaleUpThreshold: 0 }, /scaleUpThreshold/],
    [
      { scaleUpThreshold: 0.6 },
      /scaleDownBoundary: \(0\.7\) must be below scaleUpThreshold \(0\.6\)/,
    ],
    [{ scaleDownBoundary: 1.5 }, /scaleDownBoundary/],
    [{ kvCacheTreshold: 0.5 }, /Unrecognized key: "kvCacheTreshold"/],
  ];
  for (const [input, re] of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.throws(() => parseOrThrow(SaturationConfigSchema, input, "cm"), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.problems.join("\n"), re);
        return true;
      });
    });
  }
});

Deno.test("mergeSaturationConfig() overlays set fields and resets V2 thresholds when up ≤ down", () => {
  const o = parseOrThrow(SaturationOverrideSchema, {
    kvCacheThreshold: 0.9,
    queueLengthThreshold: 10,
  });
  const m = mergeSaturationConfig(DEFAULT_SATURATION_CONFIG, o);
  assert.equal(m.kvCacheThreshold, 0.9);
  assert.equal(m.queueLengthThreshold, 10);
  assert.equal(m.kvSpareTrigger, 0.1);
  const bad = mergeSaturationConfig(DEFAULT_SATURATION_CONFIG, { scaleUpThreshold: 0.5 });
  assert.equal(bad.scaleUpThreshold, 0.85);
  assert.equal(bad.scaleDownBoundary, 0.7);
  assert.equal(
    mergeSaturationConfig(DEFAULT_SATURATION_CONFIG, undefined),
    DEFAULT_SATURATION_CONFIG,
  );
});
