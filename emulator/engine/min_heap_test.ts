import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { MinHeap } from "./min_heap.ts";

Deno.test("MinHeap pops in key order, ties in insertion order", () => {
  const heap = new MinHeap<string>();
  const rng = createRng(5);
  const keys = Array.from({ length: 200 }, () => rng.int(0, 50));
  keys.forEach((k, i) => heap.push(`${k}:${i}`, k));
  const popped: string[] = [];
  while (heap.size > 0) popped.push(heap.pop()!);
  const expected = keys.map((k, i) => ({ k, i })).sort((a, b) => a.k - b.k || a.i - b.i)
    .map(({ k, i }) => `${k}:${i}`);
  assert.deepEqual(popped, expected);
  assert.equal(heap.pop(), undefined);
  assert.equal(heap.peekKey(), Infinity);
});
