import assert from "node:assert/strict";
import type { RequestRecord } from "./record.ts";
import { okRecord } from "./record_fixture.ts";
import { formatSlo, isGood, parseSlo } from "./slo.ts";
import { InputError } from "../util/validate.ts";

Deno.test("parseSlo() reads keys with units and bare ms", () => {
  assert.deepEqual(parseSlo("ttft=500ms,itl=50ms"), { ttftMs: 500, itlMs: 50 });
  assert.deepEqual(parseSlo("ttft=0.5s, tpot=40, e2e=2s, maxitl=100ms"), {
    ttftMs: 500,
    tpotMs: 40,
    e2eMs: 2000,
    maxItlMs: 100,
  });
  assert.equal(formatSlo(parseSlo("itl=50,ttft=500ms")), "ttft=500ms,itl=50ms");
  assert.throws(() => parseSlo("latency=5ms"), InputError);
  assert.throws(() => parseSlo("ttft=5parsecs"), /unknown duration unit/);
});

Deno.test("isGood() checks every bound that is set", async (t) => {
  const cases: Array<[string, RequestRecord, boolean]> = [
    ["meets all", okRecord(), true],
    ["ttft over", okRecord({ ttftMs: 60 }), false],
    ["mean itl over", okRecord({ itlMs: [20, 60] }), true],
    ["failed", okRecord({ ok: false, errorClass: "server_error" }), false],
    ["no first token", okRecord({ ttftMs: null }), false],
    ["single token has no gaps", okRecord({ itlMs: [], tpotMs: null }), true],
  ];
  for (const [name, rec, want] of cases) {
    await t.step(name, () => assert.equal(isGood(rec, { ttftMs: 50, itlMs: 45 }), want));
  }
  await t.step("maxitl is strict per gap", () => {
    assert.equal(isGood(okRecord({ itlMs: [20, 60] }), { maxItlMs: 50 }), false);
  });
  await t.step("tpot and e2e", () => {
    assert.equal(isGood(okRecord(), { tpotMs: 29 }), false);
    assert.equal(isGood(okRecord(), { e2eMs: 100 }), true);
  });
});
