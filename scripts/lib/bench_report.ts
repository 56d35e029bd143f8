/**
 * The text report of scripts/bench_emulator.ts: per-scenario rows with the model beside each
 * measurement, and a summary against the issue-16 targets with the figures issue 16 recorded
 * for the emulator before this work and for llm-d-inference-sim v0.10.2 on the same machine
 * type (reference values, not re-measured here).
 *
 * @module
 */

/** One short-request measurement. */
export interface RateRow {
  readonly concurrency: number;
  readonly requestsPerSec: number;
  /** Emulator CPU (user + system) per request, ms. */
  readonly cpuPerRequestMs: number;
  readonly client: "wrk" | "deno";
  /** /proc/loadavg (1, 5, 15 min) when the row started. */
  readonly load: string;
}

/** One streaming measurement. */
export interface StreamRow {
  readonly streams: number;
  readonly tokens: number;
  readonly modelItlMs: number;
  readonly meanItlMs: number;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  /** From the common start until every stream had its first token, ms. */
  readonly allDecodingMs: number;
  /** Length of the window the gaps were measured in, ms. */
  readonly windowMs: number;
  readonly listenOverflows: number;
  readonly failures: number;
  readonly firstError: string | null;
  readonly scrapeP50Ms: number;
  readonly scrapeP99Ms: number;
  readonly scrapes: number;
  readonly cpuPer1kTokensSec: number;
  readonly peakRssMb: number;
  readonly tokensPerSec: number;
  readonly load: string;
}

/** Everything the report shows. */
export interface BenchReport {
  readonly rate: readonly RateRow[];
  readonly streams: readonly StreamRow[];
  readonly cores: number;
  readonly model: { readonly alphaMs: number; readonly betaMs: number; readonly settleMs: number };
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${f(100 * (ratio - 1), 1)} %`;

function rateTable(rows: readonly RateRow[]): string[] {
  return [
    "## Short requests (max_tokens 1, zero model latency)",
    "",
    "| concurrency | requests/s | server CPU per request | client | load (1/5/15 min) |",
    "|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.concurrency} | ${f(r.requestsPerSec, 0)} | ${f(r.cpuPerRequestMs, 3)} ms | ` +
      `${r.client} | ${r.load} |`
    ),
  ];
}

function streamTable(rows: readonly StreamRow[], m: BenchReport["model"]): string[] {
  return [
    `## Streams (step = ${m.alphaMs} + ${m.betaMs}·batch ms, all connecting at once)`,
    "",
    `Gaps are measured where every stream decodes, from ${m.settleMs} ms after the last first token.`,
    "",
    "| streams × tokens | model ITL | measured mean ITL | error | p50 / model | p99 / model | " +
    "all decoding after | listen overflows | failures | /metrics p50 / p99 | CPU per 1k tokens | " +
    "peak RSS | load |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.streams} × ${r.tokens} | ${f(r.modelItlMs, 2)} ms | ${f(r.meanItlMs, 2)} ms | ` +
      `${pct(r.meanItlMs / r.modelItlMs)} | ${f(r.p50Ratio, 3)} | ${f(r.p99Ratio, 3)} | ` +
      `${f(r.allDecodingMs / 1000, 2)} s | ${r.listenOverflows} | ${r.failures}` +
      `${r.firstError ? ` (${r.firstError})` : ""} | ${f(r.scrapeP50Ms, 1)} / ` +
      `${f(r.scrapeP99Ms, 1)} ms (${r.scrapes}) | ${f(r.cpuPer1kTokensSec, 3)} s | ` +
      `${f(r.peakRssMb, 0)} MB | ${r.load} |`
    ),
  ];
}

function summary(report: BenchReport): string[] {
  const rateAt = (c: number) => report.rate.find((r) => r.concurrency === c);
  const biggest = [...report.streams].sort((a, b) => b.streams - a.streams)[0];
  const at1000 = report.streams.find((s) => s.streams === 1000);
  const errors = report.streams.map((s) => pct(s.meanItlMs / s.modelItlMs));
  const row = (figure: string, target: string, now: string, before: string, sim: string) =>
    `| ${figure} | ${target} | ${now} | ${before} | ${sim} |`;
  const n = biggest?.streams ?? 0;
  return [
    "## Against the issue-16 targets",
    "",
    "| figure | target | wva emulator (this run) | wva before (issue 16) | " +
    "llm-d-inference-sim v0.10.2 (issue 16) |",
    "|---|---|---|---|---|",
    row(
      "short requests/s, concurrency 64 / 256",
      "≥ sim, not falling",
      `${f(rateAt(64)?.requestsPerSec ?? NaN, 0)} / ${f(rateAt(256)?.requestsPerSec ?? NaN, 0)}`,
      "5.9–6.6k / 4.8–5.1k",
      "10.9–14.3k / 11.4–13.3k",
    ),
    row(
      "server CPU per short request",
      "—",
      report.rate.map((r) => `${f(r.cpuPerRequestMs, 3)} ms`).join(" / "),
      "0.15–0.21 ms",
      "0.07–0.10 ms",
    ),
    row(
      "mean ITL error over the stream rows",
      "—",
      errors.join(", "),
      "−0.3 … +0.1 %",
      "+0.5 … +1.4 %",
    ),
    row(
      `p99 inter-token gap vs model at ${n} streams`,
      "≤ +10 %",
      biggest ? pct(biggest.p99Ratio) : "n/a",
      "+16 … +27 %",
      "+5 … +9 %",
    ),
    row(
      `${n} connecting streams: all decoding after, listen overflows`,
      "0 overflows",
      biggest ? `${f(biggest.allDecodingMs / 1000, 2)} s, ${biggest.listenOverflows}` : "n/a",
      "2.2–3.6 s, 2,804",
      "1.4–1.7 s, 0",
    ),
    row(
      `/metrics at ${n} streams, p50`,
      "< 5 ms",
      biggest ? `${f(biggest.scrapeP50Ms, 1)} ms (p99 ${f(biggest.scrapeP99Ms, 1)} ms)` : "n/a",
      "15–54 ms",
      "1.4–2.5 ms",
    ),
    row(
      "CPU per 1,000 tokens at 1,000 streams; peak RSS at the largest row",
      "—",
      `${at1000 ? f(at1000.cpuPer1kTokensSec, 3) : "n/a"} s; ${f(biggest?.peakRssMb ?? NaN, 0)} MB`,
      "0.031–0.037 s; 375 MB",
      "0.037 s; 613 MB",
    ),
  ];
}

/** The whole report as Markdown. */
export function formatReport(report: BenchReport): string {
  return [
    `# wva emulator benchmark (loopback, ${report.cores} cores; clients in their own processes)`,
    "",
    ...rateTable(report.rate),
    "",
    ...streamTable(report.streams, report.model),
    "",
    ...summary(report),
    "",
  ].join("\n");
}
