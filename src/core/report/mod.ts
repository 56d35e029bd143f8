/**
 * Reports without a browser (pure): SVG line charts, a self-contained HTML page and number
 * formatting. Used by `wva loadgen` and `wva demo`; the live terminal view is `src/runtime/tty.ts`.
 *
 * ```ts
 * import { renderHtmlReport, renderLineChart } from "./mod.ts";
 * const chart = renderLineChart({
 *   title: "Requests per second",
 *   xLabel: "time (s)",
 *   series: [{ name: "sent", points: [{ x: 0, y: 1 }, { x: 1, y: 3 }] }],
 * });
 * const html = renderHtmlReport({ title: "My run", sections: [{ title: "Load", charts: [chart] }] });
 * if (!html.includes("<svg")) throw new Error("chart missing");
 * ```
 *
 * @module
 */
export {
  type ChartMarker,
  type ChartPoint,
  type ChartSeries,
  type ChartThreshold,
  escapeXml,
  type LineChartOptions,
  PALETTE,
  renderLineChart,
} from "./svg_chart.ts";
export {
  escapeHtml,
  type HtmlReportOptions,
  type KeyFigure,
  renderHtmlReport,
  renderTable,
  type ReportSection,
  type TableSpec,
} from "./html_report.ts";
export {
  formatClock,
  formatMs,
  formatNumber,
  formatPercent,
  formatTextTable,
  MISSING,
} from "./format.ts";
export { niceStep, niceTicks, type Ticks } from "./ticks.ts";
