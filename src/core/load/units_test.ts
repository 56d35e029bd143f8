import assert from "node:assert/strict";
import { parseDurationMs, parseRatePerSec, PlanInputError } from "./units.ts";

Deno.test("parseDurationMs() reads every unit and rejects missing or unknown ones", async (t) => {
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
    await t.step(text, () => assert.equal(parseDurationMs(text, "--duration"), want));
  }
  const bad: Array<[string, RegExp]> = [
    ["60", /needs a unit/],
    ["60x", /unknown duration unit "x"/],
    ["-5s", /cannot read|≥ 0/],
    ["abc", /cannot read duration/],
  ];
  for (const [text, re] of bad) {
    await t.step(`rejects ${text}`, () => {
      assert.throws(() => parseDurationMs(text, "--duration"), (e: unknown) => {
        assert.ok(e instanceof PlanInputError);
        assert.match(e.message, re);
        assert.match(e.message, /^--duration/);
        return true;
      });
    });
  }
});

Deno.test("parseRatePerSec() converts rpm to per-second and honours a default unit", () => {
  assert.equal(parseRatePerSec("2rps", "r"), 2);
  assert.equal(parseRatePerSec("120rpm", "r"), 2);
  assert.equal(parseRatePerSec("3req/s", "r"), 3);
  assert.equal(parseRatePerSec("60", "r", { defaultUnit: "rpm" }), 1);
  assert.throws(() => parseRatePerSec("60", "r"), /needs a unit/);
  assert.throws(() => parseRatePerSec("5rph", "r"), /unknown rate unit "rph"/);
});
