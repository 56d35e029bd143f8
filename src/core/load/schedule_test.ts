import assert from "node:assert/strict";
import {
  expectedCountUntil,
  parseRpmList,
  parseStagesSpec,
  scheduleDurationMs,
  stageIndexAt,
  stagesFromDocument,
  targetRateAt,
} from "./schedule.ts";
import { InputError } from "../util/validate.ts";

Deno.test("parseRpmList() reads the seeds' [[seconds, rpm], ...] form as requests per minute", () => {
  const stages = parseRpmList("[[120, 60], [120, 80]]");
  assert.deepEqual(stages, [
    { durationMs: 120_000, fromRatePerSec: 1, toRatePerSec: 1 },
    { durationMs: 120_000, fromRatePerSec: 80 / 60, toRatePerSec: 80 / 60 },
  ]);
  assert.equal(scheduleDurationMs(stages), 240_000);
});

Deno.test("parseStagesSpec() reads constant stages, ramps and rpm", async (t) => {
  const cases: Array<[string, Array<[number, number, number]>]> = [
    ["60s@2rps,120s@10rps", [[60_000, 2, 2], [120_000, 10, 10]]],
    ["1m@2..10rps", [[60_000, 2, 10]]],
    ["30s@120rpm..60rpm", [[30_000, 2, 1]]],
    ["500ms@0..4rps, 2s@4rps", [[500, 0, 4], [2000, 4, 4]]],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => {
      const got = parseStagesSpec(text).map((
        s,
      ) => [s.durationMs, s.fromRatePerSec, s.toRatePerSec]);
      assert.deepEqual(got, want);
    });
  }
});

Deno.test("schedule parsers reject bad input with one line naming the problem", async (t) => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => parseStagesSpec("60s@2rps,120x@10rps"), /unknown duration unit "x"/],
    [() => parseStagesSpec("60s@2qps"), /unknown rate unit "qps"/],
    [() => parseStagesSpec("60s"), /must look like 60s@2rps/],
    [() => parseStagesSpec(""), /no stages/],
    [() => parseStagesSpec("10s@0rps"), /nothing would be sent/],
    [() => parseRpmList("[[120, 60], [120]]"), /\[seconds, requests-per-minute\] pairs/],
    [() => parseRpmList("[[0, 60]]"), /seconds > 0/],
    [() => parseRpmList("nope"), /not a JSON list/],
    [() => stagesFromDocument({ stages: [{ duration: "5s" }] }, "f.yaml"), /either "rate"/],
    [() => stagesFromDocument({ stages: [{ duration: 5, rate: "1rps" }] }, "f.yaml"), /unit/],
    [() => stagesFromDocument({ other: 1 }, "f.yaml"), /"stages:" list/],
  ];
  for (const [fn, re] of cases) {
    await t.step(String(re), () => {
      assert.throws(fn, (e: unknown) => e instanceof InputError && re.test(e.message));
    });
  }
});

Deno.test("stagesFromDocument() accepts strings and {duration, rate|from,to} objects", () => {
  const stages = stagesFromDocument(
    {
      stages: ["10s@1rps", { duration: "20s", rate: "120rpm" }, {
        duration: "1m",
        from: "2rps",
        to: "4rps",
      }],
    },
    "plan.yaml",
  );
  assert.deepEqual(stages.map((s) => [s.durationMs, s.fromRatePerSec, s.toRatePerSec]), [
    [10_000, 1, 1],
    [20_000, 2, 2],
    [60_000, 2, 4],
  ]);
});

Deno.test("targetRateAt(), stageIndexAt() and expectedCountUntil() follow ramps", () => {
  const stages = parseStagesSpec("10s@0..10rps,10s@5rps");
  assert.equal(targetRateAt(stages, 5000), 5);
  assert.equal(targetRateAt(stages, 15_000), 5);
  assert.equal(targetRateAt(stages, 25_000), 0);
  assert.equal(stageIndexAt(stages, 9999), 0);
  assert.equal(stageIndexAt(stages, 10_000), 1);
  assert.equal(expectedCountUntil(stages, 10_000), 50);
  assert.equal(expectedCountUntil(stages, 5000), 12.5);
  assert.equal(expectedCountUntil(stages, 20_000), 100);
  assert.equal(expectedCountUntil(stages, 99_000), 100);
});
