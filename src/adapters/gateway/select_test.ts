import assert from "node:assert/strict";
import { pickLeastOutstanding } from "./select.ts";

Deno.test("pickLeastOutstanding() picks the least busy replica", async (t) => {
  const cases: ReadonlyArray<[string, [string, number][], number, string | undefined]> = [
    ["none", [], 0, undefined],
    ["one", [["a", 9]], 0, "a"],
    ["least wins", [["a", 3], ["b", 1], ["c", 2]], 0, "b"],
    ["least wins whatever the cursor", [["a", 3], ["b", 1], ["c", 2]], 7, "b"],
    ["ties: cursor 0 takes the first id", [["b", 0], ["a", 0], ["c", 5]], 0, "a"],
    ["ties: cursor 1 takes the second id", [["b", 0], ["a", 0], ["c", 5]], 1, "b"],
    ["ties: cursor wraps", [["b", 0], ["a", 0], ["c", 5]], 2, "a"],
    ["negative cursor still valid", [["a", 0], ["b", 0]], -1, "b"],
  ];
  for (const [name, list, cursor, want] of cases) {
    await t.step(name, () => {
      const got = pickLeastOutstanding(list.map(([id, n]) => ({ id, outstanding: n })), cursor);
      assert.equal(got, want);
    });
  }
});

Deno.test("pickLeastOutstanding() spreads an idle pool evenly with a moving cursor", () => {
  const counts = new Map<string, number>();
  const list = ["r0", "r1", "r2"].map((id) => ({ id, outstanding: 0 }));
  for (let i = 0; i < 300; i++) {
    const id = pickLeastOutstanding(list, i)!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()], [100, 100, 100]);
});
