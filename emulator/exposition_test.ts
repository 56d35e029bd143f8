import { strict as assert } from "node:assert";
import {
  CounterFamily,
  Exposition,
  formatValue,
  GaugeFamily,
  HistogramFamily,
  labelText,
} from "./exposition.ts";

Deno.test("exposition renders families in prom-client's text format", () => {
  const exp = new Exposition();
  const c = exp.add(new CounterFamily("x_total", "Things.\nCounted \\ here."));
  c.series({ a: "1" }).inc(2);
  c.series({ a: "1" }).inc();
  exp.add(new GaugeFamily("g", "A gauge.")).track({}, () => 0.5);
  const h = exp.add(new HistogramFamily("h_seconds", "Hist.", [0.1, 1])).series({ m: 'q"x' });
  for (const v of [0.05, 0.1, 0.5, 7]) h.observe(v);
  assert.equal(
    exp.render(),
    [
      "# HELP x_total Things.\\nCounted \\\\ here.",
      "# TYPE x_total counter",
      'x_total{a="1"} 3',
      "",
      "# HELP g A gauge.",
      "# TYPE g gauge",
      "g 0.5",
      "",
      "# HELP h_seconds Hist.",
      "# TYPE h_seconds histogram",
      'h_seconds_bucket{le="0.1",m="q\\"x"} 2',
      'h_seconds_bucket{le="1",m="q\\"x"} 3',
      'h_seconds_bucket{le="+Inf",m="q\\"x"} 4',
      'h_seconds_sum{m="q\\"x"} 7.65',
      'h_seconds_count{m="q\\"x"} 4',
      "",
    ].join("\n"),
  );
});

Deno.test("formatValue and labelText follow the text format", async (t) => {
  const cases: ReadonlyArray<readonly [unknown, string, string]> = [
    [Infinity, formatValue(Infinity), "+Inf"],
    [-Infinity, formatValue(-Infinity), "-Inf"],
    [NaN, formatValue(NaN), "NaN"],
    [1e-7, formatValue(1e-7), "1e-7"],
    [{}, labelText({}), ""],
    [{ a: "x\ny" }, labelText({ a: "x\ny" }), '{a="x\\ny"}'],
  ];
  for (const [input, got, want] of cases) {
    await t.step(String(JSON.stringify(input) ?? input), () => assert.equal(got, want));
  }
});

Deno.test("a gauge family keeps the newest series when trimmed", () => {
  const g = new GaugeFamily("info", "Info.");
  for (let i = 0; i < 5; i++) g.set({ n: String(i) }, i);
  g.trimTo(2);
  const out: string[] = [];
  g.render(out);
  assert.deepEqual(out.join("").split("\n").filter((l) => l.startsWith("info{")), [
    'info{n="3"} 3',
    'info{n="4"} 4',
  ]);
});
