import assert from "node:assert/strict";
import { createRng } from "../util/rng.ts";
import { mean } from "../util/stats.ts";
import { type ArrivalProcess, planArrivals } from "./arrivals.ts";
import { parseRpmList, parseStagesSpec } from "./schedule.ts";

function gapsSec(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => (t - times[i]!) / 1000);
}

function cv(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2))) / m;
}

Deno.test("planArrivals() constant gives exactly rate × duration evenly spaced sends", () => {
  const plan = planArrivals(parseStagesSpec("10s@20rps"), {
    process: "constant",
    rng: createRng(1),
  });
  assert.equal(plan.length, 200);
  assert.equal(plan[0]!.atMs, 0);
  assert.ok(plan.every((a, i) => Math.abs(a.atMs - i * 50) < 1e-6));
});

Deno.test("planArrivals() constant honours the seeds' rpm schedule stage by stage", () => {
  const plan = planArrivals(parseRpmList("[[120, 60], [120, 80]]"), {
    process: "constant",
    rng: createRng(1),
  });
  assert.equal(plan.filter((a) => a.stage === 0).length, 120);
  assert.equal(plan.filter((a) => a.stage === 1).length, 160);
  assert.ok(plan.filter((a) => a.stage === 1).every((a) => a.atMs >= 120_000));
});

Deno.test("planArrivals() is seeded, ordered, and matches each process's rate and burstiness", async (t) => {
  const stages = parseStagesSpec("1000s@10rps");
  const cases: Array<[ArrivalProcess, number, number]> = [
    ["constant", 1, 0],
    ["poisson", 1, 1],
    ["gamma", 2, 2],
    ["gamma", 0.5, 0.5],
  ];
  for (const [process, wantCv, gotCvTarget] of cases) {
    await t.step(`${process} cv ${wantCv}`, () => {
      const a = planArrivals(stages, { process, cv: wantCv, rng: createRng(7) });
      const b = planArrivals(stages, { process, cv: wantCv, rng: createRng(7) });
      assert.deepEqual(a, b);
      assert.ok(a.every((x, i) => i === 0 || x.atMs >= a[i - 1]!.atMs));
      assert.ok(Math.abs(a.length - 10_000) / 10_000 < 0.05, `count ${a.length}`);
      const g = gapsSec(a.map((x) => x.atMs));
      assert.ok(Math.abs(cv(g) - gotCvTarget) < 0.1, `cv ${cv(g)}`);
    });
  }
});

Deno.test("planArrivals() follows a linear ramp (poisson count per half matches the integral)", () => {
  const plan = planArrivals(parseStagesSpec("200s@0..20rps"), {
    process: "poisson",
    rng: createRng(3),
  });
  const firstHalf = plan.filter((a) => a.atMs < 100_000).length;
  const secondHalf = plan.length - firstHalf;
  // Expected 500 and 1500; Poisson sd ≈ 22 and 39.
  assert.ok(Math.abs(firstHalf - 500) < 100, `first ${firstHalf}`);
  assert.ok(Math.abs(secondHalf - 1500) < 160, `second ${secondHalf}`);
});

Deno.test("planArrivals() skips zero-rate stages and stops at the schedule end", () => {
  const plan = planArrivals(parseStagesSpec("2s@1rps,5s@0rps,2s@1rps"), {
    process: "constant",
    rng: createRng(1),
  });
  assert.deepEqual(plan.map((a) => [a.atMs, a.stage]), [[0, 0], [1000, 0], [7000, 2], [8000, 2]]);
});
