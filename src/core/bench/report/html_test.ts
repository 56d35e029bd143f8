import { strict as assert } from "node:assert";
import { parseScenario } from "../scenario/scenario.ts";
import { runScenario } from "../run.ts";
import { benchSummary } from "../summary.ts";
import { MAX_EVENTS_LISTED, renderBenchReport, reportRun } from "./html.ts";
import { latencyBins } from "./series.ts";

const MODEL = {
  name: "m",
  variants: [{ name: "v", preset: "H100", alphaMs: 10, betaMs: 1, gammaMs: 5, deltaMs: 0 }],
  load: { stages: "60s@2rps,60s@30rps,60s@2rps", promptTokens: 100, outputTokens: 100 },
};

function report(over: Record<string, unknown> = {}) {
  const s = parseScenario({
    models: [MODEL],
    cluster: { loadingDelaySec: 20 },
    arms: ["hpa-fork", "static-mean", "wva-v2"],
    ...over,
  });
  const points = runScenario(s);
  const summary = benchSummary(points, { scenario: "t", seed: 1, wallSeconds: 1 });
  const runs = points.flatMap((p) => p.runs.map(reportRun));
  return { html: renderBenchReport({ summary, runs, command: "wva bench -s t.yaml" }), runs };
}

Deno.test("renderBenchReport() overlays the arms over time and lists the scale events", () => {
  const { html, runs } = report();
  assert.equal((html.match(/<svg/g) ?? []).length, 8, "eight time charts");
  for (const title of ["Replicas (Deployment spec", "TTFT p99", "Gateway queue", "Cost so far"]) {
    assert.ok(html.includes(title), title);
  }
  assert.ok(html.includes("wva bench -s t.yaml"));
  assert.ok(html.includes("wva / baseline, each cell: goodput · failures · GPU-h"));
  assert.ok(!html.includes("<h2>Sweep</h2>"));
  const events = runs.find((r) => r.series.name === "hpa-fork")!.scaleEvents.length;
  assert.ok(events > 0 && html.includes(`hpa-fork: ${events} scale events`));
  assert.ok(events <= MAX_EVENTS_LISTED);
  // wva arms are drawn solid, baselines dashed.
  assert.match(html, /stroke-dasharray="5 3"><title>hpa-fork<\/title>/);
  assert.doesNotMatch(html, /stroke-dasharray="5 3"><title>wva-v2<\/title>/);
});

Deno.test("renderBenchReport() draws each figure against the swept parameter", () => {
  const { html } = report({ sweep: { parameter: "loadScale", values: [0.5, 1] } });
  assert.ok(html.includes("<h2>Sweep</h2>"));
  assert.ok(html.includes("Over time (loadScale = 0.5)") && html.includes("(loadScale = 1)"));
  assert.equal((html.match(/<svg/g) ?? []).length, 4 + 2 * 8);
});

Deno.test("latencyBins() puts each request in the bin of its arrival", () => {
  const { runs } = report();
  const bins = runs[1]!.series.latency;
  assert.equal(bins.tSec.length, Math.ceil(180 / 15));
  assert.equal(bins.tSec[0], 7.5);
  const quiet = bins.ttftP50Ms[0]!, busy = bins.ttftP99Ms[6]!;
  assert.ok(quiet > 0 && busy > quiet, `${quiet} < ${busy}`);
  assert.ok(bins.failedPerSec.every((x) => x >= 0));
  assert.deepEqual(latencyBins({ ...runsFake() }, 15).tSec, [7.5]);
});

function runsFake() {
  return {
    plan: { count: 0, loadEndMs: 10_000 },
    records: { status: new Uint8Array(), ttftMs: new Float64Array(), itlMs: new Float64Array() },
  } as unknown as Parameters<typeof latencyBins>[0];
}
