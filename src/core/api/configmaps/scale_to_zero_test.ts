import assert from "node:assert/strict";
import { DEFAULT_RETENTION_MS, parseScaleToZero, scaleToZeroFor } from "./scale_to_zero.ts";

Deno.test("scaleToZeroFor() applies model entry → default → global switch", async (t) => {
  const r = parseScaleToZero({
    default: "enabled: false\nretentionPeriod: 15m",
    a: "modelID: m\nenabled: true",
    b: "modelID: m\nnamespace: prod\nretentionPeriod: 5m",
  });
  assert.deepEqual(r.problems, []);
  const cases = [
    {
      name: "model-wide entry",
      m: { modelId: "m", namespace: "dev" },
      g: false,
      want: { enabled: true, retentionMs: 900_000 },
    },
    {
      name: "namespaced entry, enabled from default",
      m: { modelId: "m", namespace: "prod" },
      g: true,
      want: { enabled: false, retentionMs: 300_000 },
    },
    {
      name: "other model: default",
      m: { modelId: "x", namespace: "dev" },
      g: true,
      want: { enabled: false, retentionMs: 900_000 },
    },
  ];
  for (const c of cases) {
    await t.step(
      c.name,
      () => assert.deepEqual(scaleToZeroFor(r.config, c.m, { globalEnabled: c.g }), c.want),
    );
  }
  await t.step("nothing configured: global switch and 10 minutes", () => {
    const empty = parseScaleToZero(undefined).config;
    assert.deepEqual(
      scaleToZeroFor(empty, { modelId: "x", namespace: "n" }, { globalEnabled: true }),
      {
        enabled: true,
        retentionMs: DEFAULT_RETENTION_MS,
      },
    );
    assert.equal(scaleToZeroFor(empty, { modelId: "x", namespace: "n" }).enabled, false);
  });
});

Deno.test("parseScaleToZero() reports bad entries and keeps the last good ones", () => {
  const good =
    parseScaleToZero({ default: "enabled: true", a: "modelID: m\nretentionPeriod: 5m" }).config;
  const r = parseScaleToZero({
    default: "enabled: yes please",
    a: "modelID: m\nretentionPeriod: 0s",
  }, good);
  assert.deepEqual(r.problems.map((p) => [p.key, p.field, p.fallback]), [
    ["default", "enabled", "last-good"],
    ["a", "retentionPeriod", "last-good"],
  ]);
  assert.deepEqual(r.config, good);
});

Deno.test("parseScaleToZero() reads WVA's spellings; an unknown key is a warning", () => {
  // issue 12 case 8: these keys rejected the entry, so scale-to-zero stayed disabled
  const r = parseScaleToZero({
    default: "enable_scale_to_zero: false\nretention_period: 20m",
    m: "model_id: m\nnamespace: ns\nenable_scale_to_zero: true\nretention_period: 5m\nfoo: 1",
  });
  assert.deepEqual(r.problems.map((p) => [p.key, p.field, p.fallback]), [
    ["m", "foo", "field-ignored"],
  ]);
  assert.deepEqual(scaleToZeroFor(r.config, { modelId: "m", namespace: "ns" }), {
    enabled: true,
    retentionMs: 300_000,
  });
  assert.deepEqual(scaleToZeroFor(r.config, { modelId: "x", namespace: "ns" }), {
    enabled: false,
    retentionMs: 1_200_000,
  });
});
