import assert from "node:assert/strict";
import { median, percentile, summarize } from "./stats.ts";

Deno.test("percentile() interpolates between closest ranks", async (t) => {
  const cases: Array<[number[], number, number]> = [
    [[1, 2, 3, 4], 50, 2.5],
    [[4, 1, 3, 2], 0, 1],
    [[4, 1, 3, 2], 100, 4],
    [[10], 99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1],
  ];
  for (const [values, p, want] of cases) {
    await t.step(
      `p${p} of ${values}`,
      () => assert.ok(Math.abs(percentile(values, p) - want) < 1e-12),
    );
  }
  assert.ok(Number.isNaN(percentile([], 50)));
});

Deno.test("summarize() reports count, mean and tail percentiles", () => {
  const s = summarize([5, 1, 3]);
  assert.equal(s.count, 3);
  assert.equal(s.mean, 3);
  assert.equal(s.min, 1);
  assert.equal(s.max, 5);
  assert.equal(s.p50, 3);
});

Deno.test("median() takes the middle value, or the mean of the two middle ones", async (t) => {
  const cases: Array<[string, number[], number]> = [
    ["odd count", [3, 1, 2], 2],
    ["even count", [4, 1, 3, 2], 2.5],
    ["one value", [7], 7],
    ["unsorted with repeats", [5, 5, 1, 9], 5],
    ["empty input has no median", [], NaN],
  ];
  for (const [name, values, want] of cases) {
    await t.step(name, () => assert.ok(Object.is(median(values), want), String(median(values))));
  }
});
