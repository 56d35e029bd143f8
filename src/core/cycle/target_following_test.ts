import assert from "node:assert/strict";
import { FOLLOW_DOWN_GRACE_MS, FOLLOW_UP_GRACE_MS, followTarget } from "./target_following.ts";

Deno.test("followTarget() says whether the scale target follows the published count", async (t) => {
  const T = 1_000_000;
  const cases = [
    {
      name: "nothing published",
      published: undefined,
      spec: 3,
      watch: undefined,
      now: T,
      want: ["True", "TargetAtDesired"],
      keep: false,
    },
    {
      name: "at the published count",
      published: 3,
      spec: 3,
      watch: { specReplicas: 2, sinceMs: 0 },
      now: T,
      want: ["True", "TargetAtDesired"],
      keep: false,
    },
    {
      name: "first seen away from it",
      published: 5,
      spec: 4,
      watch: undefined,
      now: T,
      want: ["True", "TargetCatchingUp"],
      keep: true,
    },
    {
      name: "below, still for less than the up grace",
      published: 5,
      spec: 4,
      watch: { specReplicas: 4, sinceMs: T },
      now: T + FOLLOW_UP_GRACE_MS - 1,
      want: ["True", "TargetCatchingUp"],
      keep: true,
    },
    {
      name: "below, still for the up grace",
      published: 5,
      spec: 4,
      watch: { specReplicas: 4, sinceMs: T },
      now: T + FOLLOW_UP_GRACE_MS,
      want: ["False", "TargetNotFollowing"],
      keep: true,
    },
    {
      name: "above, inside the HPA's scale-down window",
      published: 1,
      spec: 4,
      watch: { specReplicas: 4, sinceMs: T },
      now: T + 300_000,
      want: ["True", "TargetCatchingUp"],
      keep: true,
    },
    {
      name: "above, still for the down grace",
      published: 1,
      spec: 4,
      watch: { specReplicas: 4, sinceMs: T },
      now: T + FOLLOW_DOWN_GRACE_MS,
      want: ["False", "TargetNotFollowing"],
      keep: true,
    },
    {
      name: "moved (4 → 3) towards 1: the clock restarts",
      published: 1,
      spec: 3,
      watch: { specReplicas: 4, sinceMs: T },
      now: T + FOLLOW_DOWN_GRACE_MS,
      want: ["True", "TargetCatchingUp"],
      keep: true,
    },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = followTarget(c.published, c.spec, c.watch, c.now);
      assert.deepEqual([r.condition.type, r.condition.status, r.condition.reason], [
        "TargetFollowing",
        ...c.want,
      ]);
      assert.equal(r.watch !== undefined, c.keep);
    });
  }
  await t.step("the message names the counts and what to check", () => {
    const r = followTarget(5, 4, { specReplicas: 4, sinceMs: 0 }, 11 * 60_000);
    assert.match(r.condition.message, /published 5 but the target is still at 4 after 11m/);
    assert.match(r.condition.message, /maxReplicas allowing 5/);
    const down = followTarget(0, 2, { specReplicas: 2, sinceMs: 0 }, 11 * 60_000);
    assert.match(down.condition.message, /minReplicas allowing 0/);
  });
});
