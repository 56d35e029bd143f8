/**
 * Helpers for the bench tests: a small scenario builder and a prepared world one can step.
 *
 * @module
 */
import { prepareArm, type PreparedArm } from "../../src/core/bench/run.ts";
import { buildRequestPlan } from "../../src/core/bench/load/plan.ts";
import { expandModels } from "../../src/core/bench/scenario/expand.ts";
import { parseScenario, type Scenario } from "../../src/core/bench/scenario/scenario.ts";
import type { WvaRegistry } from "../../src/core/bench/wva/seam.ts";
import { mergeLayers } from "../../src/core/util/validate.ts";

/** An H100-like variant with exact (jitter-free) latencies: step 10 + 1·b ms, prefill 5 ms. */
export const EXACT_VARIANT = {
  name: "v",
  preset: "H100",
  alphaMs: 10,
  betaMs: 1,
  gammaMs: 5,
  deltaMs: 0,
  costPerHour: 2,
};

/** A one-model scenario; `over` is deep-merged (lists replace). */
export function scenario(over: Record<string, unknown> = {}): Scenario {
  const base = {
    seed: 3,
    cluster: { loadingDelaySec: 60, scrapeIntervalSec: 15, drainGraceSec: 30 },
    models: [{
      name: "m",
      variants: [EXACT_VARIANT],
      load: { stages: "60s@1rps", arrival: "constant", promptTokens: 10, outputTokens: 10 },
    }],
    arms: [{ name: "fixed", type: "static", replicas: { v: 1 } }],
  };
  return parseScenario(mergeLayers(base, over), "test");
}

/** Prepares the scenario's first (or named) arm over its plan. */
export function prepare(s: Scenario, arm?: string, registry: WvaRegistry = {}): PreparedArm {
  const models = expandModels(s);
  const plan = buildRequestPlan(models.map((m) => m.load), { seed: s.seed });
  const a = arm ? s.arms.find((x) => x.name === arm)! : s.arms[0]!;
  return prepareArm(s, { models, plan, arm: a, seed: s.seed + 1 }, registry);
}
