import assert from "node:assert/strict";
import { createRng } from "../../util/rng.ts";
import { DEFAULT_THROUGHPUT_CONFIG as CFG } from "./config.ts";
import { fitItl, fitItlPinned, itlAt, resolveItlModel, windowReadiness } from "./itl_fit.ts";

/** n samples evenly spread over [lo, hi] on ITL = a·k + b, with optional N(0, sd) noise. */
function line(a: number, b: number, n: number, lo = 0.15, hi = 0.85, sd = 0, seed = 1) {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const k = lo + ((hi - lo) * i) / Math.max(1, n - 1);
    return { k, itlSec: a * k + b + (sd > 0 ? rng.normal(0, sd) : 0), atMs: i };
  });
}

Deno.test("fitItl() recovers A and B from synthetic samples", async (t) => {
  const cases: { name: string; a: number; b: number; n: number; sd: number; tol: number }[] = [
    { name: "WVA's A = 0.073, B = 0.006, exact", a: 0.073, b: 0.006, n: 20, sd: 0, tol: 1e-12 },
    { name: "WVA's A and B, minimum window (10)", a: 0.073, b: 0.006, n: 10, sd: 0, tol: 1e-12 },
    { name: "a slow GPU: A = 0.15, B = 0.02", a: 0.15, b: 0.02, n: 14, sd: 0, tol: 1e-12 },
    { name: "flat-ish: A = 0.004, B = 0.01", a: 0.004, b: 0.01, n: 12, sd: 0, tol: 1e-12 },
    { name: "WVA's A and B with 0.5 ms noise", a: 0.073, b: 0.006, n: 20, sd: 0.0005, tol: 0.002 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const fit = fitItl(line(c.a, c.b, c.n, 0.15, 0.85, c.sd), CFG.kSat);
      if (!fit.ok) assert.fail(fit.reason);
      assert.ok(Math.abs(fit.model.a - c.a) <= c.tol, `A ${fit.model.a} vs ${c.a}`);
      assert.ok(Math.abs(fit.model.b - c.b) <= c.tol, `B ${fit.model.b} vs ${c.b}`);
    });
  }
  await t.step("ITL(k*) of WVA's model is 0.06805 s", () => {
    assert.ok(Math.abs(itlAt({ a: 0.073, b: 0.006 }, 0.85) - 0.06805) < 1e-12);
  });
});

Deno.test("fitItl() rejects what cannot be a latency line", async (t) => {
  const cases: { name: string; samples: { k: number; itlSec: number }[]; reason: string }[] = [
    { name: "one sample", samples: [{ k: 0.5, itlSec: 0.04 }], reason: "too-few" },
    {
      name: "no spread in k",
      samples: [{ k: 0.5, itlSec: 0.04 }, { k: 0.5, itlSec: 0.05 }],
      reason: "no-spread",
    },
    { name: "ITL falling with load", samples: line(-0.02, 0.05, 10), reason: "not-increasing" },
    { name: "flat", samples: line(0, 0.03, 10), reason: "not-increasing" },
    {
      name: "negative ITL at k*",
      samples: [{ k: 0.2, itlSec: -0.9 }, { k: 0.3, itlSec: -0.89 }],
      reason: "non-positive-at-k-sat",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(fitItl(c.samples, CFG.kSat), { ok: false, reason: c.reason });
    });
  }
});

Deno.test("windowReadiness() needs ≥ 10 samples spread ≥ 0.30 in k", async (t) => {
  const cases: { name: string; n: number; lo: number; hi: number; want: string }[] = [
    { name: "9 samples", n: 9, lo: 0.15, hi: 0.85, want: "too-few" },
    { name: "10 samples spread 0.29", n: 10, lo: 0.3, hi: 0.59, want: "narrow" },
    { name: "10 samples spread 0.30", n: 10, lo: 0.3, hi: 0.6, want: "ready" },
    { name: "20 samples full range", n: 20, lo: 0.15, hi: 0.85, want: "ready" },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.equal(windowReadiness(line(0.073, 0.006, c.n, c.lo, c.hi), CFG), c.want);
    });
  }
});

Deno.test("resolveItlModel(): OLS when the window is ready, else A with B pinned", async (t) => {
  const busy = [{ k: 0.5, itlSec: 0.073 * 0.5 + 0.006 }, { k: 0.7, itlSec: 0.073 * 0.7 + 0.006 }];
  await t.step("ready window → tier ols", () => {
    const r = resolveItlModel(line(0.073, 0.006, 12), busy, undefined, CFG);
    assert.ok(r.ok && r.tier === "ols");
    assert.ok(Math.abs(r.model.a - 0.073) < 1e-12 && Math.abs(r.model.b - 0.006) < 1e-12);
  });
  await t.step("too few samples → pinned at the 6 ms baseline, A exact", () => {
    const r = resolveItlModel(line(0.073, 0.006, 5), busy, undefined, CFG);
    assert.ok(r.ok && r.tier === "pinned");
    assert.equal(r.model.b, 0.006);
    assert.ok(Math.abs(r.model.a - 0.073) < 1e-12);
    assert.match(r.why ?? "", /window has 5 of 10 samples/);
  });
  await t.step("narrow window → pinned at the last fitted B", () => {
    const r = resolveItlModel(line(0.073, 0.006, 12, 0.4, 0.6), busy, 0.01, CFG);
    assert.ok(r.ok && r.tier === "pinned" && r.model.b === 0.01);
    assert.match(r.why ?? "", /k spread 0\.200 below 0\.3/);
  });
  await t.step("no busy replica and no window → no model", () => {
    const r = resolveItlModel([], [{ k: 0, itlSec: 0 }], undefined, CFG);
    assert.equal(r.ok, false);
  });
  await t.step("replicas below minK are not fitted: the last model is used (tier last)", () => {
    const idle = [{ k: 0.001, itlSec: 0.0133 }];
    const none = resolveItlModel([], idle, undefined, CFG);
    assert.equal(none.ok, false, "A from k = 0.001 would be (13.3 − 6)/0.001 ms: noise");
    const last = resolveItlModel([], idle, undefined, CFG, { a: 0.073, b: 0.006 });
    assert.ok(last.ok && last.tier === "last" && last.model.a === 0.073);
    assert.match(last.why ?? "", /no replica with k in \[0\.15, 0\.85\]/);
  });
  await t.step("fitItlPinned() recovers A with B known", () => {
    const r = fitItlPinned(line(0.05, 0.01, 6), 0.01);
    assert.ok(r.ok && Math.abs(r.model.a - 0.05) < 1e-12);
  });
});
