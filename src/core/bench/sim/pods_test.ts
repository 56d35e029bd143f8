import { strict as assert } from "node:assert";
import { buildRequestPlan } from "../load/plan.ts";
import { prepareArm } from "../run.ts";
import { expandModels } from "../scenario/expand.ts";
import { parseScenario } from "../scenario/scenario.ts";
import { runLoop } from "./loop.ts";
import { setReplicas } from "./pods.ts";
import { at } from "./world.ts";

/** A static arm with one Ready pod; at 10 s three more are asked for. */
function readyTimes(cluster: Record<string, unknown>, seed = 1): number[] {
  const s = parseScenario({
    seed,
    cluster,
    models: [{ name: "m", variants: [{ name: "v" }], load: { stages: "60s@1rps" } }],
    arms: [{ name: "fixed", type: "static", replicas: { v: 1 } }],
  });
  const models = expandModels(s);
  const plan = buildRequestPlan(models.map((m) => m.load), { seed });
  const p = prepareArm(s, { models, plan, arm: s.arms[0]!, seed: seed + 1 });
  at(p.world, 10_000, () => setReplicas(p.world, p.world.variants[0]!, 4, "test"));
  runLoop(p.world, 30_000);
  return p.world.pods.slice(1).map((x) => x.readyMs);
}

Deno.test("a new pod is Ready after the loading delay and the next readiness probe", async (t) => {
  await t.step("no probe period: exactly the loading delay", () => {
    assert.deepEqual(readyTimes({ loadingDelaySec: 4 }), [14_000, 14_000, 14_000]);
  });
  await t.step("probes every 250 ms at a random phase per pod: within one period", () => {
    const times = readyTimes({ loadingDelaySec: 4, readinessProbeSec: 0.25 });
    for (const ms of times) assert.ok(ms >= 14_000 && ms < 14_250, String(ms));
    assert.equal(new Set(times).size, 3, "each pod has its own phase");
  });
  await t.step("same seed, same times", () => {
    const c = { loadingDelaySec: 4, readinessProbeSec: 0.25 };
    assert.deepEqual(readyTimes(c, 5), readyTimes(c, 5));
  });
});
