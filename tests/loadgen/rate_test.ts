/**
 * Achieved rate against the schedule, with the real emulator: a 10 s stage at 20 req/s, sent
 * with poisson and constant arrivals at the same time (to keep the test at 10 s).
 */
import assert from "node:assert/strict";
import { planArrivals } from "../../src/core/load/arrivals.ts";
import { parseStagesSpec } from "../../src/core/load/schedule.ts";
import { createRng } from "../../src/core/util/rng.ts";
import { runLoad, withEmulator } from "./helpers.ts";

const STAGES = parseStagesSpec("10s@20rps");

Deno.test("loadgen holds 20 req/s for 10 s: constant sends exactly 200, poisson within 5 %", async () => {
  await withEmulator({}, async (emu) => {
    const common = {
      stages: STAGES,
      promptTokens: { kind: "fixed", tokens: 16 },
      outputTokens: { kind: "fixed", tokens: 4 },
      seed: 0,
    } as const;
    const [constant, poisson] = await Promise.all([
      runLoad(emu.url, { ...common, arrival: "constant" }),
      runLoad(emu.url, { ...common, arrival: "poisson" }),
    ]);
    // constant: exactly rate × duration, all of them answered
    assert.equal(constant.summary.sent, 200);
    assert.equal(constant.summary.succeeded, 200);
    assert.equal(constant.summary.achievedRatePerSec, 20);
    // poisson: every planned request was sent, and the achieved rate is within 5 % of 20/s
    const planned = planArrivals(STAGES, { process: "poisson", rng: createRng(0).fork() }).length;
    assert.equal(poisson.summary.sent, planned);
    assert.equal(poisson.summary.failed, 0);
    const err = Math.abs(poisson.summary.achievedRatePerSec - 20) / 20;
    assert.ok(err < 0.05, `poisson achieved ${poisson.summary.achievedRatePerSec}/s`);
    for (const run of [constant, poisson]) {
      assert.ok(run.summary.scheduleLagMs.p99 < 100, `lag p99 ${run.summary.scheduleLagMs.p99}`);
      assert.ok(run.elapsedMs < 12_000, `took ${run.elapsedMs} ms`);
      // sends spread across the whole stage, not bunched at the start
      const lastSend = Math.max(...run.records.map((r) => r.sentAtMs ?? 0));
      assert.ok(lastSend > 9000, `last send at ${lastSend} ms`);
    }
  });
});
