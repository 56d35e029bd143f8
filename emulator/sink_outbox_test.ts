import { strict as assert } from "node:assert";
import { ManualClock } from "../src/runtime/clock.ts";
import type { FinishEvent } from "./engine/types.ts";
import { type SequenceSink, SinkOutbox, spreadWindowMs } from "./sink_outbox.ts";

function recorder(log: string[], name: string, clock: ManualClock): SequenceSink {
  return {
    onToken: (i) => log.push(`${name}:t${i}@${clock.nowMs()}`),
    onFinish: (r) => log.push(`${name}:${r}@${clock.nowMs()}`),
    flush: () => log.push(`${name}:flush`),
  };
}

const FINISH = {
  kind: "finish",
  id: 1,
  atMs: 0,
  reason: "length",
  timing: {} as FinishEvent["timing"],
} as FinishEvent;

Deno.test("spreadWindowMs() spreads big steps, at most 90 % of the step", async (t) => {
  const cases = [
    { tokens: 8, stepMs: 28, want: 0 },
    { tokens: 500, stepMs: 45, want: 25 },
    { tokens: 4000, stepMs: 220, want: 198 },
  ];
  for (const c of cases) {
    await t.step(`${c.tokens} tokens, ${c.stepMs} ms step`, () => {
      assert.ok(Math.abs(spreadWindowMs(c.tokens, c.stepMs) - c.want) < 1e-9);
    });
  }
});

Deno.test("SinkOutbox writes in FIFO order at the due times and flushes each sink once", async () => {
  const clock = new ManualClock(1000);
  const log: string[] = [];
  let late = 0;
  const outbox = new SinkOutbox({
    clock,
    onError: (e) => assert.fail(String(e)),
    onDrained: () => log.push("drained"),
    onLate: (ms) => late = Math.max(late, ms),
  });
  const a = recorder(log, "a", clock), b = recorder(log, "b", clock);
  outbox.pushToken(a, 0, 1000);
  outbox.pushToken(b, 0, 1010);
  outbox.pushFinish(b, FINISH);
  outbox.pushToken(a, 1, 1020);
  outbox.run();
  assert.deepEqual(log, ["a:t0@1000", "a:flush"]);
  await clock.advance(10);
  assert.deepEqual(log.slice(2), ["b:t0@1010", "b:length@1010", "b:flush"]);
  assert.equal(outbox.pending, 1);
  await clock.advance(15);
  assert.deepEqual(log.slice(5), ["a:t1@1020", "a:flush", "drained"]);
  assert.equal(late, 0);
  assert.equal(clock.pendingSleepers, 0);
});
