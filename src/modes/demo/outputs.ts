/**
 * Writes a demo report to a directory: `report.json` (report.ts) and `report.html`
 * (report_html.ts).
 *
 * @module
 */
import { type DemoReport, reportJson } from "./report.ts";
import { renderDemoReport } from "./report_html.ts";

/** Paths written by {@linkcode writeDemoOutputs}. */
export interface DemoFiles {
  readonly json: string;
  readonly html: string;
}

/** Writes both files (creating the directory) and returns their paths. */
export async function writeDemoOutputs(
  dir: string,
  report: DemoReport,
  options: { command?: string } = {},
): Promise<DemoFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const json = `${dir.replace(/\/+$/, "")}/report.json`;
  const html = `${dir.replace(/\/+$/, "")}/report.html`;
  await Deno.writeTextFile(json, reportJson(report));
  await Deno.writeTextFile(html, renderDemoReport(report, options));
  return { json, html };
}
