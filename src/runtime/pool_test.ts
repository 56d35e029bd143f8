import assert from "node:assert/strict";
import { forEachConcurrently } from "./pool.ts";

Deno.test("forEachConcurrently() visits every item once with at most `limit` in flight", async (t) => {
  for (const [n, limit] of [[0, 4], [1, 4], [10, 3], [5, 8]] as const) {
    await t.step(`${n} items, limit ${limit}`, async () => {
      const seen: number[] = [];
      let inFlight = 0, peak = 0;
      await forEachConcurrently(Array.from({ length: n }, (_, i) => i), limit, async (i) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        seen.push(i);
        inFlight--;
      });
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      assert.equal(peak, Math.min(n, limit));
    });
  }
});
