/**
 * KV blocks of the running sequences, with the prefix cache: what an admission takes (cached
 * prefix blocks are shared, the rest is allocated, evicting unused cached blocks when needed),
 * what a decode step adds, and what finishing or preemption gives back.
 *
 * A sequence holds `hitHashes` (cached blocks it reuses), `ownHashes` (full prompt blocks it
 * computes, cached from admission on and reusable once its prefill ends) and `blocks` (private
 * blocks: the partial last prompt block and generated tokens). Without prefix caching only
 * `blocks` is used, exactly as before.
 *
 * @module
 */
import { blocksForTokens, KvBlockPool } from "./kv_cache.ts";
import { PrefixCache } from "./prefix_cache.ts";
import { PREFILL, type Seq } from "./sequence.ts";

/** Block accounting of the engine. */
export class KvManager {
  readonly #pool: KvBlockPool;
  readonly #cache = new PrefixCache();
  readonly #blockSize: number;
  readonly #prefixCaching: boolean;

  constructor(totalBlocks: number, blockSize: number, prefixCaching: boolean) {
    this.#pool = new KvBlockPool(totalBlocks);
    this.#blockSize = blockSize;
    this.#prefixCaching = prefixCaching;
  }

  get totalBlocks(): number {
    return this.#pool.totalBlocks;
  }

  /** Blocks in use: private ones and cached ones someone references. */
  get usedBlocks(): number {
    return this.#pool.usedBlocks - this.#cache.evictable;
  }

  /** Cached blocks nobody references (free for reuse or eviction). */
  get cachedFreeBlocks(): number {
    return this.#cache.evictable;
  }

  /** Allocates `n` blocks keeping `reserve` free, evicting unused cached blocks if needed. */
  allocate(n: number, reserve = 0): boolean {
    const short = this.#pool.usedBlocks + n + reserve - this.#pool.totalBlocks;
    if (short > 0) {
      if (short > this.#cache.evictable) return false;
      this.#pool.release(this.#cache.evict(short));
    }
    return this.#pool.tryAllocate(n, reserve);
  }

  /**
   * Takes the blocks of an admission holding `resident` tokens: cached prefix blocks first (at
   * most all but the last prompt token, as vLLM), then new ones.
   *
   * @param readyAtMs when the prefill ends, given how many prompt tokens were cached.
   * @returns the cached prompt tokens, or false when the blocks do not fit.
   */
  admit(
    seq: Seq,
    t: number,
    o: { resident: number; reserve: number; readyAtMs: (cachedTokens: number) => number },
  ): number | false {
    const bs = this.#blockSize;
    const hashes = this.#prefixCaching ? seq.spec.prefixHashes ?? [] : [];
    const maxHits = Math.min(hashes.length, Math.floor((seq.spec.promptTokens - 1) / bs));
    const hits = hashes.slice(0, this.#cache.hits(hashes, t, maxHits));
    const need = blocksForTokens(o.resident, bs) - hits.length;
    this.#cache.acquire(hits);
    if (!this.allocate(need, o.reserve)) {
      this.#cache.release(hits);
      return false;
    }
    const cachedTokens = hits.length * bs;
    const readyAt = o.readyAtMs(cachedTokens);
    const own: number[] = [];
    for (let i = hits.length; i < hashes.length; i++) {
      if (this.#cache.has(hashes[i]!)) continue; // being computed by another sequence
      this.#cache.insert(hashes[i]!, readyAt);
      own.push(hashes[i]!);
    }
    seq.hitHashes = hits;
    seq.ownHashes = own;
    seq.blocks = need - own.length;
    return cachedTokens;
  }

  /** Grows `seq` to hold `resident` tokens; false when the blocks are not there. */
  grow(seq: Seq, resident: number): boolean {
    const need = blocksForTokens(resident, this.#blockSize) - seq.hitHashes.length -
      seq.ownHashes.length;
    if (seq.blocks >= need) return true;
    if (!this.allocate(need - seq.blocks)) return false;
    seq.blocks = need;
    return true;
  }

  /** True when `seq` needs another block to hold `resident` tokens. */
  needsBlock(seq: Seq, resident: number): boolean {
    return seq.blocks + seq.hitHashes.length + seq.ownHashes.length <
      blocksForTokens(resident, this.#blockSize);
  }

  /** Gives back everything `seq` holds (cached blocks it computed stay cached if computed). */
  release(seq: Seq): void {
    this.#cache.release(seq.hitHashes);
    let freed = seq.blocks;
    if (seq.state === PREFILL) freed += this.#cache.discard(seq.ownHashes);
    else this.#cache.release(seq.ownHashes);
    this.#pool.release(freed);
    seq.blocks = 0;
    seq.hitHashes = [];
    seq.ownHashes = [];
  }
}
