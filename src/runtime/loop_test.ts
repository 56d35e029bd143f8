import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import { startLoop } from "./loop.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("startLoop() paces cycles", async (t) => {
  await t.step("runs at start, then every interval", async () => {
    const clock = new ManualClock(0);
    const ctrl = new AbortController();
    const runs: Array<[string, number]> = [];
    const loop = startLoop({
      intervalMs: 30_000,
      clock,
      signal: ctrl.signal,
      runCycle: (reason) => {
        runs.push([reason, clock.nowMs()]);
        return Promise.resolve();
      },
    });
    await settle();
    await clock.advance(29_999);
    assert.deepEqual(runs, [["start", 0]]);
    await clock.advance(1);
    await clock.advance(30_000);
    assert.deepEqual(runs, [["start", 0], ["interval", 30_000], ["interval", 60_000]]);
    ctrl.abort();
    await loop.done;
    assert.equal(loop.cycles, 3);
  });
  await t.step("runAtStart false: the first cycle one interval after the start", async () => {
    const clock = new ManualClock(1000);
    const ctrl = new AbortController();
    const runs: Array<[string, number]> = [];
    const loop = startLoop({
      intervalMs: 5000,
      runAtStart: false,
      clock,
      signal: ctrl.signal,
      runCycle: (reason) => {
        runs.push([reason, clock.nowMs()]);
        return Promise.resolve();
      },
    });
    await settle();
    await clock.advance(4999);
    assert.deepEqual(runs, []);
    await clock.advance(1);
    await clock.advance(5000);
    assert.deepEqual(runs, [["interval", 6000], ["interval", 11_000]]);
    ctrl.abort();
    await loop.done;
    assert.equal(loop.cycles, 2);
  });
  await t.step("a burst of triggers costs one debounced cycle", async () => {
    const clock = new ManualClock(0);
    const ctrl = new AbortController();
    const runs: Array<[string, number]> = [];
    const loop = startLoop({
      intervalMs: 30_000,
      debounceMs: 1000,
      clock,
      signal: ctrl.signal,
      runCycle: (reason) => {
        runs.push([reason, clock.nowMs()]);
        return Promise.resolve();
      },
    });
    await settle();
    await clock.advance(5000);
    loop.trigger("deployment");
    await settle();
    await clock.advance(500);
    loop.trigger("node");
    await clock.advance(499);
    assert.equal(runs.length, 1);
    await clock.advance(1);
    assert.deepEqual(runs.at(-1), ["deployment", 6000]);
    await clock.advance(29_999);
    assert.equal(runs.length, 2);
    await clock.advance(1);
    assert.deepEqual(runs.at(-1), ["interval", 36_000]);
    ctrl.abort();
    await loop.done;
  });
  await t.step(
    "inactive (not the leader): no cycle; a failing cycle does not stop the loop",
    async () => {
      const clock = new ManualClock(0);
      const ctrl = new AbortController();
      let active = false;
      let calls = 0;
      const loop = startLoop({
        intervalMs: 1000,
        clock,
        signal: ctrl.signal,
        active: () => active,
        runCycle: () => {
          calls++;
          return Promise.reject(new Error("boom"));
        },
      });
      await settle();
      await clock.advance(3000);
      assert.equal(calls, 0);
      active = true;
      loop.trigger("leader");
      await clock.advance(1000);
      await clock.advance(1000);
      assert.equal(calls, 2);
      ctrl.abort();
      await loop.done;
    },
  );
});
