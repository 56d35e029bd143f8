/**
 * Internals of the SVG chart: colours, escaping, the legend and path building.
 *
 * @module
 */
import type { ChartPoint, ChartSeries } from "./svg_chart.ts";

/** Default series colours (Okabe–Ito, readable for colour-blind viewers). */
export const PALETTE: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** A coordinate rounded to 0.1 px, as text (keeps the SVG small). */
export function r1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** [min, max] of the finite values (a loop, so huge series cannot overflow the stack). */
export function extent(values: readonly number[], fallback: [number, number]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? fallback : [lo, hi];
}

/** The plot area and the data-to-pixel mappings. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly w: number;
  readonly h: number;
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
}

/** One unbroken piece of a series path, with its first and last x in pixels. */
export interface Segment {
  readonly d: string;
  readonly x0: number;
  readonly x1: number;
}

/** SVG path data of a series, split at NaN points. */
export function seriesPath(
  points: readonly ChartPoint[],
  style: ChartSeries["style"],
  f: Frame,
): Segment[] {
  const segments: Segment[] = [];
  let cur = "", x0 = 0, x1 = 0;
  for (const p of points) {
    if (!Number.isFinite(p.y) || !Number.isFinite(p.x)) {
      if (cur) segments.push({ d: cur, x0, x1 });
      cur = "";
      continue;
    }
    const X = Math.round(f.x(p.x) * 10) / 10, Y = r1(f.y(p.y));
    if (!cur) [cur, x0] = [`M${X} ${Y}`, X];
    else if (style === "step") cur += `H${X}V${Y}`;
    else cur += `L${X} ${Y}`;
    x1 = X;
  }
  if (cur) segments.push({ d: cur, x0, x1 });
  return segments;
}

/** The legend row(s) and the y just below them. */
export function legend(
  series: readonly ChartSeries[],
  colors: string[],
  width: number,
): [string, number] {
  let x = 12, y = 40;
  const parts: string[] = [];
  series.forEach((s, i) => {
    const w = 22 + s.name.length * 6.6 + 14;
    if (x + w > width - 8 && x > 12) [x, y] = [12, y + 16];
    const dash = s.dashed ? ` stroke-dasharray="4 3"` : "";
    parts.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${
        colors[i]
      }" stroke-width="2.5"${dash}/>`,
      `<text x="${x + 21}" y="${y}" class="lg">${escapeXml(s.name)}</text>`,
    );
    x += w;
  });
  return [parts.join(""), series.length ? y + 8 : 30];
}
