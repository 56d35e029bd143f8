/**
 * Latency over real HTTP follows the model: client-measured inter-token gaps match
 * alpha + beta·batch, and TTFT includes the queueing when max-num-seqs is full.
 * Tolerances allow for a loaded 2-core test machine.
 */
import { strict as assert } from "node:assert";
import { postJson, readSse, type SseEvent, withEmulator } from "./helpers.ts";

function stream(url: string, maxTokens: number): Promise<{ sentAt: number; events: SseEvent[] }> {
  const sentAt = performance.now();
  return postJson(`${url}/v1/completions`, { prompt: "go", max_tokens: maxTokens, stream: true })
    .then(readSse).then((events) => ({ sentAt, events }));
}

/** Arrival times of the token chunks (the frames with a non-empty text). */
function tokenTimes(events: readonly SseEvent[]): number[] {
  return events.filter((e) => e.data.includes('"finish_reason":null')).map((e) => e.atMs);
}

Deno.test("8 concurrent streams see 28 ms between tokens with alpha 20, beta 1", async () => {
  await withEmulator({ alphaMs: 20, betaMs: 1, gammaMs: 0, deltaMs: 0 }, async (emu) => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => stream(emu.url, 25)));
    for (const { events } of runs) {
      const t = tokenTimes(events);
      assert.equal(t.length, 25);
      const meanGap = (t.at(-1)! - t[0]!) / (t.length - 1);
      assert.ok(Math.abs(meanGap - 28) / 28 < 0.05, `mean gap ${meanGap.toFixed(2)} ms vs 28 ms`);
    }
  });
});

Deno.test("TTFT over HTTP includes the wait for a seat when max-num-seqs is full", async () => {
  await withEmulator(
    { alphaMs: 20, betaMs: 0, gammaMs: 0, deltaMs: 0, maxNumSeqs: 2 },
    async (emu) => {
      const runs = await Promise.all([
        stream(emu.url, 10),
        stream(emu.url, 10),
        stream(emu.url, 10),
      ]);
      const ttft = runs.map((r) => tokenTimes(r.events)[0]! - r.sentAt).sort((a, b) => a - b);
      // two start at once; the third waits for 9 steps of 20 ms (first tokens come with prefill)
      assert.ok(ttft[1]! < 60, `early TTFTs ${ttft.slice(0, 2).map((x) => x.toFixed(1))}`);
      assert.ok(
        ttft[2]! > 170 && ttft[2]! < 260,
        `queued TTFT ${ttft[2]!.toFixed(1)} ms, model 180`,
      );
    },
  );
});
