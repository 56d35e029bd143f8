/**
 * The engine's waiting queue: FCFS, with preempted sequences going back to the front, and a scan
 * that can skip a sequence (its LoRA adapter cannot join the batch yet) and admit one behind it,
 * as vLLM's scheduler does. Entries carry a ticket so a sequence taken from the middle and later
 * queued again is never seen twice.
 *
 * @module
 */
import { Deque } from "./deque.ts";
import { type Seq, WAITING } from "./sequence.ts";

interface Entry {
  readonly seq: Seq;
  readonly ticket: number;
}

/** Counts per key (LoRA adapter id) with the distinct keys in use. */
export class KeyCounts {
  readonly #counts = new Map<number, number>();

  /** Distinct keys with a count above zero. */
  get size(): number {
    return this.#counts.size;
  }

  has(key: number): boolean {
    return this.#counts.has(key);
  }

  add(key: number): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  remove(key: number): void {
    const n = (this.#counts.get(key) ?? 0) - 1;
    if (n <= 0) this.#counts.delete(key);
    else this.#counts.set(key, n);
  }

  /** The keys in use, ascending. */
  keys(): number[] {
    return [...this.#counts.keys()].sort((a, b) => a - b);
  }
}

/** FCFS queue of waiting sequences. */
export class WaitingQueue {
  readonly #items = new Deque<Entry>();
  #count = 0;
  /** Waiting sequences per LoRA adapter (adapters only). */
  readonly loras = new KeyCounts();

  /** Sequences waiting. */
  get size(): number {
    return this.#count;
  }

  #enter(seq: Seq): Entry {
    seq.ticket++;
    this.#count++;
    if (seq.spec.lora) this.loras.add(seq.spec.lora);
    return { seq, ticket: seq.ticket };
  }

  /** Queues at the back (a new arrival). */
  pushBack(seq: Seq): void {
    this.#items.pushBack(this.#enter(seq));
  }

  /** Queues at the front (a preempted sequence). */
  pushFront(seq: Seq): void {
    this.#items.pushFront(this.#enter(seq));
  }

  /** Takes `seq` out of the queue (admitted or aborted); its entry is skipped later. */
  take(seq: Seq): void {
    seq.ticket++;
    this.#count--;
    if (seq.spec.lora) this.loras.remove(seq.spec.lora);
  }

  #valid(e: Entry): boolean {
    return e.seq.state === WAITING && e.seq.ticket === e.ticket;
  }

  /** The first waiting sequence, dropping stale entries. */
  peek(): Seq | undefined {
    for (;;) {
      const e = this.#items.peekFront();
      if (!e) return undefined;
      if (this.#valid(e)) return e.seq;
      this.#items.popFront();
    }
  }

  /**
   * Visits waiting sequences in order until `visit` returns "stop"; "skip" leaves one in place.
   * `visit` may `take` the sequence it is given.
   */
  scan(visit: (seq: Seq) => "next" | "skip" | "stop"): void {
    this.peek();
    for (let i = 0; i < this.#items.length; i++) {
      const e = this.#items.at(i)!;
      if (!this.#valid(e)) continue;
      if (visit(e.seq) === "stop") return;
    }
  }
}
