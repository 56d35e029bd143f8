import { strict as assert } from "node:assert";
import { ManualClock } from "../src/runtime/clock.ts";
import { createEmulatorApp } from "./app.ts";

const OPTIONS = { alphaMs: 20, betaMs: 1, gammaMs: 0, deltaMs: 0, startupDelayMs: 5000 };

/** Reads what a stream has produced so far, keeping one pending read between calls. */
function streamReader(body: ReadableStream<Uint8Array>): () => Promise<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  return async () => {
    const frames: string[] = [];
    for (;;) {
      pending ??= reader.read();
      const tick = new Promise<null>((r) => setTimeout(() => r(null), 5));
      const next = await Promise.race([pending, tick]);
      if (next === null) return frames;
      pending = undefined;
      if (next.done) return frames;
      frames.push(...decoder.decode(next.value).split("\n\n").filter((f) => f !== ""));
    }
  };
}

Deno.test("createEmulatorApp() runs in virtual time with an injected clock", async () => {
  const clock = new ManualClock(1_000_000);
  const app = createEmulatorApp({ options: OPTIONS, clock });
  assert.equal((await app.request("/health/ready")).status, 503);
  await clock.advance(5000);
  assert.equal((await app.request("/health/ready")).status, 200);

  const res = await app.request("/v1/completions", {
    method: "POST",
    body: JSON.stringify({ prompt: "x", max_tokens: 3, stream: true }),
  });
  assert.equal(res.status, 200);
  const read = streamReader(res.body!);
  assert.deepEqual(await read(), [], "nothing before the engine turn");
  await clock.advance(0); // admission and first token (prefill 0 ms)
  assert.equal((await read()).length, 1);
  await clock.advance(20);
  assert.deepEqual(await read(), [], "a step of batch 1 takes 21 ms");
  await clock.advance(1);
  assert.equal((await read()).length, 1);
  await clock.advance(21);
  const last = await read();
  assert.equal(last.length, 3, "third token, finish chunk, [DONE]");
  assert.match(last[1]!, /"finish_reason":"length"/);
  assert.equal(last[2], "data: [DONE]");
  assert.equal(clock.pendingSleepers, 0, "the step timer is idle when nothing runs");
});
