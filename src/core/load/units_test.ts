import assert from "node:assert/strict";
import { InputError } from "../util/validate.ts";
import { parseRatePerSec } from "./units.ts";

Deno.test("parseRatePerSec() converts rpm to per-second and honours a default unit", () => {
  assert.equal(parseRatePerSec("2rps", "r"), 2);
  assert.equal(parseRatePerSec("120rpm", "r"), 2);
  assert.equal(parseRatePerSec("3req/s", "r"), 3);
  assert.equal(parseRatePerSec("60", "r", { defaultUnit: "rpm" }), 1);
  assert.throws(() => parseRatePerSec("60", "r"), /needs a unit/);
  assert.throws(() => parseRatePerSec("5rph", "r"), /unknown rate unit "rph"/);
  assert.throws(() => parseRatePerSec("-1rps", "--rate"), InputError);
});
