/**
 * A min-heap of items that each carry their own key and heap position, so the key of an item
 * already in the heap can change in O(log n) without allocating: the event queue of the replica
 * engines (one entry per replica, keyed by its engine's next event time).
 *
 * @module
 */

/** An item of an {@linkcode IndexedHeap}: its key, and its position (-1 when not in the heap). */
export interface HeapItem {
  key: number;
  heapIndex: number;
  /** Tie-breaker: smaller first (e.g. a creation sequence). */
  readonly order: number;
}

/** Min-heap over {@linkcode HeapItem}s with update in place. */
export class IndexedHeap<T extends HeapItem> {
  readonly #items: T[] = [];

  /** Number of items. */
  get size(): number {
    return this.#items.length;
  }

  /** The item with the smallest key, or undefined. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Smallest key, or Infinity when empty. */
  peekKey(): number {
    return this.#items[0]?.key ?? Infinity;
  }

  /** Sets `item`'s key (Infinity removes it) and restores the heap order. */
  set(item: T, key: number): void {
    if (key === Infinity) return this.remove(item);
    if (item.heapIndex < 0) {
      item.key = key;
      item.heapIndex = this.#items.length;
      this.#items.push(item);
      this.#up(item.heapIndex);
      return;
    }
    const old = item.key;
    item.key = key;
    if (key < old) this.#up(item.heapIndex);
    else this.#down(item.heapIndex);
  }

  /** Removes `item` if present. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    const last = this.#items.pop()!;
    item.heapIndex = -1;
    item.key = Infinity;
    if (last === item) return;
    this.#items[i] = last;
    last.heapIndex = i;
    this.#up(i);
    this.#down(last.heapIndex);
  }

  #less(a: T, b: T): boolean {
    return a.key < b.key || (a.key === b.key && a.order < b.order);
  }

  #place(item: T, i: number): void {
    this.#items[i] = item;
    item.heapIndex = i;
  }

  #up(i: number): void {
    const items = this.#items;
    const item = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.#less(item, parent)) break;
      this.#place(parent, i);
      i = p;
    }
    this.#place(item, i);
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#less(items[r]!, items[l]!) ? r : l;
      if (!this.#less(items[c]!, item)) break;
      this.#place(items[c]!, i);
      i = c;
    }
    this.#place(item, i);
  }
}
