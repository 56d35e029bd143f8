/**
 * A watch-backed cache of one collection (an "informer"): the latest object of each key, kept by
 * the connection layer's `watch` loop (list, watch, reconnect, re-list on 410 Gone). Objects are
 * projected on arrival so the cache keeps only the fields the controller reads.
 *
 * @module
 */
import type { Kube, KubeObject, WatchEvent } from "../kube/mod.ts";

/** Options of {@linkcode startInformer}. */
export interface InformerOptions<Raw, T> {
  /** Collection path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/ns/pods`. */
  readonly path: string;
  /** Keeps what the controller needs; return undefined to drop the object. */
  project(raw: Raw): T | undefined;
  /** Called after the cache changed, with the old and new projection (undefined = absent). */
  onChange?(key: string, before: T | undefined, after: T | undefined): void;
  /** Called for each failed watch attempt (the loop retries with backoff). */
  onError?(err: unknown, attempt: number): void;
  /** Called after every (re-)list was delivered (the first one resolves `synced`). */
  onSynced?(): void;
  /** Reconnect backoff (ms) of the watch loop. @default the loop's (200 ms doubling to 10 s) */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly signal: AbortSignal;
  /** Server-side watch timeout (s). @default 300 */
  readonly timeoutSeconds?: number;
}

/** A running informer. */
export interface Informer<T> {
  /** Resolves after the first list was delivered. */
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** The object at `namespace/name` (`/name` for cluster-scoped objects). */
  get(key: string): T | undefined;
  /** Every cached object. */
  list(): T[];
  readonly size: number;
  /** Resolves when the watch loop has ended (after `signal` aborts). */
  readonly done: Promise<void>;
}

/** The cache key of an object: `namespace/name`. */
export function objectKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/** Starts watching; the cache fills in the background (await `synced`). */
export function startInformer<Raw extends KubeObject, T>(
  kube: Pick<Kube, "watch">,
  options: InformerOptions<Raw, T>,
): Informer<T> {
  const cache = new Map<string, T>();
  let synced = false;
  let markSynced!: () => void;
  const syncedPromise = new Promise<void>((resolve) => (markSynced = resolve));
  function apply(event: WatchEvent<Raw>): void {
    const key = objectKey(event.object);
    const before = cache.get(key);
    const after = event.type === "DELETED" ? undefined : options.project(event.object);
    if (after === undefined) cache.delete(key);
    else cache.set(key, after);
    if (before !== undefined || after !== undefined) options.onChange?.(key, before, after);
  }
  const done = kube.watch<Raw>(options.path, {
    signal: options.signal,
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    timeoutSeconds: options.timeoutSeconds ?? 300,
    onEvent: apply,
    onSync: () => {
      if (!synced) {
        synced = true;
        markSynced();
      }
      options.onSynced?.();
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  }).finally(() => {
    if (!synced) markSynced();
  });
  return {
    synced: syncedPromise,
    hasSynced: () => synced,
    get: (key) => cache.get(key),
    list: () => [...cache.values()],
    get size() {
      return cache.size;
    },
    done,
  };
}
