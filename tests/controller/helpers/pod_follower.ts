/**
 * Stands real emulator servers in for the pods of the test namespace: every Running and Ready pod
 * labelled `wva-test/model` gets an in-process emulator on a loopback port serving that model,
 * and the pod is stopped when the pod goes away. Prometheus' file-SD targets are rewritten on
 * every change with the `pod` and `namespace` labels, as a Kubernetes scrape config would attach.
 * A closed-loop load driver spreads requests over a model's live replicas like a Service.
 *
 * @module
 */
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../../emulator/mod.ts";
import type { Kube } from "../../../src/adapters/kubernetes/kube/mod.ts";
import type { PrometheusHandle } from "../../helpers/prometheus.ts";

/** Emulator settings for the tests: small batches so a few clients saturate a replica. */
export const TEST_EMULATOR: EmulatorOptions = {
  maxNumSeqs: 4,
  startupDelayMs: 0,
  drainTimeoutMs: 0,
  preset: "H100",
  outputLength: { mode: "exact" },
};

/** A running follower. */
export interface PodFollower {
  /** Live replicas per model. */
  count(modelId: string): number;
  /** Starts `concurrency` closed-loop clients on a model; returns a stopper. */
  load(modelId: string, concurrency: number): () => Promise<void>;
  stop(): Promise<void>;
}

interface Replica {
  readonly pod: string;
  readonly model: string;
  readonly emulator: EmulatorHandle;
}

/** Starts following the namespace's pods (polling every 200 ms). */
export function startPodFollower(
  kube: Kube,
  options: { readonly namespace: string; readonly prom: PrometheusHandle },
): PodFollower {
  const replicas = new Map<string, Replica>();
  const ctrl = new AbortController();
  const rr = new Map<string, number>();
  async function sync(): Promise<void> {
    const list = await kube.core.listNamespacedPod({ namespace: options.namespace });
    const live = new Map<string, string>();
    for (const p of list.items) {
      const model = p.metadata?.labels?.["wva-test/model"];
      const ready = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      if (model && ready && !p.metadata?.deletionTimestamp && p.status?.phase === "Running") {
        live.set(p.metadata!.name!, model);
      }
    }
    let changed = false;
    for (const [pod, r] of replicas) {
      if (live.has(pod)) continue;
      replicas.delete(pod);
      await r.emulator.stop();
      changed = true;
    }
    for (const [pod, model] of live) {
      if (replicas.has(pod)) continue;
      const emulator = await startEmulator({ ...TEST_EMULATOR, port: 0, model });
      replicas.set(pod, { pod, model, emulator });
      changed = true;
    }
    if (changed) {
      await options.prom.setTargets([...replicas.values()].map((r) => ({
        targets: [`127.0.0.1:${r.emulator.port}`],
        labels: { pod: r.pod, namespace: options.namespace },
      })));
    }
  }
  const running = (async () => {
    while (!ctrl.signal.aborted) {
      try {
        await sync();
      } catch { /* apiserver restarting: try again */ }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  function pick(model: string): EmulatorHandle | undefined {
    const list = [...replicas.values()].filter((r) => r.model === model);
    if (list.length === 0) return undefined;
    const i = (rr.get(model) ?? 0) % list.length;
    rr.set(model, i + 1);
    return list[i]!.emulator;
  }
  return {
    count: (model) => [...replicas.values()].filter((r) => r.model === model).length,
    load(model, concurrency) {
      const stopLoad = new AbortController();
      const signal = AbortSignal.any([stopLoad.signal, ctrl.signal]);
      const workers = Array.from({ length: concurrency }, async () => {
        while (!signal.aborted) {
          const emu = pick(model);
          try {
            if (!emu) throw new Error("no replica");
            const res = await fetch(`${emu.url}/v1/completions`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ model, prompt: "hello ".repeat(50), max_tokens: 64 }),
              signal,
            });
            await res.text(); // read it all: cancelling the body aborts the request
          } catch {
            if (!signal.aborted) await new Promise((r) => setTimeout(r, 50));
          }
        }
      });
      return async () => {
        stopLoad.abort();
        await Promise.all(workers);
      };
    },
    async stop() {
      ctrl.abort();
      await running;
      await Promise.all([...replicas.values()].map((r) => r.emulator.stop()));
      replicas.clear();
    },
  };
}
