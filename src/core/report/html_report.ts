/**
 * A single self-contained HTML page (inline CSS, no scripts, no network) for run reports: a
 * title, then sections that hold text, key figures, tables and SVG charts. Written for the load
 * generator first and shared by `wva demo`.
 *
 * @module
 */
import { escapeXml } from "./svg_chart.ts";

/** Escapes text for HTML content and attributes. */
export const escapeHtml: (text: string) => string = escapeXml;

/** A table: header cells and rows of cells (numbers are right-aligned). */
export interface TableSpec {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** Optional caption shown above the table. */
  readonly caption?: string;
}

/** A headline figure such as "achieved 19.8 req/s". */
export interface KeyFigure {
  readonly label: string;
  readonly value: string;
  /** Small print under the value, e.g. "target 20". */
  readonly note?: string;
}

/** One section of the page; parts render in this order: text, figures, tables, charts, html. */
export interface ReportSection {
  readonly title: string;
  /** Plain text paragraphs (escaped). */
  readonly paragraphs?: readonly string[];
  readonly figures?: readonly KeyFigure[];
  readonly tables?: readonly TableSpec[];
  /** SVG strings, e.g. from `renderLineChart`; laid out in a responsive grid. */
  readonly charts?: readonly string[];
  /** Trusted raw HTML appended at the end of the section. */
  readonly html?: string;
}

/** Options of {@linkcode renderHtmlReport}. */
export interface HtmlReportOptions {
  readonly title: string;
  /** One line under the title (e.g. the command that produced the run). */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
  /** Footer text, e.g. a generation timestamp supplied by the caller. */
  readonly footer?: string;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1500px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#555;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
section{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:4px 18px 16px;margin:16px 0}
.figs{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.fig{border:1px solid #e3e5e8;border-radius:6px;padding:8px 12px;min-width:120px}
.fig .l{color:#666;font-size:12px}.fig .v{font-size:20px;font-weight:600}.fig .n{color:#777;font-size:11px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
.charts svg{width:100%;height:auto;border:1px solid #eee;border-radius:6px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:left}
th{background:#fafafa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;color:#555;padding:4px 0}
footer{color:#888;font-size:12px;margin-top:24px}
`;

/** Renders a {@linkcode TableSpec} as an HTML table; `null` cells print as a dash. */
export function renderTable(spec: TableSpec): string {
  const head = spec.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = spec.rows.map((row) =>
    `<tr>${
      row.map((cell) =>
        typeof cell === "number"
          ? `<td class="n">${Number.isFinite(cell) ? cell : "–"}</td>`
          : `<td${
            cell !== null && /^[-+]?[\d.,]+\s*(%|ms|s|\/s)?$/.test(cell) ? ` class="n"` : ""
          }>${escapeHtml(cell ?? "–")}</td>`
      ).join("")
    }</tr>`
  ).join("\n");
  const caption = spec.caption ? `<caption>${escapeHtml(spec.caption)}</caption>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function renderSection(s: ReportSection): string {
  const parts = [`<h2>${escapeHtml(s.title)}</h2>`];
  for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
  if (s.figures?.length) {
    const figs = s.figures.map((f) =>
      `<div class="fig"><div class="l">${escapeHtml(f.label)}</div><div class="v">${
        escapeHtml(f.value)
      }</div>${f.note ? `<div class="n">${escapeHtml(f.note)}</div>` : ""}</div>`
    );
    parts.push(`<div class="figs">${figs.join("")}</div>`);
  }
  for (const t of s.tables ?? []) parts.push(renderTable(t));
  if (s.charts?.length) parts.push(`<div class="charts">\n${s.charts.join("\n")}\n</div>`);
  if (s.html) parts.push(s.html);
  return `<section>\n${parts.join("\n")}\n</section>`;
}

/**
 * Renders the whole page.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from "./html_report.ts";
 * const html = renderHtmlReport({ title: "Run", sections: [{ title: "Summary", paragraphs: ["ok"] }] });
 * if (!html.includes("<h2>Summary</h2>")) throw new Error("bad");
 * ```
 */
export function renderHtmlReport(options: HtmlReportOptions): string {
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(options.title)}</title><style>${CSS}</style></head><body><main>`,
    `<h1>${escapeHtml(options.title)}</h1>`,
    options.subtitle ? `<div class="sub">${escapeHtml(options.subtitle)}</div>` : "",
    ...options.sections.map(renderSection),
    options.footer ? `<footer>${escapeHtml(options.footer)}</footer>` : "",
    "</main></body></html>",
    "",
  ].join("\n");
}
