/**
 * The prefix cache of the KV cache, as vLLM's automatic prefix caching: every full block of a
 * prompt is identified by a hash chained over all tokens up to its end (and the LoRA adapter),
 * so equal hashes mean equal prefixes. A block stays cached after its sequences finish and is
 * reused by a later sequence with the same prefix, which then skips prefill for those tokens.
 * Blocks nobody references are evictable (least recently used first) and count as free, as in
 * vLLM's `kv_cache_usage_perc`.
 *
 * @module
 */

/** Hashes of the full blocks of a prompt (`ids`), chained, salted by the LoRA adapter id. */
export function prefixBlockHashes(ids: readonly number[], blockSize: number, salt = 0): number[] {
  const out: number[] = [];
  let a = (0x811c9dc5 ^ salt) >>> 0, b = (0x01000193 + salt * 0x9e3779b1) >>> 0;
  for (let end = blockSize; end <= ids.length; end += blockSize) {
    for (let i = end - blockSize; i < end; i++) {
      a = Math.imul(a ^ (ids[i]! & 0xffff), 0x01000193) ^ (ids[i]! >>> 16);
      b = Math.imul(b ^ ids[i]!, 0x85ebca6b) + (b >>> 13);
    }
    // 53 bits: a full 32-bit lane and 21 bits of the other
    out.push((a >>> 0) * 2 ** 21 + ((b >>> 0) & 0x1fffff));
  }
  return out;
}

interface Entry {
  refs: number;
  /** When the block's KV is computed (its sequence's prefill ends); not a hit before. */
  readyAtMs: number;
}

/** Cached blocks by hash, with reference counts and an LRU order of the evictable ones. */
export class PrefixCache {
  readonly #entries = new Map<number, Entry>();
  /** Evictable hashes (refs = 0), least recently used first. */
  readonly #evictable = new Set<number>();

  /** Blocks held by the cache (referenced or evictable). */
  get size(): number {
    return this.#entries.size;
  }

  /** Cached blocks that nobody references (free for reuse or eviction). */
  get evictable(): number {
    return this.#evictable.size;
  }

  /** How many leading `hashes` are cached and computed by `nowMs` (at most `limit`). */
  hits(hashes: readonly number[], nowMs: number, limit = hashes.length): number {
    let n = 0;
    while (n < limit) {
      const e = this.#entries.get(hashes[n]!);
      if (!e || e.readyAtMs > nowMs) break;
      n++;
    }
    return n;
  }

  /** True when `hash` is cached (computed or not). */
  has(hash: number): boolean {
    return this.#entries.has(hash);
  }

  /** Takes a reference on each of `hashes` (all must be cached). */
  acquire(hashes: readonly number[]): void {
    for (const h of hashes) {
      const e = this.#entries.get(h)!;
      if (e.refs++ === 0) this.#evictable.delete(h);
    }
  }

  /** Adds a block computed by `readyAtMs`, referenced once by its owner. */
  insert(hash: number, readyAtMs: number): void {
    this.#entries.set(hash, { refs: 1, readyAtMs });
  }

  /** Drops a reference on each of `hashes`; unreferenced blocks become evictable (newest last). */
  release(hashes: readonly number[]): void {
    for (const h of hashes) {
      const e = this.#entries.get(h);
      if (!e || --e.refs > 0) continue;
      this.#evictable.delete(h);
      this.#evictable.add(h);
    }
  }

  /**
   * Drops the owner's reference on blocks whose KV was never computed (its prefill was cut
   * short): they leave the cache instead of becoming reusable. Returns how many blocks left.
   */
  discard(hashes: readonly number[]): number {
    let removed = 0;
    for (const h of hashes) {
      const e = this.#entries.get(h);
      if (!e) continue;
      if (--e.refs <= 0) {
        this.#entries.delete(h);
        this.#evictable.delete(h);
        removed++;
      }
    }
    return removed;
  }

  /** Evicts up to `n` least recently used evictable blocks; returns how many it evicted. */
  evict(n: number): number {
    let done = 0;
    for (const h of this.#evictable) {
      if (done >= n) break;
      this.#evictable.delete(h);
      this.#entries.delete(h);
      done++;
    }
    return done;
  }
}
