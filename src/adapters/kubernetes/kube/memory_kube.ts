/**
 * An in-memory stand-in for the narrow parts of the Kubernetes client that the backend and the
 * sink use — `watch`, `transport.json` and `setReplicas` — for unit tests. It is not an
 * apiserver: it keeps objects by collection, bumps a resourceVersion on every write, delivers
 * list-then-watch events like the connection layer's `watch`, answers GET, POST, PATCH and PUT
 * (of an object or its status subresource, with optimistic concurrency: 409 on a stale
 * resourceVersion), and sets replicas through `/scale`. Everything else is refused. The real thing is tested against a real
 * kube-apiserver (tests/contracts, tests/controller).
 *
 * @module
 */
import { KubeApiError } from "./errors.ts";
import type { Kube } from "./load_kube.ts";
import type { Scale, ScaleTarget } from "./scale.ts";
import type { RequestOptions } from "./transport.ts";
import type { KubeObject, WatchEvent, WatchOptions } from "./watch.ts";

type Json = Record<string, unknown> & {
  metadata?: {
    name?: string | undefined;
    namespace?: string | undefined;
    resourceVersion?: string | undefined;
    [k: string]: unknown;
  };
};

/** One request the fake received. */
export interface MemoryRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/** The fake: the client surface plus the test's handles on the store. */
export interface MemoryKube extends Pick<Kube, "watch" | "transport" | "setReplicas"> {
  /** Creates or replaces an object of a collection (e.g. `/apis/apps/v1/deployments`). */
  put(collection: string, object: Json): Json;
  /** Deletes an object; watchers get DELETED. */
  remove(collection: string, namespace: string, name: string): void;
  get(collection: string, namespace: string, name: string): Json | undefined;
  list(collection: string): Json[];
  /** Requests made through `transport.json` and `setReplicas`, in order. */
  readonly requests: MemoryRequest[];
  /** Watches running now, by collection path. */
  watching(): string[];
  /** Makes the next request whose `METHOD path` matches fail with `error`. */
  failNext(match: RegExp, error: Error): void;
}

interface Parsed {
  /** `/api/v1` or `/apis/<group>/<version>` plus the plural: the store's collection key. */
  readonly collection: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly sub: string | undefined;
}

const PATH =
  /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(status|scale))?$/;

function parsePath(path: string): Parsed {
  const m = PATH.exec(path.split("?")[0]!);
  if (!m) throw new KubeApiError(404, "NotFound", `memory kube: no route for ${path}`);
  const dec = (x: string | undefined) => (x === undefined ? undefined : decodeURIComponent(x));
  return { collection: `${m[1]}/${m[3]}`, namespace: dec(m[2]), name: dec(m[4]), sub: m[5] };
}

const clone = <T>(x: T): T => structuredClone(x);
const keyOf = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

interface Store {
  rv: number;
  readonly objects: Map<string, Map<string, Json>>;
  readonly watchers: Set<{ path: string; deliver: (e: WatchEvent<Json>) => void }>;
  readonly requests: MemoryRequest[];
  readonly failures: { match: RegExp; error: Error }[];
}

function collectionOf(store: Store, collection: string): Map<string, Json> {
  let c = store.objects.get(collection);
  if (!c) store.objects.set(collection, c = new Map());
  return c;
}

function matches(watchPath: string, collection: string, namespace: string | undefined): boolean {
  const p = parsePath(watchPath);
  return p.collection === collection && (p.namespace === undefined || p.namespace === namespace);
}

function emit(store: Store, collection: string, event: WatchEvent<Json>): void {
  for (const w of store.watchers) {
    if (matches(w.path, collection, event.object.metadata?.namespace)) w.deliver(clone(event));
  }
}

function write(store: Store, collection: string, object: Json): Json {
  const meta = object.metadata ?? {};
  const key = keyOf(meta.namespace, String(meta.name));
  const c = collectionOf(store, collection);
  const stored = { ...clone(object), metadata: { ...meta, resourceVersion: String(++store.rv) } };
  const type = c.has(key) ? "MODIFIED" : "ADDED";
  c.set(key, stored);
  emit(store, collection, { type, object: stored });
  return clone(stored);
}

function checkFailure(store: Store, method: string, path: string): void {
  const i = store.failures.findIndex((f) => f.match.test(`${method} ${path}`));
  if (i < 0) return;
  const [f] = store.failures.splice(i, 1);
  throw f!.error;
}

function notFound(path: string): KubeApiError {
  return new KubeApiError(404, "NotFound", `memory kube: ${path} not found`);
}

function existing(store: Store, p: Parsed, path: string): Json {
  const found = store.objects.get(p.collection)?.get(keyOf(p.namespace, p.name ?? ""));
  if (!found) throw notFound(path);
  return found;
}

/** A PUT of the object (`sub` undefined) or of its status, with optimistic concurrency. */
function put(store: Store, p: Parsed, path: string, body: Json): Json {
  const current = existing(store, p, path);
  const rv = body.metadata?.resourceVersion;
  if (rv !== undefined && rv !== current.metadata?.resourceVersion) {
    throw new KubeApiError(409, "Conflict", `memory kube: ${path}: the object has been modified`);
  }
  if (p.sub === "status") {
    return write(store, p.collection, { ...current, status: clone(body.status) });
  }
  return write(store, p.collection, {
    ...body,
    metadata: { ...body.metadata, namespace: p.namespace },
  });
}

function handle(store: Store, path: string, options: RequestOptions): unknown {
  const method = options.method ?? "GET";
  store.requests.push({ method, path, body: clone(options.body) });
  checkFailure(store, method, path);
  const p = parsePath(path);
  const body = (options.body ?? {}) as Json;
  if (method === "GET" && p.name) return clone(existing(store, p, path));
  if (method === "PUT" && p.name && p.sub !== "scale") return put(store, p, path, body);
  if (method === "POST" && !p.name) {
    return write(store, p.collection, {
      ...body,
      metadata: { ...body.metadata, namespace: p.namespace },
    });
  }
  if (method === "PATCH" && p.name && !p.sub) {
    return write(store, p.collection, { ...existing(store, p, path), ...body });
  }
  throw new KubeApiError(405, "MethodNotAllowed", `memory kube: ${method} ${path} not supported`);
}

async function runWatch<T extends KubeObject>(
  store: Store,
  path: string,
  options: WatchOptions<T>,
): Promise<void> {
  const { collection } = parsePath(path);
  const queue: WatchEvent<Json>[] = [];
  let wake: (() => void) | undefined;
  const watcher = { path, deliver: (e: WatchEvent<Json>) => (queue.push(e), wake?.()) };
  const items = [...collectionOf(store, collection).values()].filter((o) =>
    matches(path, collection, o.metadata?.namespace)
  );
  store.watchers.add(watcher);
  try {
    await Promise.resolve(); // like the network: nothing is delivered before watch() returns
    for (const o of items) {
      await options.onEvent({ type: "ADDED", object: clone(o) as unknown as T });
    }
    await options.onSync?.({
      resourceVersion: String(store.rv),
      items: items.length,
      relist: false,
    });
    while (!options.signal.aborted) {
      const next = queue.shift();
      if (next) await options.onEvent(next as unknown as WatchEvent<T>);
      else {
        await new Promise<void>((resolve) => {
          wake = resolve;
          options.signal.addEventListener("abort", () => resolve(), { once: true });
        });
      }
    }
  } finally {
    store.watchers.delete(watcher);
  }
}

function setScale(store: Store, target: ScaleTarget, replicas: number): Scale {
  const plural = target.kind === "StatefulSet" ? "statefulsets" : "deployments";
  const path =
    `/apis/${target.apiVersion}/namespaces/${target.namespace}/${plural}/${target.name}/scale`;
  store.requests.push({ method: "PATCH", path, body: { spec: { replicas } } });
  checkFailure(store, "PATCH", path);
  const p = parsePath(path);
  const current = existing(store, p, path);
  const spec = (current.spec ?? {}) as Record<string, unknown>;
  write(store, p.collection, { ...current, spec: { ...spec, replicas } });
  return {
    metadata: { name: target.name, namespace: target.namespace, resourceVersion: String(store.rv) },
    spec: { replicas },
    status: {
      replicas: Number((current.status as { replicas?: number } | undefined)?.replicas ?? 0),
    },
  };
}

/** Creates an empty fake. */
export function memoryKube(): MemoryKube {
  const store: Store = {
    rv: 0,
    objects: new Map(),
    watchers: new Set(),
    requests: [],
    failures: [],
  };
  return {
    transport: {
      server: "memory://kube",
      fetch: () => Promise.reject(new Error("memory kube: raw fetch is not supported")),
      json: <T>(path: string, options: RequestOptions = {}) =>
        new Promise<T>((resolve) => resolve(handle(store, path, options) as T)),
      close() {},
    },
    watch: (path, options) => runWatch(store, path, options),
    setReplicas: (target, replicas) =>
      new Promise((resolve) => resolve(setScale(store, target, replicas))),
    put: (collection, object) => write(store, collection, object),
    remove(collection, namespace, name) {
      const c = collectionOf(store, collection);
      const o = c.get(keyOf(namespace, name));
      if (!o) return;
      c.delete(keyOf(namespace, name));
      emit(store, collection, { type: "DELETED", object: o });
    },
    get: (collection, namespace, name) => {
      const o = store.objects.get(collection)?.get(keyOf(namespace, name));
      return o ? clone(o) : undefined;
    },
    list: (collection) => [...collectionOf(store, collection).values()].map(clone),
    requests: store.requests,
    watching: () => [...store.watchers].map((w) => w.path).sort(),
    failNext(match, error) {
      store.failures.push({ match, error });
    },
  };
}
