/**
 * The contract of the gateway's {@linkcode EndpointSource} port (src/core/contract/endpoints.ts),
 * as a suite any implementation runs: the local one (gateway_endpoints_test.ts) and a Kubernetes
 * one over EndpointSlices (its test passes a harness that creates and patches real slices).
 *
 * A harness drives the backing store (a pool, the API server): it adds endpoints, makes them
 * ready or not, marks them leaving, removes them. The suite checks what the gateway relies on:
 * the listed models, `ready()` per model, the id and URL shapes, `leaving()`, and a
 * notification after each change (within `settleMs`), none after unsubscribing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EndpointSource } from "../../src/adapters/gateway/endpoints.ts";

/** Drives an implementation's backing store. */
export interface EndpointHarness {
  readonly source: EndpointSource;
  /** Two models the source serves, both with no endpoint at the start. */
  readonly models: readonly [string, string];
  /** Adds an endpoint of `model`, ready or not yet; resolves to the id the source will report. */
  add(model: string, ready: boolean): Promise<string>;
  /** Makes an endpoint ready (it passed its probe) or not (it failed one). */
  setReady(id: string, ready: boolean): Promise<void>;
  /** Starts removing a ready endpoint (draining; a terminating pod). */
  setLeaving(id: string): Promise<void>;
  /** Removes an endpoint. */
  remove(id: string): Promise<void>;
  /** Stops the source and cleans up. */
  close(): Promise<void>;
}

/** Options of {@linkcode endpointSourceContract}. */
export interface ContractOptions {
  /** Longest time from a change to the source showing it and notifying (ms). @default 2000 */
  readonly settleMs?: number;
  /** Deno.test options of every case (a cluster gate's `ignore`, sanitizers). @default none */
  readonly test?: {
    readonly ignore?: boolean;
    readonly sanitizeOps?: boolean;
    readonly sanitizeResources?: boolean;
  };
}

/** Polls `check` every 20 ms until it is true; throws after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ids = (s: EndpointSource, model: string) => s.ready(model).map((e) => e.id).sort();

/** Registers the contract's tests for one implementation. */
export function endpointSourceContract(
  name: string,
  make: () => Promise<EndpointHarness>,
  options: ContractOptions = {},
): void {
  const settleMs = options.settleMs ?? 2000;
  const test = (what: string, fn: (h: EndpointHarness) => Promise<void>) =>
    Deno.test({
      name: `EndpointSource contract (${name}): ${what}`,
      ...options.test,
      fn: async () => {
        const h = await make();
        try {
          await fn(h);
        } finally {
          await h.close();
        }
      },
    });

  test("models are listed with no endpoint; ready() is [] for them and for unknown ones", (h) => {
    for (const m of h.models) assert.ok(h.source.models().includes(m), `${m} listed`);
    assert.deepEqual(h.source.models(), h.source.models(), "a stable order");
    for (const m of [...h.models, "no-such-model"]) assert.deepEqual(h.source.ready(m), []);
    assert.ok(!h.source.models().includes("no-such-model"));
    return Promise.resolve();
  });

  test("an endpoint is listed once ready, under its model only, and subscribers hear of it", async (h) => {
    const [m1, m2] = h.models;
    let calls = 0;
    const unsubscribe = h.source.subscribe(() => calls++);
    const id = await h.add(m1, false);
    await new Promise((r) => setTimeout(r, Math.min(200, settleMs)));
    assert.deepEqual(ids(h.source, m1), [], "not ready: not listed");
    const before = calls;
    await h.setReady(id, true);
    await eventually(() => ids(h.source, m1).includes(id), settleMs, "the ready endpoint");
    await eventually(() => calls > before, settleMs, "a notification");
    assert.deepEqual(ids(h.source, m2), [], "not under the other model");
    const e = h.source.ready(m1).find((x) => x.id === id)!;
    assert.match(e.url, /^https?:\/\/[^/\s]+$/, "http://host:port, no path, no trailing slash");
    assert.equal(h.source.leaving(id), false);
    unsubscribe();
  });

  test("ids are unique across models", async (h) => {
    const [m1, m2] = h.models;
    const added = [await h.add(m1, true), await h.add(m1, true), await h.add(m2, true)];
    await eventually(
      () => h.source.ready(m1).length === 2 && h.source.ready(m2).length === 1,
      settleMs,
      "three ready endpoints",
    );
    const all = [...ids(h.source, m1), ...ids(h.source, m2)];
    assert.equal(new Set(all).size, 3);
    assert.deepEqual(all.sort(), [...added].sort());
  });

  test("unready, leaving and removed endpoints drop out, each with a notification", async (h) => {
    const [m1] = h.models;
    const [a, b, c] = [await h.add(m1, true), await h.add(m1, true), await h.add(m1, true)];
    await eventually(() => ids(h.source, m1).length === 3, settleMs, "three ready");
    let calls = 0;
    const unsubscribe = h.source.subscribe(() => calls++);
    const step = async (what: string, change: () => Promise<void>, want: string[]) => {
      const before = calls;
      await change();
      await eventually(() => ids(h.source, m1).join() === want.sort().join(), settleMs, what);
      await eventually(() => calls > before, settleMs, `a notification: ${what}`);
    };
    await step("unready", () => h.setReady(a, false), [b, c]);
    await step("leaving", () => h.setLeaving(b), [c]);
    assert.equal(h.source.leaving(b), true, "leaving() says so");
    await step("removed", () => h.remove(c), []);
    await step("ready again", () => h.setReady(a, true), [a]);
    unsubscribe();
  });

  test("no notification after unsubscribing", async (h) => {
    let calls = 0;
    h.source.subscribe(() => calls++)();
    const id = await h.add(h.models[0], true);
    await eventually(() => ids(h.source, h.models[0]).includes(id), settleMs, "ready");
    await new Promise((r) => setTimeout(r, Math.min(200, settleMs)));
    assert.equal(calls, 0);
  });
}
