import assert from "node:assert/strict";
import { createStreamMeter } from "./stream_meter.ts";

const enc = new TextEncoder();

function chunk(content: string): string {
  return `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;
}

Deno.test("createStreamMeter() times content tokens and needs [DONE]", async (t) => {
  await t.step("a whole stream, split at odd places", () => {
    let clock = 0;
    const m = createStreamMeter(true, () => clock);
    const text = chunk("") + chunk("a") + chunk("b") + chunk("c") +
      'data: {"choices":[],"usage":{"completion_tokens":3}}\n\ndata: [DONE]\n\n';
    const parts = [text.slice(0, 70), text.slice(70, 100), text.slice(100, 140), text.slice(140)];
    const times = [10, 30, 55, 60];
    parts.forEach((p, i) => {
      clock = times[i]!;
      m.push(enc.encode(p));
    });
    const r = m.end();
    assert.equal(r.complete, true);
    assert.equal(r.tokens, 3);
    assert.ok(r.firstTokenAtMs !== null && r.firstTokenAtMs >= 10);
    assert.equal(r.gapsMs.length, 2);
  });
  await t.step("cut off before [DONE]", () => {
    const m = createStreamMeter(true, () => 0);
    m.push(enc.encode(chunk("a") + chunk("b")));
    const r = m.end();
    assert.equal(r.complete, false);
    assert.equal(r.tokens, 2);
  });
  await t.step("an error event fails the stream", () => {
    const m = createStreamMeter(true, () => 0);
    m.push(enc.encode('data: {"error":{"message":"boom"}}\n\ndata: [DONE]\n\n'));
    const r = m.end();
    assert.equal(r.complete, false);
    assert.match(r.streamError!, /boom/);
  });
  await t.step("completions text chunks count too", () => {
    const m = createStreamMeter(true, () => 0);
    m.push(enc.encode('data: {"choices":[{"text":" x"}]}\n\ndata: [DONE]\n\n'));
    assert.equal(m.end().tokens, 1);
  });
  await t.step("non-streaming answers complete at the end", () => {
    let clock = 5;
    const m = createStreamMeter(false, () => clock);
    m.push(enc.encode('{"choices":[{"text":"hi"}]}'));
    clock = 42;
    const r = m.end();
    assert.deepEqual([r.complete, r.firstTokenAtMs], [true, 42]);
  });
});
