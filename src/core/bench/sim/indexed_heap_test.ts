import { strict as assert } from "node:assert";
import { createRng } from "../../util/rng.ts";
import { type HeapItem, IndexedHeap } from "./indexed_heap.ts";

Deno.test("IndexedHeap keeps the minimum through random sets and removals", () => {
  const rng = createRng(5);
  const items: HeapItem[] = Array.from(
    { length: 50 },
    (_, order) => ({ key: Infinity, heapIndex: -1, order }),
  );
  const heap = new IndexedHeap<HeapItem>();
  for (let step = 0; step < 5000; step++) {
    const item = items[rng.int(0, items.length - 1)]!;
    const r = rng.next();
    heap.set(item, r < 0.2 ? Infinity : Math.floor(rng.next() * 100));
    const live = items.filter((x) => x.heapIndex >= 0);
    assert.equal(heap.size, live.length);
    const want = live.reduce<HeapItem | undefined>(
      (
        m,
        x,
      ) => (m === undefined || x.key < m.key || (x.key === m.key && x.order < m.order) ? x : m),
      undefined,
    );
    assert.equal(heap.peek(), want);
  }
});
