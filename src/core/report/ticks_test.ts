import assert from "node:assert/strict";
import { niceStep, niceTicks } from "./ticks.ts";

Deno.test("niceStep() and niceTicks() pick 1-2-2.5-5 steps covering the range", async (t) => {
  assert.deepEqual([0.7, 1, 1.3, 2.2, 3, 7, 42].map(niceStep), [1, 1, 2, 2.5, 5, 10, 50]);
  const cases: Array<[number, number, number, number, number]> = [
    [0, 87, 0, 100, 20],
    [0, 1, 0, 1, 0.2],
    [3, 3, 2.7, 3.3, 0.2],
    [0, 0, 0, 1, 0.2],
    [-5, 12, -5, 15, 5],
  ];
  for (const [lo, hi, wantMin, wantMax, wantStep] of cases) {
    await t.step(`${lo}..${hi}`, () => {
      const ticks = niceTicks(lo, hi);
      assert.equal(ticks.step, wantStep);
      assert.ok(ticks.min <= wantMin + 1e-9 && ticks.max >= wantMax - 1e-9, JSON.stringify(ticks));
      assert.equal(ticks.values[0], ticks.min);
      assert.equal(ticks.values.at(-1), ticks.max);
    });
  }
});
