import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";

Deno.test("ManualClock wakes sleepers in deadline order only when advanced", async () => {
  const clock = new ManualClock(100);
  const order: string[] = [];
  const a = clock.sleep(30).then(() => order.push(`a@${clock.nowMs()}`));
  const b = clock.sleep(10).then(() => order.push(`b@${clock.nowMs()}`));
  await clock.advance(5);
  assert.deepEqual(order, []);
  await clock.advance(25);
  await Promise.all([a, b]);
  assert.deepEqual(order, ["b@110", "a@130"]);
  assert.equal(clock.nowMs(), 130);
});

Deno.test("ManualClock.sleep() rejects when its signal aborts", async () => {
  const clock = new ManualClock();
  const ac = new AbortController();
  const p = clock.sleep(1000, ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  assert.equal(clock.pendingSleepers, 0);
});
