/**
 * The demo's moving parts, wired together: the local pool (the "cluster"), the router in front
 * of it, the metrics source (direct scrape, or a real Prometheus) and the cycle settings. No
 * loops here: run_demo.ts drives them.
 *
 * @module
 */
import {
  DEFAULT_SATURATION_CONFIG,
  mergeSaturationConfig,
} from "../../core/analyze/saturation_config.ts";
import { createLocalPool, type LocalPool } from "../../adapters/local/pool.ts";
import type { PoolEvent } from "../../adapters/local/status.ts";
import type { Logger } from "../../runtime/log.ts";
import type { MetricsSource } from "../../core/contract/ports.ts";
import type { CycleSettings } from "../../core/contract/settings.ts";
import {
  type GatewayHandle,
  type RouteRecord,
  startGateway,
} from "../../adapters/gateway/router.ts";
import { createLocalEndpoints, type LocalEndpoints } from "../../adapters/gateway/endpoints.ts";
import { createPromClient } from "../../adapters/prometheus/client.ts";
import { createPrometheusSource } from "../../adapters/prometheus/source.ts";
import { createScrapeSource, type ScrapeSource } from "../../adapters/scrape/source.ts";
import { type DemoConfig, gpusByAccelerator } from "./config.ts";
import { poolVariants } from "./variants.ts";

/** A scrape-target group in Prometheus' file_sd format. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything the loops need. */
export interface DemoParts {
  readonly pool: LocalPool;
  /** The gateway in front of the pool (routing, queue, `/metrics`). */
  readonly router: GatewayHandle;
  /** Direct scrape of the replicas: the live view always uses it. */
  readonly scrape: ScrapeSource;
  /** What the cycle reads: the scrape source, or Prometheus with `--prometheus`. */
  readonly metrics: MetricsSource;
  readonly metricsName: string;
  readonly settings: CycleSettings;
  /**
   * The replicas as Prometheus file_sd target groups (labels: namespace, pod, variant), and the
   * gateway (label: namespace) for its queue metrics.
   */
  targetGroups(): TargetGroup[];
}

/** Options of {@linkcode startParts}. */
export interface PartsOptions {
  readonly config: DemoConfig;
  readonly prometheusUrl?: string | undefined;
  readonly nowMs: () => number;
  readonly logger: Logger;
  readonly onPoolEvent: (e: PoolEvent) => void;
  readonly onRoute: (r: RouteRecord) => void;
}

/** Starts the pool (initial replicas loading) and the gateway in front of it. */
export function startParts(options: PartsOptions): DemoParts {
  const { config, logger } = options;
  const interval = config.controller.intervalMs;
  const windowMs = config.controller.metricsWindowMs ?? interval;
  const pool = createLocalPool({
    variants: poolVariants(config),
    inventory: config.inventory.length > 0 ? gpusByAccelerator(config.inventory) : undefined,
    loadingDelayMs: config.loadingDelayMs,
    seed: config.load.seed,
    logger,
    onEvent: (e) => {
      options.onPoolEvent(e);
      endpoints.changed();
    },
    // Only called when replicas are removed, after the gateway below exists.
    outstanding: (id) => router.outstanding(id),
  });
  const endpoints = poolEndpoints(config, pool);
  const router = startGateway({ endpoints, onRecord: options.onRoute, logger });
  const scrape = createScrapeSource({
    targets: () =>
      pool.replicas().filter((r) => r.url !== "" && (r.state === "ready" || r.state === "draining"))
        .map((r) => ({
          replicaId: r.id,
          variant: r.variant,
          modelId: config.model,
          namespace: config.namespace,
          url: r.url,
        })),
    nowMs: options.nowMs,
    windowMs,
    logger,
  });
  const promWindowSec = Math.max(10, Math.ceil((2 * windowMs) / 1000));
  const metrics = options.prometheusUrl
    ? createPrometheusSource(createPromClient({ url: options.prometheusUrl }), {
      windows: { windowSec: promWindowSec, tokenWindowSec: 5 * promWindowSec },
    })
    : scrape;
  const saturation = mergeSaturationConfig(
    DEFAULT_SATURATION_CONFIG,
    config.controller.saturation,
  );
  const slo = config.load.slo;
  const settings: CycleSettings = {
    analyzer: config.controller.analyzer,
    saturationFor: () => saturation,
    limiter: config.controller.limiter,
    staleAfterMs: Math.max(10_000, 3 * interval),
    // Enabled so that a variant's minReplicas 0 is honoured (otherwise the cycle uses 1). The
    // model only counts as idle when the scrape history proves no request for a whole minute.
    scaleToZeroFor: () => ({ enabled: true, retentionMs: 60_000 }),
    serviceClassFor: () => ({
      priority: 1,
      slo: {
        ...(slo.ttftMs !== undefined ? { ttftMs: slo.ttftMs } : {}),
        ...(slo.itlMs !== undefined ? { itlMs: slo.itlMs } : {}),
      },
    }),
  };
  return {
    pool,
    router,
    scrape,
    metrics,
    metricsName: options.prometheusUrl ? `prometheus ${options.prometheusUrl}` : "scrape",
    settings,
    targetGroups: () => targetGroups(config, pool, router),
  };
}

/** The pool's ready replicas as the model's endpoints (call `changed()` on each pool event). */
function poolEndpoints(config: DemoConfig, pool: LocalPool): LocalEndpoints {
  return createLocalEndpoints({
    models: [config.model],
    list: () =>
      pool.routable().map((r) => ({
        id: r.id,
        variant: r.variant,
        url: r.url,
        namespace: config.namespace,
      })),
    leaving: (id) => ["draining", "stopped"].includes(pool.stateOf(id) ?? ""),
  });
}

/** The replicas and the gateway (its queue per model: the scale-from-zero signal) as targets. */
function targetGroups(config: DemoConfig, pool: LocalPool, gateway: GatewayHandle): TargetGroup[] {
  return [
    ...pool.replicas().filter((r) => r.url !== "" && r.state !== "stopped").map((r) => ({
      targets: [new URL(r.url).host],
      labels: { namespace: config.namespace, pod: r.id, llm_d_ai_variant: r.variant },
    })),
    { targets: [new URL(gateway.url).host], labels: { namespace: config.namespace } },
  ];
}
