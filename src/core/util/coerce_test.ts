import assert from "node:assert/strict";
import { z } from "zod";
import {
  booleanSchema,
  durationMsSchema,
  type DurationSyntax,
  GO_DURATION,
  type NumberRule,
  numberSchema,
  parseDurationMs,
  parseNumber,
  readBoolean,
  readDuration,
  readNumber,
  UNIT_DURATION,
} from "./coerce.ts";
import { InputError } from "./validate.ts";

function msOf(r: ReturnType<typeof readDuration>): number | undefined {
  return r.ok ? r.ms : undefined;
}

Deno.test("parseDurationMs() reads schedule text in every unit and rejects missing or unknown ones", async (t) => {
  const good: Array<[string, number]> = [
    ["500ms", 500],
    ["60s", 60_000],
    ["1.5m", 90_000],
    [
      "2min",
      120_000,
    ],
    ["1h", 3_600_000],
    [" 3s ", 3000],
  ];
  for (const [text, want] of good) {
    await t.step(
      text,
      () => assert.equal(parseDurationMs(text, UNIT_DURATION, "--duration"), want),
    );
  }
  const bad: Array<[string, RegExp]> = [
    ["60", /needs a unit/],
    ["60x", /unknown duration unit "x"/],
    ["-5s", /cannot read|≥ 0/],
    ["abc", /cannot read duration/],
    ["5d", /unknown duration unit "d" in "5d" \(use ms, s, m or h\)/],
  ];
  for (const [text, re] of bad) {
    await t.step(`rejects ${text}`, () => {
      assert.throws(() => parseDurationMs(text, UNIT_DURATION, "--duration"), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, re);
        assert.match(e.message, /^--duration/);
        return true;
      });
    });
  }
});

Deno.test("readDuration() reads Go-style durations", async (t) => {
  const cases: [string, number | undefined][] = [
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["1m5ms", 60_005],
    ["0s", 0],
    ["10", undefined],
    ["", undefined],
    ["5 m", undefined],
    [" 5m", undefined],
    ["1d", undefined],
    ["1H", undefined],
    ["1h30", undefined],
  ];
  for (const [text, want] of cases) {
    await t.step(
      JSON.stringify(text),
      () => assert.equal(msOf(readDuration(text, GO_DURATION)), want),
    );
  }
});

Deno.test("readDuration() reads one term with a bare-number unit", async (t) => {
  const syntax: DurationSyntax = { units: ["ms", "s", "m"], bareUnit: "ms" };
  const cases: [string, number | undefined][] = [
    ["500", 500],
    [" 2 s ", 2000],
    ["1.5m", 90_000],
    ["1h", undefined],
    ["2S", undefined],
    ["1m30s", undefined],
    ["-5", undefined],
    [".5s", undefined],
    ["1e3", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) {
    await t.step(JSON.stringify(text), () => assert.equal(msOf(readDuration(text, syntax)), want));
  }
});

Deno.test("readDuration() under UNIT_DURATION says why text is not a duration", async (t) => {
  const cases: [string, ReturnType<typeof readDuration>][] = [
    ["2MIN", { ok: true, ms: 120_000 }],
    [" .5s ", { ok: true, ms: 500 }],
    ["1e3ms", { ok: true, ms: 1000 }],
    ["60", { ok: false, problem: "no-unit" }],
    ["60X", { ok: false, problem: "unknown-unit", unit: "x" }],
    ["5constructor", { ok: false, problem: "unknown-unit", unit: "constructor" }],
    ["-5s", { ok: false, problem: "negative" }],
    ["1e999s", { ok: false, problem: "negative" }],
    ["abc", { ok: false, problem: "syntax" }],
    ["1h30m", { ok: false, problem: "syntax" }],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => assert.deepEqual(readDuration(text, UNIT_DURATION), want));
  }
});

Deno.test("durationMsSchema() takes ms or text and names the examples on a bad value", () => {
  const schema = durationMsSchema({
    syntax: { units: ["ms", "s"], bareUnit: "ms" },
    examples: "500ms or 2s",
    min: 100,
  });
  assert.equal(schema.parse("2s"), 2000);
  assert.equal(schema.parse(250), 250);
  assert.equal(schema.parse("250"), 250);
  assert.equal(
    schema.safeParse("soon").error?.issues[0]?.message,
    "expected a duration such as 500ms or 2s",
  );
  assert.equal(schema.safeParse("50ms").error?.issues[0]?.code, "too_small");
});

Deno.test("readBoolean() reads exact words, or env-style words when loose", async (t) => {
  const cases: [string, boolean | undefined, boolean | undefined][] = [
    // text, exact, loose
    ["true", true, true],
    ["1", true, true],
    ["false", false, false],
    ["0", false, false],
    [" TRUE ", undefined, true],
    ["yes", undefined, true],
    ["No", undefined, false],
    ["", undefined, false],
    ["maybe", undefined, undefined],
  ];
  for (const [text, exact, loose] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.equal(readBoolean(text), exact);
      assert.equal(readBoolean(text, { loose: true }), loose);
    });
  }
  assert.equal(booleanSchema().safeParse("yes").success, false);
  assert.equal(booleanSchema({ loose: true }).parse("yes"), true);
  assert.equal(booleanSchema().parse(false), false);
});

Deno.test("numberSchema() reads numeric text and leaves the rest to the schema", () => {
  const schema = numberSchema(z.number().int());
  assert.equal(schema.parse(" 42 "), 42);
  assert.equal(schema.parse(7), 7);
  assert.equal(schema.safeParse("").success, false);
  assert.equal(schema.safeParse("4x").success, false);
  assert.equal(schema.safeParse("1.5").success, false);
});

Deno.test("readNumber() reads finite numeric text; blank and non-finite text is no number", async (t) => {
  const cases: [string, number | undefined][] = [
    [" 42 ", 42],
    ["-1.5", -1.5],
    ["1e3", 1000],
    ["", undefined],
    ["  ", undefined],
    ["Infinity", undefined],
    ["NaN", undefined],
    ["4x", undefined],
  ];
  for (const [text, want] of cases) {
    await t.step(JSON.stringify(text), () => assert.equal(readNumber(text), want));
  }
});

Deno.test("parseNumber() checks a rule and names the flag and the text", async (t) => {
  const cases: Array<[string, NumberRule, number | RegExp]> = [
    ["2.5", "number", 2.5],
    ["-3", "integer", -3],
    ["1.5", "integer", /^--n: expected an integer, got "1\.5"$/],
    ["4", "count", 4],
    ["0", "count", /expected a whole number ≥ 1, got "0"/],
    ["0.1", "positive", 0.1],
    ["0", "positive", /^--n: expected a number > 0, got "0"$/],
    ["", "number", /expected a number, got ""/],
  ];
  for (const [text, rule, want] of cases) {
    await t.step(`${rule} ${JSON.stringify(text)}`, () => {
      if (typeof want === "number") return assert.equal(parseNumber(text, rule, "--n"), want);
      assert.throws(
        () => parseNumber(text, rule, "--n"),
        (e: unknown) => e instanceof InputError && want.test(e.message),
      );
    });
  }
});
