import assert from "node:assert/strict";
import { createRng } from "./rng.ts";
import { mean } from "./stats.ts";

Deno.test("createRng() is deterministic for a seed and differs across seeds", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const sa = Array.from({ length: 5 }, () => a.next());
  const sb = Array.from({ length: 5 }, () => b.next());
  const sc = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

Deno.test("createRng() distributions have the right means (n=20000, tolerance 3%)", async (t) => {
  const n = 20_000;
  const cases: Array<
    { name: string; draw: (r: ReturnType<typeof createRng>) => number; want: number }
  > = [
    { name: "uniform(2,4)", draw: (r) => r.uniform(2, 4), want: 3 },
    { name: "exponential(rate 0.5)", draw: (r) => r.exponential(0.5), want: 2 },
    { name: "normal(10,2)", draw: (r) => r.normal(10, 2), want: 10 },
    { name: "gamma(0.5, 4)", draw: (r) => r.gamma(0.5, 4), want: 2 },
    { name: "gamma(3, 2)", draw: (r) => r.gamma(3, 2), want: 6 },
    { name: "int(1,6)", draw: (r) => r.int(1, 6), want: 3.5 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const rng = createRng(123);
      const m = mean(Array.from({ length: n }, () => c.draw(rng)));
      assert.ok(Math.abs(m - c.want) / c.want < 0.03, `mean ${m} vs ${c.want}`);
    });
  }
});

Deno.test("createRng() rejects a non-finite seed with a clear message", () => {
  assert.throws(() => createRng(NaN), /seed must be finite, current value is NaN/);
});
