import assert from "node:assert/strict";
import { bisect, withinTolerance } from "./bisection.ts";

Deno.test("withinTolerance() matches model.md §13.1", async (t) => {
  const cases: [number, number, number, boolean][] = [
    [1, 1, 0.01, true],
    [1.005, 1, 0.01, true],
    [1.02, 1, 0.01, false],
    [0.1, 0, 0.01, false],
    [1, 1, -0.01, true],
    [0, 0, 0.01, true],
  ];
  for (const [x, v, tol, want] of cases) {
    await t.step(
      `(${x}, ${v}, ${tol}) → ${want}`,
      () => assert.equal(withinTolerance(x, v, tol), want),
    );
  }
});

Deno.test("withinTolerance() legacy mode compares |x − 1| like queue-analysis v0.1.0", () => {
  assert.equal(withinTolerance(166.9, 166.9041, 1e-6, true), false);
  assert.equal(withinTolerance(1, 166.9041, 1e-6, true), true);
});

Deno.test("bisect() matches the BinarySearch cases of model.md §13.1", async (t) => {
  await t.step("x² on [0,10] target 4 → ind 0, f(x*) within 0.1", () => {
    const r = bisect([0, 10], 4, (x) => x * x);
    assert.ok(r.ok && r.indicator === 0);
    assert.ok(Math.abs(r.x * r.x - 4) <= 0.1);
  });
  await t.step("2x on [1,5] target 6 → ind 0", () => {
    const r = bisect([1, 5], 6, (x) => 2 * x);
    assert.ok(r.ok && r.indicator === 0 && Math.abs(r.x - 3) < 1e-5);
  });
  await t.step("2x on [2,5] target 1 → ind −1, x = 2", () => {
    assert.deepEqual(bisect([2, 5], 1, (x) => 2 * x), { ok: true, x: 2, indicator: -1 });
  });
  await t.step("2x on [1,3] target 10 → ind +1, x = 3", () => {
    assert.deepEqual(bisect([1, 3], 10, (x) => 2 * x), { ok: true, x: 3, indicator: 1 });
  });
  await t.step("−x on [1,5] target −3 → ind 0", () => {
    const r = bisect([1, 5], -3, (x) => -x);
    assert.ok(r.ok && r.indicator === 0 && Math.abs(r.x - 3) < 1e-5);
  });
  await t.step("range [5,1] → error", () => assert.equal(bisect([5, 1], 1, (x) => x).ok, false));
  await t.step("evaluation error above 5 on [4,6] → error", () => {
    assert.equal(bisect([4, 6], 5, (x) => (x > 5 ? undefined : x)).ok, false);
  });
  await t.step("2x on [1,5] target 2 → ind 0 at the boundary", () => {
    assert.deepEqual(bisect([1, 5], 2, (x) => 2 * x), { ok: true, x: 1, indicator: 0 });
  });
  await t.step(
    "a flat function with the target above → +1 (deviation: flat counts as increasing)",
    () => {
      assert.deepEqual(bisect([1, 5], 10, () => 3), { ok: true, x: 5, indicator: 1 });
    },
  );
});
