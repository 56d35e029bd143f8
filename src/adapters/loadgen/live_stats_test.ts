import assert from "node:assert/strict";
import { RecentValues, WindowRate } from "./live_stats.ts";

Deno.test("WindowRate reports the rate over the last window only", () => {
  const w = new WindowRate(1000, 10);
  for (let t = 0; t < 1000; t += 100) w.add(t);
  assert.equal(w.ratePerSec(1000), 10);
  for (let t = 1000; t < 2000; t += 50) w.add(t);
  assert.equal(w.ratePerSec(2000), 20);
  assert.equal(w.ratePerSec(5000), 0);
});

Deno.test("WindowRate uses the elapsed time as the span at the start", () => {
  const w = new WindowRate(1000, 10);
  for (let t = 0; t < 500; t += 100) w.add(t);
  assert.equal(w.ratePerSec(500), 10);
});

Deno.test("RecentValues keeps the newest values and reports their median", () => {
  const r = new RecentValues(3);
  assert.ok(Number.isNaN(r.median()));
  for (const v of [100, 1, 2, 3]) r.add(v);
  assert.equal(r.median(), 2);
});
