import { strict as assert } from "node:assert";
import { Deque } from "./deque.ts";

Deno.test("Deque keeps FIFO order and puts pushFront items first", () => {
  const q = new Deque<number>();
  for (let i = 0; i < 3000; i++) q.pushBack(i);
  for (let i = 0; i < 2000; i++) assert.equal(q.popFront(), i);
  q.pushFront(-1);
  q.pushFront(-2);
  assert.equal(q.length, 1002);
  assert.equal(q.peekFront(), -2);
  assert.deepEqual([q.popFront(), q.popFront(), q.popFront()], [-2, -1, 2000]);
  while (q.length > 0) q.popFront();
  assert.equal(q.popFront(), undefined);
  q.pushFront(7);
  assert.equal(q.popFront(), 7);
});
