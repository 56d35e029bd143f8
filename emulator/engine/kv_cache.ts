/**
 * KV cache block accounting: how many blocks a number of resident tokens needs, and how many of
 * the cache's blocks are in use. Block contents and prefix sharing are not modelled.
 *
 * @module
 */

/** Blocks needed to hold `tokens` resident tokens (at least one). */
export function blocksForTokens(tokens: number, blockSize: number): number {
  return Math.max(1, Math.ceil(tokens / blockSize));
}

/** A pool of KV blocks with a used count. */
export class KvBlockPool {
  readonly totalBlocks: number;
  #used = 0;

  /** @param totalBlocks number of blocks in the cache (≥ 1). */
  constructor(totalBlocks: number) {
    this.totalBlocks = totalBlocks;
  }

  /** Blocks currently allocated. */
  get usedBlocks(): number {
    return this.#used;
  }

  /** Blocks currently free. */
  get freeBlocks(): number {
    return this.totalBlocks - this.#used;
  }

  /** Allocates `n` blocks when they fit (keeping `reserve` free); returns whether it did. */
  tryAllocate(n: number, reserve = 0): boolean {
    if (n <= 0) return true;
    if (this.#used + n + reserve > this.totalBlocks) return false;
    this.#used += n;
    return true;
  }

  /** Returns `n` blocks to the pool. */
  release(n: number): void {
    this.#used = Math.max(0, this.#used - n);
  }
}
