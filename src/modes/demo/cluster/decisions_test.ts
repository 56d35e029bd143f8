import assert from "node:assert/strict";
import { DesiredTracker, parseCycleLine } from "./decisions.ts";

const line = (ts: string, variants: unknown[], steps: unknown[] = []) => ({
  ts,
  level: "info",
  msg: "cycle-model",
  model: "m",
  namespace: "demo",
  variants,
  steps,
});

Deno.test("parseCycleLine reads cycle-model lines and nothing else", async (t) => {
  await t.step("other lines and malformed ones are ignored", () => {
    assert.equal(parseCycleLine({ msg: "configmap-applied" }), undefined);
    assert.equal(parseCycleLine({ msg: "cycle-model", ts: "never", variants: [] }), undefined);
  });
  await t.step("steps get their values back; bad variants are dropped", () => {
    const l = parseCycleLine(line("2026-01-01T00:00:01.000Z", [
      { name: "a", current: 1, desired: 2, reason: "scale-up" },
      { name: "bad", current: "x", desired: 1 },
    ], [{ rule: "v1.spare", message: "spare low", kv: 0.1, variant: "a" }]))!;
    assert.equal(l.atMs, Date.parse("2026-01-01T00:00:01.000Z"));
    assert.deepEqual(l.variants.map((v) => v.name), ["a"]);
    assert.deepEqual(l.steps, [{
      rule: "v1.spare",
      message: "spare low",
      values: { kv: 0.1, variant: "a" },
    }]);
  });
});

Deno.test("DesiredTracker: one event and one hop per change of the published desired count", () => {
  const tracker = new DesiredTracker();
  const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, "0")}.000Z`;
  const seq = [
    // first line: desired = current → nothing
    [{ name: "a", current: 1, desired: 1, reason: "hold" }],
    // scale-up decided
    [{ name: "a", current: 1, desired: 3, reason: "scale-up" }],
    // KEDA/HPA catching up: the same desired is published again → nothing (steady value)
    [{ name: "a", current: 2, desired: 3, reason: "hold" }],
    // scale-down
    [{ name: "a", current: 3, desired: 2, reason: "scale-down" }],
  ];
  const outs = seq.map((vs, i) => tracker.apply(parseCycleLine(line(at(i), vs))!));
  assert.deepEqual(outs.map((o) => o.events.map((e) => `${e.from}→${e.to} ${e.reason}`)), [
    [],
    ["1→3 scale-up"],
    [],
    ["3→2 scale-down"],
  ]);
  assert.deepEqual(outs.flatMap((o) => o.hops.map((h) => [h.hop, h.value])), [["wva", 3], [
    "wva",
    2,
  ]]);
  assert.equal(tracker.desired("a"), 2);
  assert.match(outs[2]!.note, /^hold \(a 3\)$/);
});
