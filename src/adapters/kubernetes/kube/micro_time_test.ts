import assert from "node:assert/strict";
import { fromMicroTime, toMicroTime } from "./micro_time.ts";

Deno.test("toMicroTime() always writes six fractional digits", async (t) => {
  const cases: Array<[number, string]> = [
    [Date.UTC(2026, 10, 21, 10, 0, 0, 123), "2026-11-21T10:00:00.123000Z"],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 0), "2026-01-01T00:00:00.000000Z"],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 5) + 0.9, "2026-01-01T00:00:00.005000Z"],
  ];
  for (const [ms, text] of cases) {
    await t.step(text, () => {
      assert.equal(toMicroTime(ms), text);
      assert.equal(fromMicroTime(text), Math.floor(ms));
    });
  }
  assert.throws(() => toMicroTime(NaN), RangeError);
});
