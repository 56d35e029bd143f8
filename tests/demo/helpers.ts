/**
 * Shared helpers of the demo's cross-module tests: small, fast variant specs for the local pool,
 * a streaming chat request, and reading an SSE body to its end.
 *
 * @module
 */
import type { LocalVariantSpec } from "../../src/adapters/local/variant_spec.ts";

/** A fast variant (5 ms decode steps) so tests stay short. */
export function fastVariant(
  name: string,
  fields: Partial<LocalVariantSpec> = {},
): LocalVariantSpec {
  return {
    name,
    modelId: "m",
    namespace: "demo",
    accelerator: "A100",
    costPerReplica: 10,
    gpusPerReplica: 1,
    minReplicas: 0,
    maxReplicas: 8,
    initialReplicas: 1,
    emulator: { alphaMs: 5, betaMs: 0, gammaMs: 1, deltaMs: 0, maxNumSeqs: 8 },
    ...fields,
  };
}

/** POSTs a streaming chat request asking for exactly `tokens` output tokens. */
export function streamChat(baseUrl: string, tokens: number, model = "m"): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "hello there" }],
      max_tokens: tokens,
      ignore_eos: true,
      stream: true,
    }),
  });
}

/** Reads an SSE body to the end; returns its text (throws if the stream breaks). */
export async function readAll(res: Response): Promise<string> {
  return await res.text();
}

/** Content tokens and whether `[DONE]` arrived, from an SSE text. */
export function sseSummary(text: string): { tokens: number; done: boolean } {
  let tokens = 0;
  let done = false;
  for (const block of text.split("\n\n")) {
    const data = block.replace(/^data: /, "").trim();
    if (data === "[DONE]") done = true;
    else if (data.startsWith("{")) {
      const c = JSON.parse(data).choices?.[0];
      const t = c?.delta?.content ?? c?.text;
      if (typeof t === "string" && t !== "") tokens++;
    }
  }
  return { tokens, done };
}

/** Resolves when `check()` is true (polling every 20 ms) or throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
