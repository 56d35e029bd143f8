import { strict as assert } from "node:assert";
import { ManualClock } from "../src/runtime/clock.ts";
import { DeadlineQueue } from "./deadline_queue.ts";

Deno.test("DeadlineQueue runs entries in order on one timer and disarms when empty", async () => {
  const clock = new ManualClock(0);
  const q = new DeadlineQueue(clock);
  const ran: string[] = [];
  q.push(100, () => ran.push("a"));
  await clock.advance(30);
  const b = q.push(100, () => ran.push("b"));
  q.push(100, () => ran.push("c"));
  assert.equal(clock.pendingSleepers, 1, "one timer for all entries");
  b.cancel();
  assert.equal(q.size, 2);
  await clock.advance(70);
  assert.deepEqual(ran, ["a"]);
  await clock.advance(30);
  assert.deepEqual(ran, ["a", "c"], "a cancelled entry never runs");
  assert.equal(clock.pendingSleepers, 0);
  const d = q.push(100, () => ran.push("d"));
  d.cancel();
  assert.equal(clock.pendingSleepers, 0, "cancelling the last entry disarms the timer");
  await clock.advance(200);
  assert.deepEqual(ran, ["a", "c"]);
});
