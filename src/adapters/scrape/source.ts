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
  readonly replicaId: string;
  readonly variant: string;
  readonly modelId: string;
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
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per-scrape timeout (ms). @default 2000 */
  readonly timeoutMs?: number;
  /** Window of gauges (max) and rates (ms). @default 10000 */
  readonly windowMs?: number;
  readonly logger?: Logger;
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

/** Creates the source. */
export function createScrapeSource(options: ScrapeSourceOptions): ScrapeSource {
  const now = options.nowMs ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const windowMs = options.windowMs ?? 10_000;
  const log = options.logger ?? NULL_LOGGER;
  const histories = new Map<string, History>();
  const failures = new Map<string, number>();
  let inflight: Promise<void> | undefined;

  async function scrapeOne(t: ScrapeTarget): Promise<void> {
    try {
      const res = await doFetch(`${t.url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const atMs = now();
      const snapshot = readVllmSnapshot(parsePromText(text).samples, t.modelId);
      const h = histories.get(t.replicaId) ?? { target: t, points: [] };
      h.target = t;
      h.points.push({ atMs, snapshot });
      histories.set(t.replicaId, h);
    } catch (err) {
      failures.set(t.replicaId, (failures.get(t.replicaId) ?? 0) + 1);
      log.debug("scrape-failed", { replica: t.replicaId, error: (err as Error).message });
    }
  }

  function prune(): void {
    const keepMs = 3 * windowMs;
    const cutoff = now() - keepMs;
    for (const [id, h] of histories) {
      const firstKept = h.points.findIndex((p) => p.atMs > cutoff);
      // Keep one older point as the base of a full-window increase.
      if (firstKept < 0) histories.delete(id);
      else if (firstKept > 1) h.points.splice(0, firstKept - 1);
    }
  }

  function scrape(): Promise<void> {
    inflight ??= (async () => {
      try {
        await Promise.all(options.targets().map(scrapeOne));
        prune();
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  function increases(
    match: (t: ScrapeTarget) => boolean,
    atMs: number,
    win: number,
  ): CounterIncrease[] {
    const out: CounterIncrease[] = [];
    for (const h of histories.values()) {
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
    match: (t: ScrapeTarget) => boolean,
    atMs: number,
    win: number,
  ): number | undefined {
    const served = increases(match, atMs, win).reduce((a, i) => a + i.deltas.requests, 0);
    if (served > 0) return served;
    const mine = [...histories.values()].filter((h) => match(h.target));
    const covered = mine.length > 0 &&
      mine.every((h) => (h.points[0]?.atMs ?? Infinity) <= atMs - win);
    return covered ? 0 : undefined;
  }

  function load(match: (t: ScrapeTarget) => boolean, win = windowMs): LoadEstimate | undefined {
    const inc = increases(match, now(), win);
    return inc.length > 0 ? estimateLoad(inc) : undefined;
  }

  function gauges(replicaId: string, win = windowMs): WindowGauges | undefined {
    const h = histories.get(replicaId);
    return h ? windowGauges(h.points, now(), win) : undefined;
  }

  async function collect(request: MetricsRequest): Promise<readonly ModelMetrics[]> {
    await scrape();
    const atMs = now();
    return request.models.map((m): ModelMetrics => {
      const ids = new Set(m.variants.flatMap((v) => v.replicaIds));
      const replicas: ReplicaSample[] = [];
      for (const id of [...ids].sort()) {
        const h = histories.get(id);
        const g = h ? windowGauges(h.points, atMs, windowMs) : undefined;
        if (!h || !g) continue;
        replicas.push({ replicaId: id, variant: h.target.variant, ...g });
      }
      const sameModel = (t: ScrapeTarget) => t.modelId === m.modelId && t.namespace === m.namespace;
      const inc = increases(sameModel, atMs, windowMs);
      const est = inc.length > 0 ? estimateLoad(inc) : undefined;
      const served = m.requestWindowMs !== undefined
        ? requestsIn(sameModel, atMs, m.requestWindowMs)
        : undefined;
      return {
        modelId: m.modelId,
        namespace: m.namespace,
        replicas,
        ...(est ? est : {}),
        ...(served !== undefined ? { requestsInWindow: served } : {}),
      };
    });
  }

  return { collect, scrape, gauges, load, failures };
}
