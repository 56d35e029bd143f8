/**
 * Reports without a browser: SVG line charts, a self-contained HTML page, number formatting and
 * a live terminal view. Used by `wva loadgen` and `wva demo`.
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
  createLiveView,
  type LiveView,
  type LiveViewOptions,
  type PolledLiveView,
  startLiveView,
} from "../../runtime/tty.ts";
export {
  formatClock,
  formatMs,
  formatNumber,
  formatPercent,
  formatTextTable,
  MISSING,
} from "./format.ts";
export { niceStep, niceTicks, type Ticks } from "./ticks.ts";
