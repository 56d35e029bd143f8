import assert from "node:assert/strict";
import { phaseMismatches, runLengths, sideBySide } from "./hpa_replay.ts";

Deno.test("phaseMismatches() allows a phase difference of up to maxShift syncs", async (t) => {
  const model = [1, 1, 3, 5, 5, 2];
  const cases = [
    { name: "identical", real: [1, 1, 3, 5, 5, 2], shift: 0, bad: [] },
    { name: "one sync late, shift 1", real: [1, 1, 1, 3, 5, 5], shift: 1, bad: [] },
    { name: "one sync late, shift 0", real: [1, 1, 1, 3, 5, 5], shift: 0, bad: [2, 3, 5] },
    { name: "two syncs late, shift 1", real: [1, 1, 1, 1, 3, 5], shift: 1, bad: [3, 4] },
    { name: "a count the model never had", real: [1, 1, 4, 5, 5, 2], shift: 1, bad: [2] },
    { name: "no sample is skipped", real: [1, undefined, 3, 5, 5, 2], shift: 0, bad: [] },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(phaseMismatches(c.real, model, c.shift).map((m) => m.index), c.bad);
    });
  }
});

Deno.test("runLengths() and sideBySide() print series compactly", () => {
  assert.equal(runLengths([1, 1, 3, undefined, 3]), "1×2 3×1 ?×1 3×1");
  assert.equal(
    sideBySide({ real: [1, 10], model: [1, undefined] }),
    ["sync   0  1", "real   1 10", "model  1  ?"].join("\n"),
  );
});
