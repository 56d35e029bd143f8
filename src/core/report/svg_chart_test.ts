import assert from "node:assert/strict";
import { renderLineChart } from "./svg_chart.ts";

const paths = (svg: string): string[] =>
  [...svg.matchAll(/<path d="([^"]+)" fill="none"/g)].map((m) => m[1]!);

Deno.test("renderLineChart() draws one path per series with title, legend and axis labels", () => {
  const svg = renderLineChart({
    title: "TTFT <p99>",
    xLabel: "time (s)",
    yLabel: "ms",
    series: [
      { name: "p50", points: [{ x: 0, y: 10 }, { x: 5, y: 20 }, { x: 10, y: 15 }] },
      { name: "p99", points: [{ x: 0, y: 40 }, { x: 10, y: 80 }], dashed: true },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  assert.match(svg, /TTFT &lt;p99&gt;/);
  assert.equal(paths(svg).length, 2);
  assert.match(svg, />p50<\/text>/);
  assert.match(svg, />time \(s\)<\/text>/);
  assert.match(svg, />80<\/text>/, "y axis reaches a nice 80");
  assert.doesNotMatch(svg, /NaN|undefined/);
});

Deno.test("renderLineChart() breaks lines at NaN and draws steps, areas, markers and thresholds", async (t) => {
  await t.step("NaN splits a series into segments", () => {
    const svg = renderLineChart({
      title: "gaps",
      series: [{
        name: "s",
        points: [{ x: 0, y: 1 }, { x: 1, y: NaN }, { x: 2, y: 3 }, { x: 3, y: 2 }],
      }],
    });
    assert.equal(paths(svg).length, 2);
    assert.doesNotMatch(svg, /NaN/);
  });
  await t.step("step uses horizontal-then-vertical moves", () => {
    const svg = renderLineChart({
      title: "step",
      series: [{ name: "s", style: "step", points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }],
    });
    assert.match(paths(svg)[0]!, /^M[\d.]+ [\d.]+H[\d.]+V[\d.]+$/);
  });
  await t.step("area adds a filled path", () => {
    const svg = renderLineChart({
      title: "area",
      series: [{ name: "s", style: "area", points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }],
    });
    assert.match(svg, /fill-opacity="0.18"/);
  });
  await t.step("markers and thresholds are labelled", () => {
    const svg = renderLineChart({
      title: "m",
      series: [{ name: "s", points: [{ x: 0, y: 1 }, { x: 10, y: 2 }] }],
      markers: [{ x: 5, label: "stage 2" }],
      thresholds: [{ y: 3, label: "SLO 3 ms" }],
    });
    assert.match(svg, />stage 2<\/text>/);
    assert.match(svg, />SLO 3 ms<\/text>/);
  });
  await t.step("no data says so", () => {
    const svg = renderLineChart({ title: "empty", series: [{ name: "s", points: [] }] });
    assert.match(svg, />no data</);
    assert.doesNotMatch(svg, /NaN|Infinity/);
  });
});
