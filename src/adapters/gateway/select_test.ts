import assert from "node:assert/strict";
import { pickEndpoint, pickLeastOutstanding, planDispatch, poolSaturation } from "./select.ts";

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

Deno.test("pickEndpoint() skips full and excluded endpoints", async (t) => {
  const all = [{ id: "a", outstanding: 2 }, { id: "b", outstanding: 1 }, {
    id: "c",
    outstanding: 0,
  }];
  const cases: ReadonlyArray<[string, number, string[], string | undefined]> = [
    ["no limit: least busy", Infinity, [], "c"],
    ["no limit, least excluded", Infinity, ["c"], "b"],
    ["limit 1: only c has room", 1, [], "c"],
    ["limit 1, c excluded: none", 1, ["c"], undefined],
    ["limit 0: none", 0, [], undefined],
  ];
  for (const [name, limit, exclude, want] of cases) {
    await t.step(name, () => assert.equal(pickEndpoint(all, limit, 0, new Set(exclude)), want));
  }
});

Deno.test("planDispatch() serves the queue in order while endpoints have room", async (t) => {
  const q = (...excluded: string[][]) => excluded.map((e) => ({ exclude: new Set(e) }));
  const cands = (...n: [string, number][]) => n.map(([id, outstanding]) => ({ id, outstanding }));
  const cases: ReadonlyArray<
    [string, ReturnType<typeof q>, ReturnType<typeof cands>, number, [number, string][]]
  > = [
    ["nothing queued", q(), cands(["a", 0]), 1, []],
    ["no endpoint", q([]), cands(), 1, []],
    ["one slot: the head goes", q([], []), cands(["a", 0]), 1, [[0, "a"]]],
    ["full endpoint: nobody goes", q([]), cands(["a", 1]), 1, []],
    ["no limit: all go, spread", q([], [], []), cands(["a", 0], ["b", 0]), Infinity, [
      [0, "a"],
      [1, "b"],
      [2, "a"],
    ]],
    ["least busy first", q([], []), cands(["a", 3], ["b", 1]), 4, [[0, "b"], [1, "b"]]],
    ["an excluded head does not block the rest", q(["a"], []), cands(["a", 0]), 1, [[1, "a"]]],
    ["the head's exclusion leaves it another", q(["a"]), cands(["a", 0], ["b", 0]), 1, [
      [0, "b"],
    ]],
  ];
  for (const [name, queued, candidates, limit, want] of cases) {
    await t.step(name, () => {
      const plan = planDispatch(queued, candidates, limit, 0);
      assert.deepEqual(plan.map((a) => [a.index, a.id]), want);
    });
  }
});

Deno.test("poolSaturation() is running over capacity, 1 for an empty pool", async (t) => {
  const cases: ReadonlyArray<[string, number, number, number, number]> = [
    ["empty pool", 0, 0, 4, 1],
    ["empty pool with requests left", 3, 0, Infinity, 1],
    ["no limit", 7, 2, Infinity, 0],
    ["half", 4, 2, 4, 0.5],
    ["full", 8, 2, 4, 1],
    ["oversubscribed after a replica left", 8, 1, 4, 2],
  ];
  for (const [name, running, ready, limit, want] of cases) {
    await t.step(name, () => assert.equal(poolSaturation(running, ready, limit), want));
  }
});
