import assert from "node:assert/strict";
import { type Hop, type HopEvent, pairHops, summarizeHops } from "./hops.ts";

const ev = (atMs: number, hop: Hop, value: number, variant = "a100"): HopEvent => ({
  atMs,
  hop,
  value,
  variant,
});

Deno.test("pairHops follows each wva decision down the chain", async (t) => {
  const cases: {
    name: string;
    events: HopEvent[];
    want: {
      from: number;
      to: number;
      hpa: number | null;
      dep: number | null;
      ready: number | null;
      superseded: boolean;
    }[];
  }[] = [
    {
      name: "scale-up 1 → 3: HPA, Deployment, then Ready after loading",
      events: [
        ev(0, "deployment", 1),
        ev(0, "ready", 1),
        ev(0, "hpa", 1),
        ev(1000, "wva", 3),
        ev(3500, "hpa", 3),
        ev(3600, "deployment", 3),
        ev(8000, "ready", 2),
        ev(9000, "ready", 3),
      ],
      want: [{ from: 1, to: 3, hpa: 2500, dep: 2600, ready: 8000, superseded: false }],
    },
    {
      name: "scale-from-zero 0 → 1 skips the HPA (KEDA's operator activates)",
      events: [
        ev(0, "deployment", 0),
        ev(0, "ready", 0),
        ev(1000, "wva", 1),
        ev(2000, "deployment", 1),
        ev(6000, "ready", 1),
      ],
      want: [{ from: 0, to: 1, hpa: null, dep: 1000, ready: 5000, superseded: false }],
    },
    {
      name: "a decision overtaken before the chain reached it is superseded",
      events: [
        ev(0, "deployment", 1),
        ev(0, "ready", 1),
        ev(1000, "wva", 2),
        ev(2000, "wva", 3),
        ev(3000, "hpa", 3),
        ev(3000, "deployment", 3),
        ev(7000, "ready", 3),
      ],
      want: [
        { from: 1, to: 2, hpa: null, dep: null, ready: null, superseded: true },
        { from: 2, to: 3, hpa: 1000, dep: 1000, ready: 5000, superseded: false },
      ],
    },
    {
      name: "a hop already at the value counts as reached at once",
      events: [ev(0, "deployment", 2), ev(0, "ready", 2), ev(0, "hpa", 2), ev(500, "wva", 2)],
      want: [{ from: 2, to: 2, hpa: 0, dep: 0, ready: 0, superseded: false }],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const got = pairHops(c.events, 0).map((h) => ({
        from: h.from,
        to: h.to,
        hpa: h.hpaMs,
        dep: h.deploymentMs,
        ready: h.readyMs,
        superseded: h.superseded,
      }));
      assert.deepEqual(got, c.want);
    });
  }
});

Deno.test("summarizeHops: medians and maxima per direction over completed decisions", () => {
  const s = summarizeHops([
    {
      tMs: 0,
      variant: "a",
      from: 1,
      to: 2,
      hpaMs: 2000,
      deploymentMs: 2100,
      readyMs: 6000,
      superseded: false,
    },
    {
      tMs: 5,
      variant: "b",
      from: 1,
      to: 3,
      hpaMs: 4000,
      deploymentMs: 4100,
      readyMs: 9000,
      superseded: false,
    },
    {
      tMs: 9,
      variant: "a",
      from: 2,
      to: 1,
      hpaMs: 10000,
      deploymentMs: 10100,
      readyMs: 10200,
      superseded: false,
    },
    {
      tMs: 9,
      variant: "b",
      from: 2,
      to: 3,
      hpaMs: null,
      deploymentMs: null,
      readyMs: null,
      superseded: true,
    },
  ]);
  assert.equal(s.decisions, 4);
  assert.equal(s.completed, 3);
  assert.deepEqual(s.up.hpa, { count: 2, p50Ms: 3000, maxMs: 4000 });
  assert.deepEqual(s.up.ready, { count: 2, p50Ms: 7500, maxMs: 9000 });
  assert.deepEqual(s.down.deployment, { count: 1, p50Ms: 10100, maxMs: 10100 });
});
