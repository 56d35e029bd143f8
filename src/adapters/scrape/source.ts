/**
 * The direct-scrape `MetricsSource`: no Prometheus in between. It fetches every replica's
 * `/metrics`, parses the text, keeps a short history per replica, and answers the control cycle
 * with per-replica gauges (maximum over the window, stamped with the scrape time) and per-model
 * load (rates and averages from counter increases) — see window.ts for the exact semantics.
 *
 * Used by `wva demo` (the replicas are loopback emulators) and by anyone running the controller
 * next to a few vLLM servers. Other readers (a live view) may call `scrape()` more often than the
 * cycle runs; scrapes are single-flight and share the same history.
 *
 * A replica that cannot be scraped keeps its older points: once they are older than the cycle's
 * stale limit the cycle drops them (MetricsStale), so a dead replica never looks idle.
 *
 * With `gateways`, the inference gateways' `/metrics` are scraped too (source_gateway.ts): per
 * model, the flow-control queue (the scheduler queue saturation V2 adds and scale-from-zero reads)
 * and the requests arriving there (what left flow control plus the queue's growth), which then
 * are the model's arrival rate (`arrivalSource: gateway`; without flow control, the dispatches:
 * `dispatches`).
 *
 * @module
 */
import { type Logger, NULL_LOGGER } from "../../runtime/log.ts";
import type {
  MetricsRequest,
  MetricsSource,
  ModelMetrics,
  ReplicaSample,
} from "../../core/contract/ports.ts";
import { parsePromText } from "./prom_text.ts";
import {
  combineGateways,
  gatewayMetrics,
  type GatewayPoint,
  readGatewayPoint,
} from "./source_gateway.ts";
import { readVllmSnapshot } from "./vllm_snapshot.ts";
import {
  type CounterIncrease,
  counterIncrease,
  estimateLoad,
  type LoadEstimate,
  type ScrapePoint,
  type WindowGauges,
  windowGauges,
} from "./window.ts";

/** One replica to scrape. */
export interface ScrapeTarget {
  /** The replica's id, as the cluster reader lists it in `replicaIds` (the history key). */
  readonly replicaId: string;
  /** Its variant, copied into each sample. */
  readonly variant: string;
  /** The served model; selects the vLLM series (`model_name`) and groups load per model. */
  readonly modelId: string;
  /** With `modelId`, which model of the request this replica serves. */
  readonly namespace: string;
  /** Base URL; the metrics are at `${url}/metrics`. */
  readonly url: string;
}

/** Options of {@linkcode createScrapeSource}. */
export interface ScrapeSourceOptions {
  /** The replicas to scrape now (read at every scrape). */
  readonly targets: () => readonly ScrapeTarget[];
  /** Wall clock (ms) used to stamp scrapes; must match the cycle's `nowMs`. @default Date.now */
  readonly nowMs?: () => number;
  /** The HTTP client (tests inject one). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per-scrape timeout (ms). @default 2000 */
  readonly timeoutMs?: number;
  /** Window of gauges (max) and rates (ms). @default 10000 */
  readonly windowMs?: number;
  /** Failed scrapes (debug level). @default NULL_LOGGER */
  readonly logger?: Logger;
  /**
   * Base URLs of inference gateways to scrape too (metrics at `${url}/metrics`, read at every
   * scrape): their flow-control queue per target model is the scheduler queue (V2 demand, the
   * scale-from-zero signal), their dispatch counter the arrival rate. @default none
   */
  readonly gateways?: () => readonly string[];
}

/** The source plus what a live view needs. */
export interface ScrapeSource extends MetricsSource {
  /** Scrapes every target once (joins a scrape already in flight). */
  scrape(): Promise<void>;
  /** Gauges of one replica over the window ending now; undefined before its first scrape. */
  gauges(replicaId: string, windowMs?: number): WindowGauges | undefined;
  /** Load over the window of the replicas selected by `match` (e.g. one variant). */
  load(match: (t: ScrapeTarget) => boolean, windowMs?: number): LoadEstimate | undefined;
  /** Scrapes that failed since the start, by replica. */
  readonly failures: ReadonlyMap<string, number>;
}

interface History {
  target: ScrapeTarget;
  points: ScrapePoint[];
}

/**
 * Everything the source holds: the settings with defaults applied, the history per replica, the
 * failure counts and the scrape in flight (single-flight: concurrent callers share it).
 */
interface ScrapeState {
  readonly targets: () => readonly ScrapeTarget[];
  /** Wall clock (ms). */
  readonly now: () => number;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly windowMs: number;
  readonly log: Logger;
  readonly histories: Map<string, History>;
  readonly failures: Map<string, number>;
  readonly gateways: () => readonly string[];
  /** Scrape history per gateway URL. */
  readonly gatewayPoints: Map<string, GatewayPoint[]>;
  inflight: Promise<void> | undefined;
}

/** Creates the source. */
export function createScrapeSource(options: ScrapeSourceOptions): ScrapeSource {
  const s: ScrapeState = {
    targets: options.targets,
    now: options.nowMs ?? Date.now,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 2000,
    windowMs: options.windowMs ?? 10_000,
    log: options.logger ?? NULL_LOGGER,
    histories: new Map(),
    failures: new Map(),
    gateways: options.gateways ?? (() => []),
    gatewayPoints: new Map(),
    inflight: undefined,
  };
  return {
    collect: (request) => collect(s, request),
    scrape: () => scrape(s),
    gauges(replicaId, win = s.windowMs) {
      const h = s.histories.get(replicaId);
      return h ? windowGauges(h.points, s.now(), win) : undefined;
    },
    load(match, win = s.windowMs) {
      const inc = increases(s, match, s.now(), win);
      return inc.length > 0 ? estimateLoad(inc) : undefined;
    },
    failures: s.failures,
  };
}

/** Scrapes one replica and appends the point; a failure is counted and logged, never thrown. */
async function scrapeOne(s: ScrapeState, t: ScrapeTarget): Promise<void> {
  try {
    const res = await s.fetch(`${t.url}/metrics`, { signal: AbortSignal.timeout(s.timeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const atMs = s.now();
    const snapshot = readVllmSnapshot(parsePromText(text).samples, t.modelId);
    const h = s.histories.get(t.replicaId) ?? { target: t, points: [] };
    h.target = t;
    h.points.push({ atMs, snapshot });
    s.histories.set(t.replicaId, h);
  } catch (err) {
    s.failures.set(t.replicaId, (s.failures.get(t.replicaId) ?? 0) + 1);
    s.log.debug("scrape-failed", { replica: t.replicaId, error: (err as Error).message });
  }
}

/** Scrapes one gateway and appends the point; a failure is counted and logged, never thrown. */
async function scrapeGateway(s: ScrapeState, url: string): Promise<void> {
  try {
    const res = await s.fetch(`${url}/metrics`, { signal: AbortSignal.timeout(s.timeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const points = s.gatewayPoints.get(url) ?? [];
    points.push(readGatewayPoint(parsePromText(text).samples, s.now()));
    s.gatewayPoints.set(url, points);
  } catch (err) {
    s.failures.set(url, (s.failures.get(url) ?? 0) + 1);
    s.log.debug("gateway-scrape-failed", { url, error: (err as Error).message });
  }
}

/** Index of the first point to keep: one before the cutoff stays as a full-window base. */
function firstToKeep(points: readonly { readonly atMs: number }[], cutoff: number): number {
  const firstKept = points.findIndex((p) => p.atMs > cutoff);
  return firstKept < 0 ? -1 : Math.max(0, firstKept - 1);
}

/** Drops points older than three windows (and replicas or gateways with none left). */
function prune(s: ScrapeState): void {
  const cutoff = s.now() - 3 * s.windowMs;
  for (const [id, h] of s.histories) {
    const keep = firstToKeep(h.points, cutoff);
    if (keep < 0) s.histories.delete(id);
    else h.points.splice(0, keep);
  }
  for (const [url, points] of s.gatewayPoints) {
    const keep = firstToKeep(points, cutoff);
    if (keep < 0) s.gatewayPoints.delete(url);
    else points.splice(0, keep);
  }
}

/** Scrapes every target once, joining a scrape already in flight. */
function scrape(s: ScrapeState): Promise<void> {
  s.inflight ??= (async () => {
    try {
      await Promise.all([
        ...s.targets().map((t) => scrapeOne(s, t)),
        ...s.gateways().map((url) => scrapeGateway(s, url)),
      ]);
      prune(s);
    } finally {
      s.inflight = undefined;
    }
  })();
  return s.inflight;
}

/** Counter increases over the window ending at `atMs` of the replicas `match` selects. */
function increases(
  s: ScrapeState,
  match: (t: ScrapeTarget) => boolean,
  atMs: number,
  win: number,
): CounterIncrease[] {
  const out: CounterIncrease[] = [];
  for (const h of s.histories.values()) {
    if (!match(h.target)) continue;
    const newest = h.points.at(-1);
    if (!newest || newest.atMs <= atMs - win) continue;
    const inc = counterIncrease(h.points, atMs, win);
    if (inc) out.push(inc);
  }
  return out;
}

/**
 * Requests served in the window; undefined when zero could be wrong because the history does
 * not reach back that far (an unknown count must never make a model look idle).
 */
function requestsIn(
  s: ScrapeState,
  match: (t: ScrapeTarget) => boolean,
  atMs: number,
  win: number,
): number | undefined {
  const served = increases(s, match, atMs, win).reduce((a, i) => a + i.deltas.requests, 0);
  if (served > 0) return served;
  const mine = [...s.histories.values()].filter((h) => match(h.target));
  const covered = mine.length > 0 &&
    mine.every((h) => (h.points[0]?.atMs ?? Infinity) <= atMs - win);
  return covered ? 0 : undefined;
}

/** The `MetricsSource` answer: scrape now, then per model its replicas' gauges and its load. */
async function collect(s: ScrapeState, request: MetricsRequest): Promise<readonly ModelMetrics[]> {
  await scrape(s);
  const atMs = s.now();
  return request.models.map((m) => modelMetrics(s, m, atMs));
}

/** One model's metrics at `atMs`: gauges of the replicas asked for (sorted by id), load, requests. */
function modelMetrics(
  s: ScrapeState,
  m: MetricsRequest["models"][number],
  atMs: number,
): ModelMetrics {
  const ids = new Set(m.variants.flatMap((v) => v.replicaIds));
  const replicas: ReplicaSample[] = [];
  for (const id of [...ids].sort()) {
    const h = s.histories.get(id);
    const g = h ? windowGauges(h.points, atMs, s.windowMs) : undefined;
    if (!h || !g) continue;
    replicas.push({ replicaId: id, variant: h.target.variant, ...g });
  }
  const sameModel = (t: ScrapeTarget) => t.modelId === m.modelId && t.namespace === m.namespace;
  const inc = increases(s, sameModel, atMs, s.windowMs);
  const est = inc.length > 0 ? estimateLoad(inc) : undefined;
  const served = m.requestWindowMs !== undefined
    ? requestsIn(s, sameModel, atMs, m.requestWindowMs)
    : undefined;
  const gateway = combineGateways(
    [...s.gatewayPoints.values()].map((points) =>
      gatewayMetrics(points, m.modelId, atMs, s.windowMs)
    ),
  );
  return {
    modelId: m.modelId,
    namespace: m.namespace,
    replicas,
    ...(est ? { ...est, arrivalSource: "completions" as const } : {}),
    ...(served !== undefined ? { requestsInWindow: served } : {}),
    ...gateway,
  };
}
