/**
 * The arrival rate a wva arm reads is the requests arriving at the gateway — what left flow
 * control (any outcome) plus the queue's growth, as the controller's Prometheus query and the
 * direct scrape compute it — not the dispatches or completions, which under flow control are
 * the servers' pace. Without flow control it is the gateway's dispatches.
 */
import { strict as assert } from "node:assert";
import { runLoop } from "../../src/core/bench/sim/loop.ts";
import { toCycleInputs } from "../../src/core/bench/wva/cycle_adapter.ts";
import { observe } from "../../src/core/bench/wva/observe.ts";
import { EXACT_VARIANT, prepare, scenario } from "./helpers.ts";

// 30 req/s of 200-token answers on one replica of at most 16 sequences: it serves ~7 req/s.
const overloaded = (gateway: Record<string, unknown> = {}) =>
  scenario({
    gateway: { queueCapacity: 100_000, ...gateway },
    client: { timeoutSec: 600 },
    models: [{
      name: "m",
      variants: [{ ...EXACT_VARIANT, maxNumSeqs: 16, minReplicas: 1, maxReplicas: 1 }],
      load: { stages: "300s@30rps", arrival: "constant", promptTokens: 100, outputTokens: 200 },
    }],
    arms: [{ name: "fixed", type: "static", replicas: { v: 1 } }],
  });

const look = (gateway?: Record<string, unknown>) => {
  const p = prepare(overloaded(gateway));
  runLoop(p.world, 200_000);
  const obs = observe(p.world, { windowMs: 60_000, warmupMs: 0 });
  return { model: obs.models[0]!, metrics: toCycleInputs(obs).metrics[0]! };
};

Deno.test("with flow control: arrivals at the gateway, not what the replica serves", () => {
  const { model, metrics } = look();
  assert.ok(model.gatewayQueue! > 1000, `the backlog grows: ${model.gatewayQueue}`);
  assert.ok(model.arrivalRatePerSec! < 10, `completions ${model.arrivalRatePerSec}`);
  assert.ok(model.gatewayDispatchRatePerSec! < 10, `dispatches ${model.gatewayDispatchRatePerSec}`);
  const a = model.gatewayArrivalRatePerSec!;
  assert.ok(Math.abs(a - 30) < 1.5, `arrivals ${a} req/s, planned 30`);
  assert.deepEqual([metrics.arrivalRatePerSec, metrics.arrivalSource], [a, "gateway"]);
});

Deno.test("rejected requests still arrived (a full queue answers 429)", () => {
  const { model } = look({ queueCapacity: 50 });
  assert.equal(model.gatewayQueue, 50);
  const a = model.gatewayArrivalRatePerSec!;
  assert.ok(Math.abs(a - 30) < 1.5, `arrivals ${a} req/s, planned 30`);
});

Deno.test("without flow control: the dispatches (nothing waits at the gateway)", () => {
  const { model, metrics } = look({ flowControl: false });
  assert.equal(model.gatewayArrivalRatePerSec, undefined, "no flow-control histogram");
  const d = model.gatewayDispatchRatePerSec!;
  assert.ok(Math.abs(d - 30) < 1.5, `dispatches ${d} req/s, planned 30`);
  assert.deepEqual([metrics.arrivalRatePerSec, metrics.arrivalSource], [d, "dispatches"]);
});
