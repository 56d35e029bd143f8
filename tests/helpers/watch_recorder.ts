/**
 * Records how watched objects change over time (what a test picks from each, stamped with
 * `performance.now()` when the event arrived), so the test can ask afterwards what an object
 * looked like at a given moment — e.g. a Deployment's `spec.replicas` at the end of each HPA
 * sync period — without polling the apiserver.
 *
 * @module
 */
import type { Kube, KubeObject } from "../../src/adapters/kubernetes/kube/mod.ts";

/** A running recorder. */
export interface WatchRecorder<T> {
  /** What was picked from object `name` as of `atMs` (`performance.now()` time), if anything. */
  at(name: string, atMs: number): T | undefined;
  /** Every change of object `name`, oldest first. */
  history(name: string): readonly { readonly atMs: number; readonly value: T }[];
  /** Stops the watch. */
  stop(): Promise<void>;
}

/**
 * Watches the collection at `path` (e.g. `/apis/apps/v1/namespaces/ns/deployments`) and records
 * `pick(object)` per object name on every event whose pick differs from the last one.
 */
export function recordWatch<O extends KubeObject, T>(
  kube: Kube,
  path: string,
  pick: (object: O) => T,
): WatchRecorder<T> {
  const byName = new Map<string, { atMs: number; value: T }[]>();
  const ac = new AbortController();
  const done = kube.watch<O>(path, {
    signal: ac.signal,
    timeoutSeconds: 60,
    onEvent: ({ type, object }) => {
      const name = object.metadata?.name ?? "";
      if (type === "DELETED") return;
      const value = pick(object);
      const list = byName.get(name) ?? [];
      const last = list.at(-1);
      if (last && JSON.stringify(last.value) === JSON.stringify(value)) return;
      list.push({ atMs: performance.now(), value });
      byName.set(name, list);
    },
  });
  return {
    at(name, atMs) {
      let found: T | undefined;
      for (const e of byName.get(name) ?? []) {
        if (e.atMs > atMs) break;
        found = e.value;
      }
      return found;
    },
    history: (name) => byName.get(name) ?? [],
    async stop() {
      ac.abort();
      await done;
    },
  };
}
