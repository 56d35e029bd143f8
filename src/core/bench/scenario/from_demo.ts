/**
 * `wva demo`'s setup as a bench scenario, so one schedule can be run for real (real HTTP, real
 * timers) and on the virtual clock and the two compared (tests/bench/realtime_agreement_test.ts,
 * docs/bench.md "Checking the bench against the real thing").
 *
 * The input is the demo's own validated configuration (`DemoConfig` of src/modes/demo/config.ts
 * is assignable to {@linkcode DemoSetup}: the field names are the demo's, so a renamed field
 * fails to type-check instead of drifting), plus what core cannot compute itself: the schedule's
 * stage text and each variant's engine parameters as the emulator resolves them (preset and
 * overrides through its own schema — the caller does that, core may not import the emulator
 * server). What the demo fixes in code rather than in its configuration is
 * {@linkcode DEMO_RUNTIME}, each value naming where it comes from.
 *
 * @module
 */
import type { SaturationOverride } from "../../analyze/saturation_config.ts";
import type { AnalyzerName } from "../../contract/types.ts";
import type { LengthDist } from "../../load/lengths.ts";
import type { Slo } from "../../load/slo.ts";
import type { EngineParams } from "../../../../emulator/engine/types.ts";
import type { ScenarioInput } from "./scenario.ts";

/** The part of the demo's configuration (`DemoConfig`) a scenario is made from. */
export interface DemoSetup {
  readonly model: string;
  readonly variants: readonly {
    readonly name: string;
    readonly accelerator: string;
    /** Cost per replica-hour. */
    readonly cost: number;
    readonly gpusPerReplica: number;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly initialReplicas: number;
  }[];
  readonly inventory: readonly { readonly accelerator: string; readonly gpus: number }[];
  readonly loadingDelayMs: number;
  readonly controller: {
    readonly analyzer: AnalyzerName;
    readonly intervalMs: number;
    readonly metricsWindowMs?: number | undefined;
    readonly limiter: boolean;
    readonly saturation: SaturationOverride;
  };
  readonly load: {
    readonly promptTokens: LengthDist;
    readonly outputTokens: LengthDist;
    readonly slo: Slo;
    readonly seed: number;
  };
}

/**
 * What `wva demo` fixes in code, not in its configuration (seconds unless named otherwise).
 * tests/bench/realtime_agreement_test.ts checks the exported ones against their sources.
 */
export const DEMO_RUNTIME = {
  /** The loadgen's default arrival process (core/load/options.ts); the demo sets none. */
  arrival: "poisson",
  /** The loadgen's default per-request timeout, 60 s (core/load/options.ts `timeoutMs`). */
  clientTimeoutSec: 60,
  /** The gateway's queue: 1000 requests, 30 s each, then 503 (adapters/gateway DEFAULT_QUEUE_LIMITS). */
  queueCapacity: 1000,
  queueTtlSec: 30,
  /** The pool's drain limit, 120 s (adapters/local/pool.ts `drainTimeoutMs`). */
  drainGraceSec: 120,
  /** The pool probes each loading replica's readiness every 250 ms (adapters/local/pool.ts). */
  readinessProbeSec: 0.25,
  /** The live view scrapes every replica once a second (modes/demo/run_demo.ts `TICK_MS`). */
  scrapeIntervalSec: 1,
  /**
   * All replicas at once, on the control cycle's grid (both loops start with the load) and a
   * little after it: each view tick starts after the previous one ended, so the view drifts
   * behind the cycle (measured 0.03–0.5 s into each second), and a cycle's window starts with a
   * sample taken just after the window opened.
   */
  scrapeOffsetSec: 0.1,
  /** Scale-to-zero on, retention 60 s (modes/demo/parts.ts). */
  retentionSec: 60,
  /** Stale limit: max(10 s, 3 intervals) (modes/demo/parts.ts). */
  staleAfterSec: (intervalSec: number) => Math.max(10, 3 * intervalSec),
  /**
   * Prompt tokens the emulator adds to a one-message chat prompt (3 + 4, emulator/http/tokens.ts):
   * the loadgen sends N one-token words, the engine sees N + 7.
   */
  chatTemplateTokens: 7,
} as const;

/** A length distribution moved by `tokens` (every draw is the same draw plus `tokens`). */
export function shiftLength(d: LengthDist, tokens: number): LengthDist {
  switch (d.kind) {
    case "fixed":
      return { kind: "fixed", tokens: d.tokens + tokens };
    case "uniform":
      return { kind: "uniform", min: d.min + tokens, max: d.max + tokens };
    case "normal":
      return { ...d, mean: d.mean + tokens, min: d.min + tokens, max: d.max + tokens };
  }
}

/** The engine fields of a bench variant; features the bench does not model are refused. */
function engineFields(name: string, e: EngineParams): Record<string, number | boolean> {
  if (e.prefixCaching) {
    throw new RangeError(
      `Cannot express variant ${name} as a bench variant: the bench does not model prefix caching`,
    );
  }
  return {
    alphaMs: e.alphaMs,
    betaMs: e.betaMs,
    gammaMs: e.gammaMs,
    deltaMs: e.deltaMs,
    prefillScalesWithBatch: e.prefillScalesWithBatch,
    jitterCv: e.jitterCv,
    maxNumSeqs: e.maxNumSeqs,
    kvCacheBlocks: e.kvCacheBlocks,
    blockSize: e.blockSize,
    maxWaitingQueue: e.maxWaitingQueue,
    preemption: e.preemption,
    kvWatermark01: e.kvWatermark01,
  };
}

function inventoryOf(setup: DemoSetup): Record<string, number> | undefined {
  if (setup.inventory.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const n of setup.inventory) out[n.accelerator] = (out[n.accelerator] ?? 0) + n.gpus;
  return out;
}

/** The demo's controller as a wva arm (direct scaling, the first cycle one interval in). */
function demoArm(setup: DemoSetup): Record<string, unknown> {
  const c = setup.controller;
  const intervalSec = c.intervalMs / 1000;
  return {
    name: "wva-demo",
    type: "wva",
    label: `wva ${c.analyzer} as in wva demo`,
    decide: c.analyzer,
    intervalSec,
    phaseSec: intervalSec,
    metricsSource: "scrape",
    windowSec: (c.metricsWindowMs ?? c.intervalMs) / 1000,
    warmupSec: 0,
    settings: {
      saturation: c.saturation,
      limiter: c.limiter,
      scaleToZero: true,
      retentionSec: DEMO_RUNTIME.retentionSec,
      staleAfterSec: DEMO_RUNTIME.staleAfterSec(intervalSec),
    },
  };
}

/**
 * The scenario that runs what `wva demo` runs with `setup` on the schedule `stages` (stage
 * text, e.g. the `quick` profile's): the same variants, GPUs, loading delay, gateway queue,
 * requests (drawn as the demo's loadgen draws them from its seed), controller and SLO.
 *
 * @param engines each variant's engine parameters, by variant name, as the emulator resolves them
 * @throws {RangeError} when a variant has no engine or uses a feature the bench does not model
 */
export function demoScenario(
  setup: DemoSetup,
  stages: string,
  engines: Readonly<Record<string, EngineParams>>,
): ScenarioInput {
  const inventory = inventoryOf(setup);
  const variants = setup.variants.map((v) => {
    const engine = engines[v.name];
    if (!engine) throw new RangeError(`Cannot express variant ${v.name}: no engine parameters`);
    return {
      name: v.name,
      accelerator: v.accelerator,
      gpusPerReplica: v.gpusPerReplica,
      costPerHour: v.cost,
      ...engineFields(v.name, engine),
      minReplicas: v.minReplicas,
      maxReplicas: v.maxReplicas,
      initialReplicas: v.initialReplicas,
    };
  });
  return {
    name: "demo",
    description: `wva demo on ${stages}, seed ${setup.load.seed}`,
    seed: setup.load.seed,
    ...(inventory ? { inventory } : {}),
    cluster: {
      loadingDelaySec: setup.loadingDelayMs / 1000,
      readinessProbeSec: DEMO_RUNTIME.readinessProbeSec,
      drainGraceSec: DEMO_RUNTIME.drainGraceSec,
      scrapeIntervalSec: DEMO_RUNTIME.scrapeIntervalSec,
      scrapeOffsetSec: DEMO_RUNTIME.scrapeOffsetSec,
      timelineStepSec: 1,
    },
    gateway: {
      flowControl: false,
      queueCapacity: DEMO_RUNTIME.queueCapacity,
      queueTtlSec: DEMO_RUNTIME.queueTtlSec,
    },
    client: { timeoutSec: DEMO_RUNTIME.clientTimeoutSec },
    slo: setup.load.slo,
    models: [{
      name: setup.model,
      variants,
      load: {
        stages,
        arrival: DEMO_RUNTIME.arrival,
        drawAs: "loadgen",
        promptTokens: shiftLength(setup.load.promptTokens, DEMO_RUNTIME.chatTemplateTokens),
        outputTokens: setup.load.outputTokens,
      },
    }],
    arms: [demoArm(setup)],
  };
}
