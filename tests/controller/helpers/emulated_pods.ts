/**
 * The controller tests' emulated replicas: the settings every emulator of these tests uses (in
 * process, or as a pod's `wva emulator` process run by the pod runner), and a closed-loop load
 * driver that spreads requests over a model's Ready pods like a Service.
 *
 * @module
 */
import type { EmulatorOptions } from "../../../emulator/mod.ts";
import type {
  PodEndpoint,
  PodRunnerHandle,
} from "../../../src/adapters/kubernetes/pod_runner/mod.ts";

/** Emulator settings for the tests: small batches so a few clients saturate a replica. */
export const TEST_EMULATOR: EmulatorOptions = {
  maxNumSeqs: 4,
  startupDelayMs: 0,
  drainTimeoutMs: 0,
  preset: "H100",
  outputLength: { mode: "exact" },
};

/** The container args of a pod serving `model` with the {@linkcode TEST_EMULATOR} settings. */
export function testEmulatorArgs(model: string): string[] {
  return [
    "emulator",
    `--model=${model}`,
    "--max-num-seqs=4",
    "--startup-delay=0",
    "--drain-timeout=0",
    "--preset=H100",
    "--output-mode=exact",
  ];
}

/** The pod label that names the model a test pod serves. */
export const MODEL_LABEL = "wva-test/model";

/** The emulated pods of the tests, as the runner runs them. */
export interface EmulatedPods {
  /** Ready replicas per model. */
  count(modelId: string): number;
  /** Starts `concurrency` closed-loop clients on a model; returns a stopper. */
  load(modelId: string, concurrency: number): () => Promise<void>;
  /** Stops the load and the runner (every emulator process). */
  stop(): Promise<void>;
}

/** Load and counts over the runner's Ready pods labelled {@linkcode MODEL_LABEL}. */
export function emulatedPods(runner: PodRunnerHandle): EmulatedPods {
  const ctrl = new AbortController();
  const rr = new Map<string, number>();
  const replicas = (model: string): PodEndpoint[] =>
    runner.endpoints().filter((e) => e.ready && e.labels[MODEL_LABEL] === model);
  function pick(model: string): PodEndpoint | undefined {
    const list = replicas(model);
    if (list.length === 0) return undefined;
    const i = (rr.get(model) ?? 0) % list.length;
    rr.set(model, i + 1);
    return list[i];
  }
  return {
    count: (model) => replicas(model).length,
    load(model, concurrency) {
      const stopLoad = new AbortController();
      const signal = AbortSignal.any([stopLoad.signal, ctrl.signal]);
      const workers = Array.from({ length: concurrency }, async () => {
        while (!signal.aborted) {
          const pod = pick(model);
          try {
            if (!pod) throw new Error("no replica");
            const res = await fetch(`${pod.url}/v1/completions`, {
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
      await runner.stop();
    },
  };
}
