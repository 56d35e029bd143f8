import { strict as assert } from "node:assert";
import type { BenchSummary, SummaryArm } from "../summary.ts";
import { figuresTable, formatRatio, markdownTable, ratioTable, textTable } from "./tables.ts";

function arm(name: string, type: string, x: Partial<SummaryArm> = {}): SummaryArm {
  return {
    name,
    type,
    requests: 100,
    failed: 10,
    goodputPerSec: 2,
    gpuHours: 1,
    cost: 4,
    maxReplicas: 3,
    failures: { errors: 1, rateLimited: 2, timeouts: 3, shed: 4 },
    sloAttainment: { ttft01: 0.9, itl01: 0.95, all01: 0.85 },
    scaleEvents: { up: 2, down: 1 },
    ...x,
  } as SummaryArm;
}

const summary = (arms: SummaryArm[]): BenchSummary => ({
  scenario: "s",
  seed: 1,
  virtualSeconds: 1,
  wallSeconds: 1,
  speedup: 1,
  arms,
});

Deno.test("formatRatio() reads wva / baseline, and spells out a zero baseline", async (t) => {
  const cases: [number, number, string][] = [
    [3, 2, "1.5×"],
    [1, 3, "0.333×"],
    [0, 0, "0 = 0"],
    [12, 0, "12 vs 0"],
    [NaN, 1, "–"],
  ];
  for (const [w, b, want] of cases) {
    await t.step(`${w}/${b}`, () => assert.equal(formatRatio(w, b), want));
  }
});

Deno.test("ratioTable() has a row per baseline and a cell per wva arm", () => {
  const t = ratioTable(summary([
    arm("hpa", "hpa"),
    arm("keda", "keda", { failed: 0, goodputPerSec: 4 }),
    arm("wva-v1", "wva", { failed: 5, goodputPerSec: 3, gpuHours: 0.5 }),
  ]))!;
  assert.deepEqual(t.columns, ["baseline", "wva-v1"]);
  assert.deepEqual(t.rows, [["hpa", "1.5× · 0.5× · 0.5×"], ["keda", "0.75× · 5 vs 0 · 0.5×"]]);
  assert.equal(ratioTable(summary([arm("hpa", "hpa")])), undefined, "no wva arm");
  assert.equal(ratioTable(summary([arm("w", "wva")])), undefined, "no baseline");
});

Deno.test("ratioTable() compares arms at the same sweep point only", () => {
  const at = (value: number) => ({ sweep: { parameter: "loadScale", value } });
  const t = ratioTable(summary([
    arm("hpa", "hpa", { ...at(1), goodputPerSec: 1 }),
    arm("w", "wva", { ...at(1), goodputPerSec: 2 }),
    arm("hpa", "hpa", { ...at(2), goodputPerSec: 4 }),
    arm("w", "wva", { ...at(2), goodputPerSec: 2 }),
  ]))!;
  assert.deepEqual(t.columns, ["sweep", "baseline", "w"]);
  assert.deepEqual(t.rows.map((r) => [r[0], r[2]!.split(" · ")[0]]), [
    ["loadScale=1", "2×"],
    ["loadScale=2", "0.5×"],
  ]);
});

Deno.test("figuresTable() renders as aligned text and as Markdown", () => {
  const t = figuresTable(summary([arm("a|b", "hpa")]));
  assert.equal(t.rows[0]![t.columns.indexOf("SLO all")], "85.0 %");
  assert.equal(t.rows[0]![t.columns.indexOf("scale ↑/↓")], "2/1");
  const md = markdownTable(t).split("\n");
  assert.match(md[0]!, /^\| arm \| requests \| failed \|/);
  assert.match(md[1]!, /^\| --- \| ---: \|/);
  assert.match(md[2]!, /^\| a\\\|b \| 100 \| 10 \|/);
  assert.match(textTable(t).split("\n")[1]!, /^-+ {2}-+/);
});
