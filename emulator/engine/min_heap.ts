/**
 * A binary min-heap keyed by a number, used for the engine's pending prefill completions.
 *
 * @module
 */

/** A binary min-heap of items ordered by `key(item)`; ties pop in insertion order. */
export class MinHeap<T> {
  readonly #items: Array<{ readonly item: T; readonly key: number; readonly seq: number }> = [];
  #seq = 0;

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds `item` with priority `key` (smaller pops first). */
  push(item: T, key: number): void {
    const items = this.#items;
    items.push({ item, key, seq: this.#seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The smallest item, or undefined when empty. */
  peek(): T | undefined {
    return this.#items[0]?.item;
  }

  /** Key of the smallest item, or Infinity when empty. */
  peekKey(): number {
    return this.#items[0]?.key ?? Infinity;
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      this.#siftDown();
    }
    return top.item;
  }

  #siftDown(): void {
    const n = this.#items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }

  #less(a: number, b: number): boolean {
    const x = this.#items[a]!, y = this.#items[b]!;
    return x.key < y.key || (x.key === y.key && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const t = items[a]!;
    items[a] = items[b]!;
    items[b] = t;
  }
}
