import assert from "node:assert/strict";
import { renderHtmlReport, renderTable } from "./html_report.ts";

Deno.test("renderHtmlReport() escapes text and holds sections, figures, tables and charts", () => {
  const html = renderHtmlReport({
    title: "Run <1>",
    subtitle: "wva loadgen --rate '[[1, 60]]'",
    sections: [{
      title: "Summary",
      paragraphs: ["a & b"],
      figures: [{ label: "achieved", value: "19.8/s", note: "target 20" }],
      tables: [{ columns: ["stage", "rate"], rows: [["1", 2.5], ["2", null]] }],
      charts: ["<svg id=x></svg>"],
    }],
    footer: "generated",
  });
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Run &lt;1&gt;<\/title>/);
  assert.match(html, /&#39;\[\[1, 60\]\]&#39;/);
  assert.match(html, /<p>a &amp; b<\/p>/);
  assert.match(html, /<div class="v">19.8\/s<\/div>/);
  assert.match(html, /<td class="n">2.5<\/td>/);
  assert.match(html, /<td>–<\/td>/);
  assert.match(html, /<div class="charts">\n<svg id=x><\/svg>/);
  assert.doesNotMatch(html, /<script/);
});

Deno.test("renderTable() right-aligns numeric text cells", () => {
  assert.match(renderTable({ columns: ["a"], rows: [["12.5 ms"]] }), /<td class="n">12.5 ms<\/td>/);
  assert.match(renderTable({ columns: ["a"], rows: [["text"]] }), /<td>text<\/td>/);
});
