import assert from "node:assert/strict";
import { coalesce } from "./coalesce.ts";

Deno.test("coalesce() never runs twice at once and never loses a request", async (t) => {
  await t.step(
    "kicks during a run give exactly one more run, which sees the latest state",
    async () => {
      let state = 0;
      const seen: number[] = [];
      let active = 0;
      let release!: () => void;
      const job = coalesce(async () => {
        active++;
        assert.equal(active, 1);
        seen.push(state);
        if (seen.length === 1) await new Promise<void>((r) => (release = r));
        active--;
      });
      job.kick();
      state = 1;
      job.kick();
      state = 2;
      job.kick();
      release();
      await job.idle();
      assert.deepEqual(seen, [0, 2]);
    },
  );
  await t.step("a run that finishes without awaiting still allows the next kick", async () => {
    let runs = 0;
    const job = coalesce(() => {
      runs++;
      return Promise.resolve();
    });
    job.kick();
    await job.idle();
    job.kick();
    await job.idle();
    assert.equal(runs, 2);
  });
  await t.step("a kick right after the loop ended but before it settled is not lost", async () => {
    let runs = 0;
    const job = coalesce(async () => {
      runs++;
      await Promise.resolve();
    });
    job.kick();
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    job.kick();
    await job.idle();
    assert.equal(runs, 2);
  });
});
