/**
 * A list-then-watch loop that keeps going: it lists a collection, watches from the list's
 * resourceVersion, reconnects from the last seen resourceVersion when the stream ends or the
 * connection breaks (apiserver restart, network), with exponential backoff, and re-lists when the
 * apiserver answers 410 Gone (resourceVersion too old). After a re-list it emits the difference
 * to what it had seen (ADDED / MODIFIED / DELETED), so a consumer only ever handles events.
 *
 * Built on the Deno-native transport (streamed NDJSON), not on client-node's `Watch`.
 *
 * @module
 */
import { type Clock, systemClock } from "../../../runtime/clock.ts";
import { isGone, KubeApiError } from "./errors.ts";
import type { KubeTransport } from "./transport.ts";

/** The metadata the watch loop reads from every object. */
export interface KubeObject {
  readonly metadata?: {
    readonly name?: string | undefined;
    readonly namespace?: string | undefined;
    readonly resourceVersion?: string | undefined;
  } | undefined;
}

/** One change of one object. */
export interface WatchEvent<T> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: T;
}

/** Options for {@linkcode watch}. */
export interface WatchOptions<T> {
  /** Stops the loop; `watch()` then resolves. */
  readonly signal: AbortSignal;
  /** Called for every change, in order; the loop waits for a returned promise. */
  onEvent(event: WatchEvent<T>): void | Promise<void>;
  /** Start watching from here and skip the first list (objects that exist are not replayed). */
  readonly resourceVersion?: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** Called after each (re-)list, once its events were delivered. `relist` is false the first time. */
  onSync?(
    info: { readonly resourceVersion: string; readonly items: number; readonly relist: boolean },
  ): void | Promise<void>;
  /** Called for each failed attempt before the loop backs off and retries. */
  onError?(err: unknown, attempt: number): void;
  /** Server-side timeout of one watch request in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Reconnect backoff in ms: initial delay, doubled per failure up to max. @default {initialMs: 200, maxMs: 10000} */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** For the backoff sleeps. @default systemClock */
  readonly clock?: Clock;
  /** Page size of the list requests. @default 500 */
  readonly pageSize?: number;
}

interface ListBody<T> {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: T[];
}

function keyOf(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/** Signals that the watch must re-list (410 Gone in the response or in an ERROR event). */
class Gone extends Error {}

/**
 * Watches a collection path such as `/api/v1/namespaces/ns/pods` or
 * `/apis/llmd.ai/v1alpha1/variantautoscalings` until `signal` aborts. Never throws for API or
 * network failures (they go to `onError` and are retried); rethrows errors from `onEvent`.
 */
export async function watch<T extends KubeObject>(
  transport: KubeTransport,
  path: string,
  options: WatchOptions<T>,
): Promise<void> {
  const { signal } = options;
  const clock = options.clock ?? systemClock;
  const initialMs = options.backoff?.initialMs ?? 200;
  const maxMs = options.backoff?.maxMs ?? 10_000;
  const known = new Map<string, T>();
  let rv = options.resourceVersion;
  let listed = false;
  let attempt = 0;
  while (!signal.aborted) {
    try {
      if (rv === undefined) {
        rv = await relist(transport, path, options, known, listed);
        listed = true;
      }
      rv = await streamOnce(transport, path, options, known, rv, () => (attempt = 0));
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof Gone || isGone(err)) {
        rv = undefined;
        continue;
      }
      if (err instanceof CallbackError) throw err.cause;
      attempt++;
      options.onError?.(err, attempt);
      const delay = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 20));
      try {
        await clock.sleep(delay, signal);
      } catch {
        break;
      }
    }
  }
}

/** Wraps an error thrown by a consumer callback so the loop does not retry it. */
class CallbackError extends Error {}

async function deliver<T>(options: WatchOptions<T>, event: WatchEvent<T>): Promise<void> {
  try {
    await options.onEvent(event);
  } catch (err) {
    throw new CallbackError("onEvent failed", { cause: err });
  }
}

async function relist<T extends KubeObject>(
  transport: KubeTransport,
  path: string,
  options: WatchOptions<T>,
  known: Map<string, T>,
  relisting: boolean,
): Promise<string> {
  const items: T[] = [];
  let cont: string | undefined;
  let rv = "";
  do {
    const page = await transport.json<ListBody<T>>(path, {
      query: {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: options.pageSize ?? 500,
        continue: cont,
      },
      signal: options.signal,
    });
    items.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
    rv = page.metadata?.resourceVersion ?? rv;
  } while (cont);
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    seen.add(key);
    const before = known.get(key);
    known.set(key, item);
    if (!before) await deliver(options, { type: "ADDED", object: item });
    else if (before.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
      await deliver(options, { type: "MODIFIED", object: item });
    }
  }
  for (const [key, object] of [...known]) {
    if (seen.has(key)) continue;
    known.delete(key);
    await deliver(options, { type: "DELETED", object });
  }
  try {
    await options.onSync?.({ resourceVersion: rv, items: items.length, relist: relisting });
  } catch (err) {
    throw new CallbackError("onSync failed", { cause: err });
  }
  return rv;
}

interface RawEvent<T> {
  readonly type: string;
  readonly object: T & {
    readonly code?: number;
    readonly reason?: string;
    readonly message?: string;
  };
}

/** One watch request; returns the last resourceVersion seen when the server ends the stream. */
async function streamOnce<T extends KubeObject>(
  transport: KubeTransport,
  path: string,
  options: WatchOptions<T>,
  known: Map<string, T>,
  startRv: string,
  onConnected: () => void,
): Promise<string> {
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  // A half-open connection would hang forever: give up a while after the server-side timeout.
  const local = new AbortController();
  const deadline = setTimeout(() => local.abort(), (timeoutSeconds + 30) * 1000);
  const signal = AbortSignal.any([options.signal, local.signal]);
  let rv = startRv;
  try {
    const res = await transport.fetch(path, {
      query: {
        watch: 1,
        resourceVersion: startRv,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      },
      signal,
    });
    if (res.status === 410) {
      await res.body?.cancel();
      throw new Gone();
    }
    if (!res.ok || !res.body) {
      throw KubeApiError.fromResponse(res.status, await res.text(), `WATCH ${path}`);
    }
    onConnected();
    let buffer = "";
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) rv = await handleLine(line, options, known, rv);
      }
    }
    return rv;
  } catch (err) {
    // Our own deadline ended a stalled stream: reconnect from where we are, like a normal end.
    if (local.signal.aborted && !options.signal.aborted) return rv;
    throw err;
  } finally {
    clearTimeout(deadline);
  }
}

async function handleLine<T extends KubeObject>(
  line: string,
  options: WatchOptions<T>,
  known: Map<string, T>,
  rv: string,
): Promise<string> {
  const event = JSON.parse(line) as RawEvent<T>;
  const object = event.object;
  switch (event.type) {
    case "ERROR":
      if (object.code === 410) throw new Gone();
      throw new KubeApiError(
        object.code ?? 500,
        object.reason ?? "",
        `watch error: ${object.message ?? line}`,
      );
    case "BOOKMARK":
      return object.metadata?.resourceVersion ?? rv;
    case "ADDED":
    case "MODIFIED":
      known.set(keyOf(object), object);
      await deliver(options, { type: event.type, object });
      return object.metadata?.resourceVersion ?? rv;
    case "DELETED":
      known.delete(keyOf(object));
      await deliver(options, { type: "DELETED", object });
      return object.metadata?.resourceVersion ?? rv;
    default:
      return rv;
  }
}
