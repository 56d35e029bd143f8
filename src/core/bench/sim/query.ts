/**
 * The small PromQL subset the arms' queries use, parsed once: `series`, `series{…}`,
 * `agg(series{…})` and `agg(fn(series{…}[30s]))` with agg ∈ sum, max, min, avg, count and
 * fn ∈ rate, increase, max_over_time, avg_over_time (`by (…)` clauses are accepted and ignored:
 * one value per query). Label matchers in braces are ignored too: the caller's scope (the
 * model or variant the HPA or ScaledObject belongs to) selects the series, as the label
 * matchers do in a real deployment.
 *
 * @module
 */
import {
  aggregate,
  type Aggregation,
  instant,
  type Labels,
  overTime,
  type PromStore,
} from "./prom_store.ts";

/** A parsed query. */
export interface Query {
  readonly metric: string;
  readonly agg: Aggregation;
  readonly fn?: "rate" | "increase" | "max_over_time" | "avg_over_time";
  readonly windowMs?: number;
}

const AGG = "(sum|max|min|avg|count)";
const FN = "(rate|increase|max_over_time|avg_over_time)";
const NAME = "([a-zA-Z_:][a-zA-Z0-9_:]*)";
const SEL = `${NAME}(?:\\{[^}]*\\})?`;
const BY = "(?:\\s*by\\s*\\([^)]*\\))?";
const UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERNS: readonly RegExp[] = [
  new RegExp(
    `^${AGG}${BY}\\s*\\(\\s*${FN}\\s*\\(\\s*${SEL}\\s*\\[(\\d+)(ms|s|m|h)\\]\\s*\\)\\s*\\)${BY}$`,
  ),
  new RegExp(`^${AGG}${BY}\\s*\\(\\s*${SEL}\\s*\\)${BY}$`),
  new RegExp(`^${SEL}$`),
];

/**
 * Parses a query.
 *
 * @throws {SyntaxError} naming the query when it is outside the subset
 * @example
 * ```ts
 * import { parseQuery } from "./query.ts";
 * const q = parseQuery('sum(llm_d_epp_flow_control_queue_size{model_name="m"})');
 * if (q.agg !== "sum" || q.metric !== "llm_d_epp_flow_control_queue_size") throw new Error("bad");
 * ```
 */
export function parseQuery(text: string): Query {
  const t = text.trim();
  const [withFn, plain, bare] = PATTERNS.map((p) => p.exec(t));
  if (withFn) {
    return {
      agg: withFn[1] as Aggregation,
      fn: withFn[2] as Query["fn"] & string,
      metric: withFn[3]!,
      windowMs: Number(withFn[4]) * UNIT[withFn[5]!]!,
    };
  }
  if (plain) return { agg: plain[1] as Aggregation, metric: plain[2]! };
  if (bare) return { agg: "sum", metric: bare[1]! };
  throw new SyntaxError(
    `Cannot evaluate query "${text}": use series, agg(series) or agg(fn(series[30s])) with agg sum|max|min|avg|count`,
  );
}

/** Evaluates a query over the series in `scope` at `atMs`; undefined for an empty result. */
export function evaluate(
  store: PromStore,
  q: Query,
  scope: Labels,
  atMs: number,
): number | undefined {
  const series = store.select(q.metric, scope);
  const values = series.map((
    s,
  ) => (q.fn ? overTime(q.fn, s, atMs, q.windowMs!) : instant(store, s, atMs)));
  return aggregate(q.agg, values);
}
