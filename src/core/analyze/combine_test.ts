import assert from "node:assert/strict";
import {
  type AnalyzerBallot,
  ballotOf,
  bindingAnalyzer,
  combineForVariant,
  combineVotes,
  isLive,
} from "./combine.ts";

function sat(
  rc: number,
  sc: number,
  prc = 10_000,
  more: Partial<AnalyzerBallot> = {},
): AnalyzerBallot {
  return {
    name: "saturation",
    unit: "tokens",
    voting: true,
    live: true,
    informative: true,
    requiredCapacity: rc,
    spareCapacity: sc,
    perReplicaCapacity: { a100: prc },
    ...more,
  };
}

function thr(
  rc: number,
  sc: number,
  prc = 1000,
  more: Partial<AnalyzerBallot> = {},
): AnalyzerBallot {
  return { ...sat(rc, sc, prc), name: "throughput", unit: "tokens/s", ...more };
}

Deno.test("combineForVariant(): up on any, down on all, dead analyzers neither ask nor block", async (t) => {
  const cases: {
    name: string;
    ballots: AnalyzerBallot[];
    want: { direction: string; replicas: number; binder?: string; rule: string };
  }[] = [
    {
      name: "one analyzer (WVA golden A1): RC 15000 / PRC 10000 → +2",
      ballots: [sat(15_000, 0)],
      want: { direction: "scale-up", replicas: 2, binder: "saturation", rule: "combine.scale-up" },
    },
    {
      name: "up on any: only throughput asks (1500 / 1000) → +2",
      ballots: [sat(0, 25_000), thr(1500, 0)],
      want: { direction: "scale-up", replicas: 2, binder: "throughput", rule: "combine.scale-up" },
    },
    {
      name: "both ask: the bottleneck is the larger replica count (1.5 vs 3) → +3",
      ballots: [sat(15_000, 0), thr(3000, 0)],
      want: { direction: "scale-up", replicas: 3, binder: "throughput", rule: "combine.scale-up" },
    },
    {
      name: "down on all: safe removal is the smaller (2.5 vs 1.5) → −1",
      ballots: [sat(0, 25_000), thr(0, 1500)],
      want: {
        direction: "scale-down",
        replicas: 1,
        binder: "throughput",
        rule: "combine.scale-down",
      },
    },
    {
      name: "one live analyzer without spare blocks the scale-down",
      ballots: [sat(0, 25_000), thr(0, 0)],
      want: { direction: "hold", replicas: 0, rule: "combine.hold" },
    },
    {
      name: "a dead analyzer does not block scale-down",
      ballots: [sat(0, 25_000), thr(0, 0, 1000, { live: false })],
      want: {
        direction: "scale-down",
        replicas: 2,
        binder: "saturation",
        rule: "combine.scale-down",
      },
    },
    {
      name: "a dead analyzer does not ask for replicas",
      ballots: [sat(0, 0), thr(5000, 0, 1000, { live: false })],
      want: { direction: "hold", replicas: 0, rule: "combine.hold" },
    },
    {
      name: "a disabled analyzer is not a voter",
      ballots: [sat(0, 25_000), thr(5000, 0, 1000, { voting: false })],
      want: {
        direction: "scale-down",
        replicas: 2,
        binder: "saturation",
        rule: "combine.scale-down",
      },
    },
    {
      name: "throughput alone (saturation only carries identity)",
      ballots: [sat(50_000, 0, 10_000, { voting: false }), thr(0, 2500)],
      want: {
        direction: "scale-down",
        replicas: 2,
        binder: "throughput",
        rule: "combine.scale-down",
      },
    },
    {
      name: "no live voter → hold",
      ballots: [sat(15_000, 0, 10_000, { live: false })],
      want: { direction: "hold", replicas: 0, rule: "combine.hold" },
    },
    {
      name: "asked, but no voter sizes the variant → hold",
      ballots: [sat(15_000, 0, 0), thr(0, 0, 0)],
      want: { direction: "hold", replicas: 0, rule: "combine.hold" },
    },
    {
      name: "spare below one replica → hold",
      ballots: [sat(0, 5000)],
      want: { direction: "hold", replicas: 0, binder: "saturation", rule: "combine.scale-down" },
    },
    {
      name: "scores pull toward the trusted vote: down 2.5 (score 3) vs 1.5 (score 1) → 2",
      ballots: [sat(0, 25_000, 10_000, { score: 3 }), thr(0, 1500)],
      want: {
        direction: "scale-down",
        replicas: 2,
        binder: "throughput",
        rule: "combine.scale-down",
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = combineForVariant(c.ballots, "a100");
      assert.equal(r.direction, c.want.direction);
      assert.equal(r.replicas, c.want.replicas);
      assert.equal(r.binder, c.want.binder);
      assert.equal(r.steps.length, 1);
      assert.equal(r.steps[0]!.rule, c.want.rule);
    });
  }
  await t.step("the step names every analyzer and its numbers", () => {
    const s = combineForVariant([sat(0, 25_000), thr(1500, 0, 1000, { live: true })], "a100")
      .steps[0]!;
    assert.match(
      s.message,
      /^throughput ask\(s\) for capacity: bottleneck 1\.5 replicas of a100 from throughput → \+2/,
    );
    assert.match(
      s.message,
      /saturation \(votes\): RC 0, SC 25000, PRC 10000 tokens; throughput \(votes\): RC 1500, SC 0, PRC 1000 tokens\/s/,
    );
    assert.equal(s.values.voters, "saturation, throughput");
    assert.equal(s.values["throughput.rc"], 1500);
  });
});

Deno.test("combineVotes(): extremum with equal scores, pulled within [min, max] otherwise", async (t) => {
  const v = (name: string, value: number, score = 1) => ({ name, value, score });
  const cases: [string, ReturnType<typeof v>[], boolean, number, string][] = [
    ["max", [v("a", 1), v("b", 3), v("c", 2)], true, 3, "b"],
    ["min", [v("a", 1), v("b", 3)], false, 1, "a"],
    ["tie keeps the first", [v("a", 2), v("b", 2)], true, 2, "a"],
    ["a trusted lower vote pulls the max down", [v("a", 1, 3), v("b", 3, 1)], true, 2, "b"],
    ["a less trusted vote does not pull", [v("a", 1, 1), v("b", 3, 3)], true, 3, "b"],
  ];
  for (const [name, votes, up, value, binder] of cases) {
    await t.step(name, () => assert.deepEqual(combineVotes(votes, up), { value, binder }));
  }
  await t.step("no votes", () => assert.equal(combineVotes([], true), undefined));
});

Deno.test("isLive(): informative within 3 cycle intervals", async (t) => {
  const cases: [number | undefined, boolean][] = [[undefined, false], [100_000, true], [
    90_000,
    true,
  ], [
    89_999,
    false,
  ]];
  for (const [last, want] of cases) {
    await t.step(`last ${last}`, () => assert.equal(isLive(last, 120_000, 10_000), want));
  }
});

Deno.test("bindingAnalyzer(): saturation when it can, else the one live non-saturation voter", async (t) => {
  const cases: [string, AnalyzerBallot[], string | undefined][] = [
    ["saturation binds", [sat(0, 0), thr(0, 0)], "saturation"],
    [
      "saturation not informative → throughput",
      [sat(0, 0, 0, { informative: false }), thr(0, 0)],
      "throughput",
    ],
    [
      "saturation not voting → throughput",
      [sat(0, 0, 10, { voting: false }), thr(0, 0)],
      "throughput",
    ],
    [
      "two non-saturation candidates → hold",
      [sat(0, 0, 10, { live: false }), thr(0, 0), thr(0, 0, 5, { name: "queueing-model" })],
      undefined,
    ],
    ["nothing live → hold", [sat(0, 0, 10, { live: false })], undefined],
  ];
  for (const [name, ballots, want] of cases) {
    await t.step(name, () => assert.equal(bindingAnalyzer(ballots).name, want));
  }
});

Deno.test("ballotOf() reads a capacity analysis", () => {
  const b = ballotOf("throughput", {
    unit: "tokens/s",
    requiredCapacity: 10,
    spareCapacity: 0,
    variants: [
      { variant: "a100", perReplicaCapacity: 2000, hasData: true },
      { variant: "h100", perReplicaCapacity: 9999, hasData: false },
    ],
  }, { voting: true, live: true });
  assert.deepEqual(b.perReplicaCapacity, { a100: 2000, h100: 0 });
  assert.equal(b.informative, true);
});
