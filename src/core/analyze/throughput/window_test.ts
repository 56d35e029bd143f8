import assert from "node:assert/strict";
import { DEFAULT_THROUGHPUT_CONFIG as CFG } from "./config.ts";
import {
  forgetIdleVariants,
  kvTokensPerRequest,
  observeWindow,
  shapeChanged,
  type ThroughputVariantState,
} from "./window.ts";

const SHAPE = { inputTokens: 500, outputTokens: 200, prefixHitRate01: 0 };

Deno.test("kvTokensPerRequest() = IL·(1 − hit) + OL/2", async (t) => {
  const cases: [number, number, number, number][] = [
    [500, 200, 0, 600],
    [500, 200, 0.5, 350],
    [1000, 0, 0, 1000],
    [500, 200, 1.7, 100], // a hit rate above 1 is clamped
  ];
  for (const [i, o, h, want] of cases) {
    await t.step(`IL ${i} OL ${o} hit ${h} → ${want}`, () => {
      assert.equal(
        kvTokensPerRequest({ inputTokens: i, outputTokens: o, prefixHitRate01: h }),
        want,
      );
    });
  }
});

Deno.test("shapeChanged() is a 20 % move of input or output tokens", async (t) => {
  const cases: [number, number, boolean][] = [[500, 200, false], [600, 200, false], [
    601,
    200,
    true,
  ], [
    500,
    159,
    true,
  ]];
  for (const [i, o, want] of cases) {
    await t.step(`${i}/${o}`, () => {
      assert.equal(shapeChanged(SHAPE, { ...SHAPE, inputTokens: i, outputTokens: o }, 0.2), want);
    });
  }
});

Deno.test("observeWindow() keeps recent in-range samples, capped, and restarts on a shape change", async (t) => {
  await t.step("k outside [0.15, 0.85] and non-positive ITL are rejected", () => {
    const u = observeWindow(undefined, {
      shape: SHAPE,
      samples: [
        { k: 0.1, itlSec: 0.02 },
        { k: 0.9, itlSec: 0.08 },
        { k: 0.5, itlSec: 0 },
        { k: 0.5, itlSec: NaN },
        { k: 0.15, itlSec: 0.02 },
        { k: 0.85, itlSec: 0.07 },
      ],
      nowMs: 1000,
    }, CFG);
    assert.equal(u.added, 2);
    assert.equal(u.rejected, 4);
    assert.deepEqual(u.state.samples.map((s) => s.k), [0.15, 0.85]);
  });
  await t.step("at most 20 samples, the oldest evicted", () => {
    let state: ThroughputVariantState | undefined;
    for (let i = 0; i < 25; i++) {
      state = observeWindow(state, {
        shape: SHAPE,
        samples: [{ k: 0.2 + i * 0.01, itlSec: 0.03 }],
        nowMs: i * 1000,
      }, CFG).state;
    }
    assert.equal(state!.samples.length, 20);
    assert.ok(Math.abs(state!.samples[0]!.k - 0.25) < 1e-9);
  });
  await t.step("samples older than 30 minutes are dropped", () => {
    const old =
      observeWindow(undefined, { shape: SHAPE, samples: [{ k: 0.3, itlSec: 0.03 }], nowMs: 0 }, CFG)
        .state;
    const u = observeWindow(old, {
      shape: SHAPE,
      samples: [{ k: 0.4, itlSec: 0.04 }],
      nowMs: 30 * 60_000 + 1,
    }, CFG);
    assert.deepEqual(u.state.samples.map((s) => s.k), [0.4]);
  });
  await t.step("a shape change restarts the window and keeps the fitted B", () => {
    const prev: ThroughputVariantState = {
      samples: [{ k: 0.3, itlSec: 0.03, atMs: 0 }],
      shape: SHAPE,
      fittedB: 0.007,
      seenMs: 0,
    };
    const u = observeWindow(prev, {
      shape: { ...SHAPE, outputTokens: 1000 },
      samples: [{ k: 0.5, itlSec: 0.05 }],
      nowMs: 1000,
    }, CFG);
    assert.equal(u.restarted, true);
    assert.deepEqual(u.state.samples.map((s) => s.k), [0.5]);
    assert.equal(u.state.fittedB, 0.007);
    assert.equal(u.state.shape?.outputTokens, 1000);
  });
  await t.step("within tolerance the reference shape stays", () => {
    const prev: ThroughputVariantState = { samples: [], shape: SHAPE, seenMs: 0 };
    const u = observeWindow(
      prev,
      { shape: { ...SHAPE, outputTokens: 220 }, samples: [], nowMs: 1 },
      CFG,
    );
    assert.equal(u.restarted, false);
    assert.equal(u.state.shape?.outputTokens, 200);
  });
});

Deno.test("forgetIdleVariants() drops variants unseen for an hour", () => {
  const v = (seenMs: number): ThroughputVariantState => ({ samples: [], seenMs });
  const s = forgetIdleVariants({ variants: { a: v(0), b: v(40 * 60_000) } }, 61 * 60_000, CFG);
  assert.deepEqual(Object.keys(s.variants), ["b"]);
});
