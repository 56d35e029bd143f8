/**
 * A double-ended queue with O(1) amortised push/pop at both ends: the engine's FCFS waiting
 * queue, where preempted sequences go back to the front.
 *
 * @module
 */

/** Double-ended queue backed by an array with a moving head. */
export class Deque<T> {
  #items: T[] = [];
  #head = 0;

  /** Number of items held. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends at the back. */
  pushBack(item: T): void {
    this.#items.push(item);
  }

  /** Inserts at the front. */
  pushFront(item: T): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  /** The item at position `i` from the front (0 = front), or undefined. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.#items[this.#head + i] : undefined;
  }

  /** The front item without removing it. */
  peekFront(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** Removes and returns the front item. */
  popFront(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
