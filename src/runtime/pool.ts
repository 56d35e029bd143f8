/**
 * Bounded concurrency for a batch of async jobs (status writes, object creation), so a large
 * cluster never fires hundreds of requests at the apiserver at once.
 *
 * @module
 */

/**
 * Calls `fn` on every item, at most `limit` calls in flight, and resolves when all are done. A
 * rejection rejects the whole call (jobs already started still run to their end).
 *
 * @example
 * ```ts
 * import { forEachConcurrently } from "./pool.ts";
 * const seen: number[] = [];
 * await forEachConcurrently([1, 2, 3], 2, async (n) => { seen.push(n); });
 * if (seen.length !== 3) throw new Error("bad");
 * ```
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
