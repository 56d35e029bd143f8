/**
 * A small Prometheus text-format writer for the emulator's hot path: counters, gauges and
 * histograms keep their values in plain numbers and `Float64Array`s, every line's label part is
 * built once, and a scrape only joins precomputed prefixes with current numbers. Observing a
 * sample allocates nothing; rendering costs microseconds, not the milliseconds of prom-client.
 *
 * The output matches prom-client's text format (one blank line between families, `le` first in
 * bucket labels), so existing parsers and `promtool check metrics` read it unchanged.
 *
 * @module
 */

/** Label names and values of one series, in exposition order. */
export type Labels = Readonly<Record<string, string>>;

/** One metric family: knows how to write its `# HELP`, `# TYPE` and sample lines. */
export interface Family {
  readonly name: string;
  /** Appends the family's text (ending with a newline) to `out`. */
  render(out: string[]): void;
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** `{a="x",b="y"}`, or "" without labels. */
export function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** A number as Prometheus writes it. */
export function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/** A monotonically increasing value of one series. */
export class CounterSeries {
  value = 0;
  readonly line: string;
  constructor(name: string, labels: Labels) {
    this.line = `${name}${labelText(labels)} `;
  }
  /** Adds `n` (default 1). */
  inc(n = 1): void {
    this.value += n;
  }
}

/** A counter family; series are created up front or on first use. */
export class CounterFamily implements Family {
  readonly name: string;
  readonly #header: string;
  readonly #series = new Map<string, CounterSeries>();

  constructor(name: string, help: string) {
    this.name = name;
    this.#header = header(name, help, "counter");
  }

  /** The series with these labels (created at zero the first time). */
  series(labels: Labels): CounterSeries {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = new CounterSeries(this.name, labels);
      this.#series.set(key, s);
    }
    return s;
  }

  render(out: string[]): void {
    out.push(this.#header);
    for (const s of this.#series.values()) out.push(s.line, formatValue(s.value), "\n");
  }
}

/** A gauge family whose series are read (or set) at scrape time. */
export class GaugeFamily implements Family {
  readonly name: string;
  readonly #header: string;
  readonly #series = new Map<string, { line: string; read: () => number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.#header = header(name, help, "gauge");
  }

  /** Adds (or replaces) a series whose value `read` returns at scrape time. */
  track(labels: Labels, read: () => number): void {
    const key = labelText(labels);
    this.#series.set(key, { line: `${this.name}${key} `, read });
  }

  /** Sets a series to a constant value. */
  set(labels: Labels, value: number): void {
    this.track(labels, () => value);
  }

  /** Removes a series. */
  remove(labels: Labels): void {
    this.#series.delete(labelText(labels));
  }

  /** Number of series. */
  get size(): number {
    return this.#series.size;
  }

  /** Removes the oldest series until at most `max` remain. */
  trimTo(max: number): void {
    for (const key of this.#series.keys()) {
      if (this.#series.size <= max) return;
      this.#series.delete(key);
    }
  }

  render(out: string[]): void {
    out.push(this.#header);
    for (const s of this.#series.values()) out.push(s.line, formatValue(s.read()), "\n");
  }
}

/** One histogram series: per-bucket counts (not cumulative), sum and count. */
export class HistogramSeries {
  readonly bounds: Float64Array;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly #bucketLines: string[];
  readonly #sumLine: string;
  readonly #countLine: string;

  constructor(name: string, bounds: readonly number[], labels: Labels) {
    this.bounds = Float64Array.from(bounds);
    this.counts = new Float64Array(bounds.length + 1);
    const rest = labelText(labels).slice(1);
    const sep = rest === "" ? "}" : `,${rest}`;
    this.#bucketLines = [...bounds, Infinity].map((b) =>
      `${name}_bucket{le="${formatValue(b)}"${sep} `
    );
    const plain = labelText(labels);
    this.#sumLine = `${name}_sum${plain} `;
    this.#countLine = `${name}_count${plain} `;
  }

  /** Records one sample (a value on the bucket boundary counts in that bucket, as `le`). */
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }

  /** Appends the bucket, sum and count lines. */
  render(out: string[]): void {
    let cumulative = 0;
    for (let i = 0; i < this.#bucketLines.length; i++) {
      cumulative += this.counts[i]!;
      out.push(this.#bucketLines[i]!, formatValue(cumulative), "\n");
    }
    out.push(this.#sumLine, formatValue(this.sum), "\n");
    out.push(this.#countLine, formatValue(this.count), "\n");
  }
}

/** A histogram family with fixed buckets. */
export class HistogramFamily implements Family {
  readonly name: string;
  readonly #header: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.#header = header(name, help, "histogram");
    this.#bounds = bounds;
  }

  /** The series with these labels (created with zero counts the first time). */
  series(labels: Labels): HistogramSeries {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = new HistogramSeries(this.name, this.#bounds, labels);
      this.#series.set(key, s);
    }
    return s;
  }

  render(out: string[]): void {
    out.push(this.#header);
    for (const s of this.#series.values()) s.render(out);
  }
}

/** An ordered set of families rendered as one exposition. */
export class Exposition {
  /** The Content-Type of the text format. */
  static readonly contentType = "text/plain; version=0.0.4; charset=utf-8";
  readonly #families: Family[] = [];

  /** Adds a family (rendered in the order added) and returns it. */
  add<F extends Family>(family: F): F {
    this.#families.push(family);
    return family;
  }

  /** The whole exposition text. */
  render(): string {
    const out: string[] = [];
    for (let i = 0; i < this.#families.length; i++) {
      if (i > 0) out.push("\n");
      this.#families[i]!.render(out);
    }
    return out.join("");
  }
}
