import { strict as assert } from "node:assert";
import { createRng } from "../../src/core/util/rng.ts";
import { decideFailure } from "./failure.ts";
import { HttpProblem } from "./errors.ts";

const OFF = { rate01: 0, types: ["rate_limit", "stall"] } as const;

Deno.test("decideFailure() honours the header before the rate", () => {
  const rng = createRng(1);
  assert.equal(decideFailure(OFF, "stall", rng), "stall");
  assert.equal(decideFailure(OFF, " Server_Error ", rng), "server_error");
  assert.equal(decideFailure({ ...OFF, rate01: 1 }, "none", rng), null);
  assert.throws(() => decideFailure(OFF, "meteor", rng), HttpProblem);
});

Deno.test("decideFailure() fails the configured share with the allowed types", () => {
  const rng = createRng(2);
  const picks = Array.from(
    { length: 4000 },
    () => decideFailure({ ...OFF, rate01: 0.25 }, null, rng),
  );
  const failed = picks.filter((p) => p !== null);
  assert.ok(Math.abs(failed.length / picks.length - 0.25) < 0.03, `share ${failed.length / 4000}`);
  assert.deepEqual(new Set(failed), new Set(["rate_limit", "stall"]));
  assert.equal(decideFailure(OFF, null, rng), null);
});
