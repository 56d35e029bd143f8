/**
 * Cross-module golden tests: the model's numbers against tests/golden/model_goldens.json
 * (model.md §12–13). Printed values must match Go's float32 %v exactly; approximate ones within
 * the tolerance stated per case.
 */
import assert from "node:assert/strict";
import { formatFloat32 } from "../../src/core/model/float32.ts";
import { type Gen1Input, sizeGen1 } from "../../src/core/model/gen1.ts";
import { type Gen2Input, sizeGen2 } from "../../src/core/model/gen2.ts";

interface Goldens {
  gen1: { name: string; input: Gen1Input; printed: Record<string, string> }[];
  gen2: { name: string; input: Gen2Input; tolerance: number; approx: Record<string, number> }[];
  gen2Infeasible: { name: string; input: Gen2Input }[];
}

const goldens = JSON.parse(
  await Deno.readTextFile(new URL("./model_goldens.json", import.meta.url)),
) as Goldens;

Deno.test("sizeGen1() prints the seed logs' numbers to every digit", async (t) => {
  for (const c of goldens.gen1) {
    await t.step(c.name, () => {
      const s = sizeGen1(c.input);
      assert.ok(s.feasible);
      for (const [k, want] of Object.entries(c.printed)) {
        assert.equal(formatFloat32((s as unknown as Record<string, number>)[k]!), want, k);
      }
    });
  }
});

Deno.test("sizeGen2() matches the Gen2 reference values within the stated tolerance", async (t) => {
  for (const c of goldens.gen2) {
    await t.step(`${c.name} (rel. tol. ${c.tolerance})`, () => {
      const s = sizeGen2(c.input);
      assert.ok(s.feasible);
      for (const [k, want] of Object.entries(c.approx)) {
        const got = (s as unknown as Record<string, number>)[k]!;
        const err = want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
        assert.ok(err <= c.tolerance, `${k}: got ${got}, want ${want}`);
      }
    });
  }
});

Deno.test("sizeGen2() reports infeasible targets", async (t) => {
  for (const c of goldens.gen2Infeasible) {
    await t.step(c.name, () => assert.equal(sizeGen2(c.input).feasible, false));
  }
});
