import { strict as assert } from "node:assert";
import { runLoop } from "../../src/core/bench/sim/loop.ts";
import { setReplicas } from "../../src/core/bench/sim/pods.ts";
import {
  ERROR,
  GONE,
  LOADING,
  OK,
  PENDING,
  RATE_LIMITED,
  READY,
  SHED,
  TIMEOUT,
} from "../../src/core/bench/sim/types.ts";
import { at } from "../../src/core/bench/sim/world.ts";
import { EXACT_VARIANT, prepare, scenario } from "./helpers.ts";

const statuses = (s: Uint8Array) => {
  const out: Record<number, number> = {};
  for (const x of s) out[x] = (out[x] ?? 0) + 1;
  return out;
};

Deno.test("a single request sees TTFT = prefill and ITL = α + β·1 on an idle replica", () => {
  const p = prepare(
    scenario({
      models: [{
        name: "m",
        variants: [EXACT_VARIANT],
        load: { stages: "1s@1rps", arrival: "constant", promptTokens: 10, outputTokens: 11 },
      }],
    }),
  );
  runLoop(p.world);
  const r = p.world.records;
  assert.equal(r.status[0], OK);
  assert.equal(r.ttftMs[0], 5, "gamma 5 ms, delta 0");
  assert.equal(r.itlMs[0], 11, "step 10 + 1 × 1");
  assert.equal(r.e2eMs[0], 5 + 10 * 11);
});

Deno.test("a new pod is not Ready and has no metrics while the model loads", () => {
  const p = prepare(scenario());
  const w = p.world;
  const v = w.variants[0]!;
  at(w, 10_000, () => setReplicas(w, v, 2, "test"));
  runLoop(w, 69_000);
  const pod = v.pods[1]!;
  assert.equal(pod.state, LOADING);
  assert.equal(w.prom.select("vllm:num_requests_waiting", { pod: pod.name }).length, 0);
  assert.ok(!w.models[0]!.routable.includes(pod), "the gateway does not route to it");
  runLoop(w, 70_000);
  assert.equal(pod.state, READY);
  assert.equal(pod.readyMs, 70_000);
  runLoop(w, 86_000);
  assert.equal(
    w.prom.select("vllm:num_requests_waiting", { pod: pod.name }).length,
    1,
    "scraped within one interval",
  );
});

Deno.test("a pod beyond the GPU inventory stays Pending until a GPU is freed", () => {
  const two = [{ ...EXACT_VARIANT, name: "a", initialReplicas: 2 }, {
    ...EXACT_VARIANT,
    name: "b",
    minReplicas: 0,
    initialReplicas: 0,
  }];
  const p = prepare(scenario({
    inventory: { H100: 2 },
    models: [{ name: "m", variants: two, load: { stages: "1s@1rps" } }],
    arms: [{ name: "fixed", type: "static", replicas: { a: 2, b: 0 } }],
  }));
  const w = p.world;
  const [a, b] = w.variants;
  at(w, 1_000, () => setReplicas(w, b!, 1, "test"));
  at(w, 20_000, () => setReplicas(w, a!, 1, "test"));
  runLoop(w, 10_000);
  assert.equal(b!.pods[0]!.state, PENDING);
  runLoop(w, 20_000);
  assert.equal(
    b!.pods[0]!.state,
    LOADING,
    "the idle pod of a is gone at once and its GPU goes to b",
  );
  assert.equal(b!.pods[0]!.boundMs, 20_000);
  runLoop(w, 80_000);
  assert.equal(b!.pods[0]!.state, READY);
});

Deno.test("scale-down drains in-flight requests, and kills what is left after the grace period", async (t) => {
  for (
    const [name, graceSec, want] of [["long grace", 60, OK], ["short grace", 2, ERROR]] as const
  ) {
    await t.step(name, () => {
      const p = prepare(scenario({
        cluster: { drainGraceSec: graceSec },
        models: [{
          name: "m",
          variants: [EXACT_VARIANT],
          load: { stages: "1s@1rps", arrival: "constant", promptTokens: 10, outputTokens: 500 },
        }],
      }));
      const w = p.world;
      const v = w.variants[0]!;
      at(w, 1_000, () => setReplicas(w, v, 0, "test"));
      runLoop(w);
      assert.equal(w.records.status[0], want);
      assert.equal(w.pods[0]!.state, GONE);
      assert.equal(w.pods[0]!.goneMs, want === OK ? 5 + 500 * 11 - 11 : 3_000);
    });
  }
});

Deno.test("the gateway queues with no Ready replica: 429 when full, shed after the TTL, timeouts", async (t) => {
  const base = {
    models: [{
      name: "m",
      variants: [EXACT_VARIANT],
      load: { stages: "10s@1rps", arrival: "constant" },
    }],
    arms: [{ name: "none", type: "static", replicas: { v: 0 } }],
  };
  await t.step("capacity 4, TTL 5 s", () => {
    const p = prepare(
      scenario({
        ...base,
        gateway: { queueCapacity: 4, queueTtlSec: 5 },
        client: { timeoutSec: 60 },
      }),
    );
    runLoop(p.world);
    // 0–3 queue; 4 finds the queue full; at 5 s the arrival comes before 0 is shed: 429 too
    assert.deepEqual(statuses(p.world.records.status), { [RATE_LIMITED]: 2, [SHED]: 8 });
  });
  await t.step("capacity 4, long TTL: the rest get 429, the queued time out", () => {
    const p = prepare(
      scenario({
        ...base,
        gateway: { queueCapacity: 4, queueTtlSec: 100 },
        client: { timeoutSec: 20 },
      }),
    );
    runLoop(p.world);
    assert.deepEqual(statuses(p.world.records.status), { [TIMEOUT]: 4, [RATE_LIMITED]: 6 });
  });
});

Deno.test("queued requests go to the first pod that becomes Ready", () => {
  const p = prepare(scenario({
    cluster: { loadingDelaySec: 30 },
    gateway: { queueTtlSec: 60 },
    models: [{
      name: "m",
      variants: [EXACT_VARIANT],
      load: { stages: "10s@1rps", arrival: "constant" },
    }],
    arms: [{ name: "none", type: "static", replicas: { v: 0 } }],
  }));
  const w = p.world;
  at(w, 0, () => setReplicas(w, w.variants[0]!, 1, "test"));
  runLoop(w);
  assert.deepEqual(statuses(w.records.status), { [OK]: 10 });
  assert.ok(w.records.ttftMs[0]! >= 30_000, "the first request waited for the model to load");
});

Deno.test("least outstanding requests spreads load evenly over Ready pods", () => {
  const p = prepare(scenario({
    models: [{
      name: "m",
      variants: [EXACT_VARIANT],
      load: { stages: "20s@10rps", arrival: "poisson", outputTokens: 200 },
    }],
    arms: [{ name: "three", type: "static", replicas: { v: 3 } }],
  }));
  runLoop(p.world);
  const perPod = p.world.pods.map((x) => x.counters.success);
  assert.equal(perPod.reduce((a, b) => a + b, 0), p.world.plan.count);
  assert.ok(
    Math.max(...perPod) - Math.min(...perPod) <= 0.1 * p.world.plan.count,
    perPod.join(","),
  );
});

Deno.test("flow control holds requests at the gateway while the pool is saturated", async (t) => {
  const s = (flowControl: boolean) =>
    scenario({
      gateway: { flowControl, saturation: { queueDepthThreshold: 2 } },
      models: [{
        name: "m",
        variants: [{ ...EXACT_VARIANT, maxNumSeqs: 4 }],
        load: { stages: "10s@20rps", arrival: "constant", outputTokens: 50 },
      }],
    });
  for (const on of [true, false]) {
    await t.step(
      on ? "on: vLLM's queue stays at the threshold" : "off: requests pile up in vLLM",
      () => {
        const p = prepare(s(on));
        const w = p.world;
        let maxWaiting = 0, maxQueued = 0;
        for (let ms = 500; ms <= 10_000; ms += 500) {
          runLoop(w, ms);
          maxWaiting = Math.max(maxWaiting, w.pods[0]!.engine!.stats().waiting);
          maxQueued = Math.max(maxQueued, w.models[0]!.queued);
        }
        if (on) {
          assert.ok(maxWaiting <= 2, `waiting ${maxWaiting}`);
          assert.ok(maxQueued > 20, `queued ${maxQueued}`);
        } else {
          assert.equal(maxQueued, 0);
          assert.ok(maxWaiting > 20, `waiting ${maxWaiting}`);
        }
      },
    );
  }
});

Deno.test("faults: lost scrapes leave no series; pods that never start hold their GPU", () => {
  const p = prepare(scenario({ faults: { scrapeLoss01: 1 } }));
  runLoop(p.world, 60_000);
  assert.equal(p.world.prom.select("vllm:num_requests_waiting", {}).length, 0);
  const q = prepare(scenario({ faults: { neverStart01: 1 }, inventory: { H100: 4 } }));
  const w = q.world;
  at(w, 0, () => setReplicas(w, w.variants[0]!, 3, "test"));
  runLoop(w, 300_000);
  assert.equal(w.pods.filter((x) => x.state === READY).length, 1, "only the initial pod serves");
  assert.equal(
    w.gpus.get("H100")!.free,
    1,
    "4 GPUs: the serving pod and the two stuck ones hold 3",
  );
});
