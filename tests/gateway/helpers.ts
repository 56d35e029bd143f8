/**
 * Shared helpers of the gateway tests: real emulator servers as endpoints, an endpoint source
 * the test moves by hand (as the demo's pool moves the local one), requests, and reading the
 * gateway's `/metrics`.
 *
 * @module
 */
import { type EmulatorHandle, startEmulator } from "../../emulator/mod.ts";
import {
  createLocalEndpoints,
  type Endpoint,
  type LocalEndpoints,
} from "../../src/adapters/gateway/endpoints.ts";
import { parsePromText, type PromTextSample } from "../../src/adapters/scrape/prom_text.ts";

export { sseSummary, streamChat, until } from "../demo/helpers.ts";

/** Starts `n` emulators serving `model` (`alphaMs`: ms per decode step). */
export async function emulators(model: string, n: number, alphaMs = 5): Promise<EmulatorHandle[]> {
  return await Promise.all(
    Array.from({ length: n }, () => startEmulator({ port: 0, model, alphaMs, betaMs: 0 })),
  );
}

/** Emulators as endpoints `<prefix>-0`, `<prefix>-1`, … in namespace `ns`. */
export function endpointsOf(prefix: string, emus: readonly EmulatorHandle[]): Endpoint[] {
  return emus.map((e, i) => ({
    id: `${prefix}-${i}`,
    url: e.url,
    variant: prefix,
    namespace: "ns",
  }));
}

/** A local source whose endpoints the test sets per model (each set notifies). */
export interface TestEndpoints {
  readonly source: LocalEndpoints;
  set(model: string, endpoints: readonly Endpoint[]): void;
}

/** Creates a {@linkcode TestEndpoints} serving `models`, all at 0 endpoints. */
export function testEndpoints(models: readonly string[]): TestEndpoints {
  const byModel = new Map<string, readonly Endpoint[]>();
  const source = createLocalEndpoints({ models, list: (m) => byModel.get(m) ?? [] });
  return {
    source,
    set(model, endpoints) {
      byModel.set(model, endpoints);
      source.changed();
    },
  };
}

/** The JSON body of a small non-streaming chat request (its byte length is the queue's unit). */
export function chatBody(model: string, tokens: number): string {
  return JSON.stringify({
    model,
    messages: [{ role: "user", content: "hello there" }],
    max_tokens: tokens,
    ignore_eos: true,
  });
}

/** POSTs {@linkcode chatBody} to the gateway. */
export function chat(url: string, model: string, tokens: number, signal?: AbortSignal) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chatBody(model, tokens),
    ...(signal ? { signal } : {}),
  });
}

/** The gateway's `/metrics`, parsed. */
export async function scrape(url: string): Promise<readonly PromTextSample[]> {
  return samplesOf(await (await fetch(`${url}/metrics`)).text());
}

/** The samples of an exposition text (throws on a line the parser cannot read). */
export function samplesOf(text: string): readonly PromTextSample[] {
  const parsed = parsePromText(text);
  if (parsed.errors.length > 0) throw new Error(JSON.stringify(parsed.errors));
  return parsed.samples;
}

/** The sum of the samples named `name` whose labels include `labels`; undefined when none. */
export function value(
  samples: readonly PromTextSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const hits = samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
  return hits.length === 0 ? undefined : hits.reduce((sum, s) => sum + s.value, 0);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
