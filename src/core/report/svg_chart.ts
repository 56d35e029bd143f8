/**
 * Self-contained SVG line charts (no browser, no dependencies) for HTML reports: several named
 * series drawn as lines, steps or filled areas, nice axis ticks, a legend, optional vertical
 * markers (stage changes, scaling events) and horizontal thresholds (SLOs). NaN y values break a
 * line, so missing bins show as gaps rather than as zeros.
 *
 * @module
 */
import { formatNumber } from "./format.ts";
import { niceTicks } from "./ticks.ts";
import { escapeXml, extent, type Frame, legend, PALETTE, r1, seriesPath } from "./_chart_parts.ts";

export { escapeXml, PALETTE };

/** One data point; `y: NaN` leaves a gap. */
export interface ChartPoint {
  /** In the caller's x unit (e.g. seconds since the start); the axis maps it to pixels. */
  readonly x: number;
  /** In the caller's y unit (the axis label names it). */
  readonly y: number;
}

/** A named series. */
export interface ChartSeries {
  /** Shown in the legend and as the path's tooltip. */
  readonly name: string;
  /** In x order; NaN y breaks the line. */
  readonly points: readonly ChartPoint[];
  /** CSS colour. @default the next colour of {@linkcode PALETTE} */
  readonly color?: string;
  /** `line` joins points; `step` holds each value until the next x; `area` fills under the line. @default "line" */
  readonly style?: "line" | "step" | "area";
  /** Dashed stroke (reference series such as a target). @default false */
  readonly dashed?: boolean;
}

/** A vertical line at `x`, labelled at the top (e.g. "stage 2"). */
export interface ChartMarker {
  /** Where, in the x unit; markers outside the x range are skipped. */
  readonly x: number;
  /** Text at the top of the line. */
  readonly label?: string;
}

/** A horizontal reference line at `y` (e.g. an SLO). */
export interface ChartThreshold {
  /** Where, in the y unit; the y range is widened to include it. */
  readonly y: number;
  /** Text at the right end of the line. */
  readonly label?: string;
  /** CSS colour. @default "#C00" */
  readonly color?: string;
}

/** Options of {@linkcode renderLineChart}. */
export interface LineChartOptions {
  /** Heading and accessible name of the chart. */
  readonly title: string;
  /** Drawn in order (later on top), coloured from {@linkcode PALETTE} unless given. */
  readonly series: readonly ChartSeries[];
  /** X axis title (with units, e.g. "time since start (s)"). */
  readonly xLabel?: string;
  /** Y axis title (with units). */
  readonly yLabel?: string;
  /** Pixels. @default 720 */
  readonly width?: number;
  /** Pixels. @default 280 */
  readonly height?: number;
  /** Axis range; defaults cover the data, and y starts at 0 unless data goes below. */
  readonly xMin?: number;
  /** Upper end of the x axis. */
  readonly xMax?: number;
  /** Lower end of the y axis. */
  readonly yMin?: number;
  /** Upper end of the y axis. */
  readonly yMax?: number;
  /** Vertical lines (stage changes, scaling events). */
  readonly markers?: readonly ChartMarker[];
  /** Horizontal lines (SLOs). */
  readonly thresholds?: readonly ChartThreshold[];
  /** Tick label formatter of the x axis. @default formatNumber */
  readonly formatX?: (x: number) => string;
  /** Tick label formatter of the y axis. @default formatNumber */
  readonly formatY?: (y: number) => string;
}

/**
 * Renders a line/step/area chart as an SVG string.
 *
 * @example
 * ```ts
 * import { renderLineChart } from "./svg_chart.ts";
 * const svg = renderLineChart({
 *   title: "Rate",
 *   series: [{ name: "target", points: [{ x: 0, y: 1 }, { x: 10, y: 2 }] }],
 * });
 * if (!svg.startsWith("<svg")) throw new Error("bad");
 * ```
 */
export function renderLineChart(options: LineChartOptions): string {
  const layout = chartLayout(options);
  const { frame: f, width, height } = layout;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${
      escapeXml(options.title)
    }">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<style>text{font:12px system-ui,sans-serif;fill:#333}.t{font-weight:600;font-size:14px}.ax{fill:#666;font-size:11px}.lg{font-size:12px}</style>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="20" class="t">${escapeXml(options.title)}</text>`,
    layout.legendSvg,
    ...axesSvg(options, layout),
    ...markersSvg(options, layout),
    ...thresholdsSvg(options, f),
    ...seriesSvg(options, layout),
  ];
  if (layout.ys.filter(Number.isFinite).length === 0) {
    out.push(
      `<text x="${f.left + f.w / 2}" y="${
        f.top + f.h / 2
      }" text-anchor="middle" class="ax">no data</text>`,
    );
  }
  out.push(`</svg>`);
  return out.join("\n");
}

/** Where everything goes: sizes in pixels, the axis ranges and ticks, the series colours. */
interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly colors: readonly string[];
  readonly legendSvg: string;
  /** The plot area inside the axes. */
  readonly frame: Frame;
  readonly xMin: number;
  readonly xMax: number;
  readonly xt: Ticks;
  readonly yt: Ticks;
  /** Every y value drawn or referenced (thresholds included); none finite means "no data". */
  readonly ys: readonly number[];
}

type Ticks = ReturnType<typeof niceTicks>;

/** Computes the layout: legend on top, axis ranges from the data unless fixed by options. */
function chartLayout(options: LineChartOptions): ChartLayout {
  const width = options.width ?? 720, height = options.height ?? 280;
  const colors = options.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const [legendSvg, legendBottom] = legend(options.series, colors, width);
  const pts = options.series.flatMap((s) => s.points);
  const [dx0, dx1] = extent(pts.map((p) => p.x), [0, 1]);
  const ys = pts.filter((p) => Number.isFinite(p.x)).map((p) => p.y);
  for (const t of options.thresholds ?? []) ys.push(t.y);
  const [dy0, dy1] = extent(ys, [0, 1]);
  const xMin = options.xMin ?? dx0, xMax = options.xMax ?? (dx1 > xMin ? dx1 : xMin + 1);
  const yt = niceTicks(options.yMin ?? Math.min(0, dy0), options.yMax ?? dy1, 5);
  const xt = niceTicks(xMin, xMax, 8);
  const left = 60, top = legendBottom + 6, right = 18, bottom = options.xLabel ? 44 : 30;
  const w = width - left - right, h = height - top - bottom;
  const frame: Frame = {
    left,
    top,
    w,
    h,
    x: (v) => left + ((v - xMin) / (xMax - xMin || 1)) * w,
    y: (v) => top + h - ((v - yt.min) / (yt.max - yt.min || 1)) * h,
  };
  return { width, height, colors, legendSvg, frame, xMin, xMax, xt, yt, ys };
}

/** Grid lines and labels of the y ticks, x ticks, both axes and their titles. */
function axesSvg(options: LineChartOptions, layout: ChartLayout): string[] {
  const { frame: f, xMin, xMax } = layout;
  const { left, top, w, h } = f;
  const fx = options.formatX ?? formatNumber, fy = options.formatY ?? formatNumber;
  const out: string[] = [];
  for (const v of layout.yt.values) {
    const Y = r1(f.y(v));
    out.push(
      `<line x1="${left}" x2="${left + w}" y1="${Y}" y2="${Y}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${Y}" dy="4" text-anchor="end" class="ax">${
        escapeXml(fy(v))
      }</text>`,
    );
  }
  for (const v of layout.xt.values.filter((v) => v >= xMin - 1e-9 && v <= xMax + 1e-9)) {
    const X = r1(f.x(v));
    out.push(
      `<line x1="${X}" x2="${X}" y1="${top + h}" y2="${top + h + 4}" stroke="#999"/>`,
      `<text x="${X}" y="${top + h + 16}" text-anchor="middle" class="ax">${
        escapeXml(fx(v))
      }</text>`,
    );
  }
  out.push(
    `<line x1="${left}" x2="${left + w}" y1="${top + h}" y2="${top + h}" stroke="#999"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + h}" stroke="#999"/>`,
  );
  if (options.xLabel) {
    out.push(
      `<text x="${left + w / 2}" y="${layout.height - 8}" text-anchor="middle" class="ax">${
        escapeXml(options.xLabel)
      }</text>`,
    );
  }
  if (options.yLabel) {
    out.push(
      `<text transform="translate(14 ${top + h / 2}) rotate(-90)" text-anchor="middle" class="ax">${
        escapeXml(options.yLabel)
      }</text>`,
    );
  }
  return out;
}

/** Dashed vertical markers inside the x range, each labelled at the top. */
function markersSvg(options: LineChartOptions, layout: ChartLayout): string[] {
  const { frame: f, xMin, xMax } = layout;
  const out: string[] = [];
  for (const m of options.markers ?? []) {
    if (m.x < xMin || m.x > xMax) continue;
    const X = r1(f.x(m.x));
    out.push(
      `<line x1="${X}" x2="${X}" y1="${f.top}" y2="${
        f.top + f.h
      }" stroke="#888" stroke-dasharray="3 3"/>`,
    );
    if (m.label) {
      out.push(`<text x="${X}" y="${f.top + 10}" dx="3" class="ax">${escapeXml(m.label)}</text>`);
    }
  }
  return out;
}

/** Dashed horizontal thresholds, each labelled at the right end. */
function thresholdsSvg(options: LineChartOptions, f: Frame): string[] {
  const { left, w } = f;
  const out: string[] = [];
  for (const t of options.thresholds ?? []) {
    const Y = r1(f.y(t.y)), color = t.color ?? "#C00";
    out.push(
      `<line x1="${left}" x2="${
        left + w
      }" y1="${Y}" y2="${Y}" stroke="${color}" stroke-dasharray="6 3"/>`,
    );
    if (t.label) {
      out.push(
        `<text x="${
          left + w - 4
        }" y="${Y}" dy="-4" text-anchor="end" class="ax" style="fill:${color}">${
          escapeXml(t.label)
        }</text>`,
      );
    }
  }
  return out;
}

/** The series, clipped to the plot area: paths (areas filled to y = 0), a dot for a lone point. */
function seriesSvg(options: LineChartOptions, layout: ChartLayout): string[] {
  const { frame: f, colors, yt, width, height } = layout;
  const { left, top, w, h } = f;
  const clipId = `c${(options.title.length * 7919 + width * 31 + height + top) % 1_000_000}`;
  const out: string[] = [
    `<clipPath id="${clipId}"><rect x="${left}" y="${top - 2}" width="${w}" height="${
      h + 4
    }"/></clipPath>`,
    `<g clip-path="url(#${clipId})">`,
  ];
  const base = r1(f.y(Math.max(yt.min, 0)));
  options.series.forEach((s, i) => {
    const dash = s.dashed ? ` stroke-dasharray="5 3"` : "";
    for (const seg of seriesPath(s.points, s.style, f)) {
      if (s.style === "area") {
        out.push(
          `<path d="${seg.d}L${seg.x1} ${base}L${seg.x0} ${base}Z" fill="${
            colors[i]
          }" fill-opacity="0.18" stroke="none"/>`,
        );
      }
      out.push(
        `<path d="${seg.d}" fill="none" stroke="${
          colors[i]
        }" stroke-width="2" stroke-linejoin="round"${dash}><title>${
          escapeXml(s.name)
        }</title></path>`,
      );
    }
    const drawn = s.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
    if (drawn.length === 1) {
      out.push(
        `<circle cx="${r1(f.x(drawn[0]!.x))}" cy="${r1(f.y(drawn[0]!.y))}" r="3" fill="${
          colors[i]
        }"/>`,
      );
    }
  });
  out.push(`</g>`);
  return out;
}
