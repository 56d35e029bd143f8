/**
 * The text report of scripts/bench_emulator.ts: per-scenario rows with the model beside each
 * measurement, and a summary against the issue-16 targets with, for reference, the figures
 * issue 16 recorded for the emulator before this work and for llm-d-inference-sim v0.10.2 on the
 * same machine type. When the sim was measured in this run (`--sim`), its figures appear too.
 *
 * @module
 */

/** One short-request measurement. */
export interface RateRow {
  /** `wva` or `sim`. */
  readonly server: string;
  readonly concurrency: number;
  readonly requestsPerSec: number;
  /** Server CPU (user + system) per request, ms. */
  readonly cpuPerRequestMs: number;
  readonly client: "wrk" | "deno";
  /** /proc/loadavg (1, 5, 15 min) when the row started. */
  readonly load: string;
}

/** One streaming measurement. */
export interface StreamRow {
  readonly server: string;
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
    "| server | concurrency | requests/s | server CPU per request | client | load (1/5/15 min) |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.server} | ${r.concurrency} | ${f(r.requestsPerSec, 0)} | ` +
      `${f(r.cpuPerRequestMs, 3)} ms | ${r.client} | ${r.load} |`
    ),
  ];
}

function streamTable(rows: readonly StreamRow[], m: BenchReport["model"]): string[] {
  return [
    `## Streams (step = ${m.alphaMs} + ${m.betaMs}·batch ms, all connecting at once)`,
    "",
    `Gaps are measured where every stream decodes, from ${m.settleMs} ms after the last first ` +
    "token; /metrics is scraped every 100 ms over the middle half of the run.",
    "",
    "| server | streams × tokens | model ITL | measured mean ITL | error | p50 / model | " +
    "p99 / model | all decoding after | listen overflows | failures | /metrics p50 / p99 | " +
    "CPU per 1k tokens | peak RSS | load |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.server} | ${r.streams} × ${r.tokens} | ${f(r.modelItlMs, 2)} ms | ` +
      `${f(r.meanItlMs, 2)} ms | ${pct(r.meanItlMs / r.modelItlMs)} | ${f(r.p50Ratio, 3)} | ` +
      `${f(r.p99Ratio, 3)} | ${f(r.allDecodingMs / 1000, 2)} s | ${r.listenOverflows} | ` +
      `${r.failures}${r.firstError ? ` (${r.firstError})` : ""} | ${f(r.scrapeP50Ms, 1)} / ` +
      `${f(r.scrapeP99Ms, 1)} ms (${r.scrapes}) | ${f(r.cpuPer1kTokensSec, 3)} s | ` +
      `${f(r.peakRssMb, 0)} MB | ${r.load} |`
    ),
  ];
}

/** The summary figures of one server in this run. */
function figures(report: BenchReport, server: string): string[] {
  const rate = report.rate.filter((r) => r.server === server);
  const streams = report.streams.filter((r) => r.server === server);
  const rateAt = (c: number) => f(rate.find((r) => r.concurrency === c)?.requestsPerSec ?? NaN, 0);
  const big = [...streams].sort((a, b) => b.streams - a.streams)[0];
  const at1000 = streams.find((s) => s.streams === 1000);
  return [
    `${rateAt(64)} / ${rateAt(256)}`,
    rate.map((r) => `${f(r.cpuPerRequestMs, 3)} ms`).join(" / "),
    streams.map((s) => pct(s.meanItlMs / s.modelItlMs)).join(", "),
    big ? pct(big.p99Ratio) : "n/a",
    big ? `${f(big.allDecodingMs / 1000, 2)} s, ${big.listenOverflows}` : "n/a",
    big ? `${f(big.scrapeP50Ms, 1)} ms (p99 ${f(big.scrapeP99Ms, 1)} ms)` : "n/a",
    `${at1000 ? f(at1000.cpuPer1kTokensSec, 3) : "n/a"} s; ${f(big?.peakRssMb ?? NaN, 0)} MB`,
  ];
}

const ROWS: ReadonlyArray<readonly [string, string, string, string]> = [
  [
    "short requests/s, concurrency 64 / 256",
    "≥ sim, not falling",
    "5.9–6.6k / 4.8–5.1k",
    "10.9–14.3k / 11.4–13.3k",
  ],
  ["server CPU per short request", "—", "0.15–0.21 ms", "0.07–0.10 ms"],
  ["mean ITL error, per stream row", "—", "−0.3 … +0.1 %", "+0.5 … +1.4 %"],
  ["p99 inter-token gap vs model, largest row", "≤ +10 %", "+16 … +27 %", "+5 … +9 %"],
  [
    "largest row: all decoding after, listen overflows",
    "0 overflows",
    "2.2–3.6 s, 2,804",
    "1.4–1.7 s, 0",
  ],
  ["/metrics at the largest row, p50", "< 5 ms", "15–54 ms", "1.4–2.5 ms"],
  [
    "CPU per 1,000 tokens at 1,000 streams; peak RSS, largest row",
    "—",
    "0.031–0.037 s; 375 MB",
    "0.037 s; 613 MB",
  ],
];

function summary(report: BenchReport): string[] {
  const sim = report.rate.some((r) => r.server === "sim") ||
    report.streams.some((r) => r.server === "sim");
  const wva = figures(report, "wva");
  const simFigures = sim ? figures(report, "sim") : [];
  return [
    "## Against the issue-16 targets",
    "",
    `| figure | target | wva (this run) |${
      sim ? " sim (this run) |" : ""
    } wva before (issue 16) | ` +
    "llm-d-inference-sim v0.10.2 (issue 16) |",
    `|---|---|---|${sim ? "---|" : ""}---|---|`,
    ...ROWS.map(([figure, target, before, simRef], i) =>
      `| ${figure} | ${target} | ${wva[i]} |${
        sim ? ` ${simFigures[i]} |` : ""
      } ${before} | ${simRef} |`
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
