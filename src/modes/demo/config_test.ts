import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../../core/util/validate.ts";
import { DemoConfigSchema, gpusByAccelerator } from "./config.ts";
import { resolveSchedule } from "./schedules.ts";
import { poolVariants } from "./variants.ts";

function problems(input: unknown): string[] {
  try {
    parseOrThrow(DemoConfigSchema, input, "demo.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

Deno.test("DemoConfigSchema defaults reproduce the seeds' A100 and a dearer H100", () => {
  const c = DemoConfigSchema.parse({});
  const [a100, h100] = c.variants;
  assert.deepEqual([a100!.name, a100!.accelerator, a100!.cost], ["a100", "A100", 40]);
  assert.deepEqual([a100!.emulator.alphaMs, a100!.emulator.betaMs], [20.58, 0.41]);
  assert.deepEqual([h100!.name, h100!.accelerator, h100!.initialReplicas], ["h100", "H100", 0]);
  assert.ok(h100!.cost > a100!.cost);
  assert.deepEqual(gpusByAccelerator(c.inventory), { A100: 2, H100: 2 });
  assert.equal(c.controller.analyzer, "saturation-v2");
  assert.equal(c.controller.intervalMs, 4000);
  assert.equal(c.loadingDelayMs, 4000);
});

Deno.test("DemoConfigSchema reads durations with units", async (t) => {
  const cases: ReadonlyArray<[unknown, number]> = [["5s", 5000], ["750ms", 750], ["1m", 60_000], [
    1200,
    1200,
  ]];
  for (const [given, ms] of cases) {
    await t.step(String(given), () => {
      const c = DemoConfigSchema.parse({
        loadingDelayMs: given,
        controller: { intervalMs: given },
      });
      assert.deepEqual([c.loadingDelayMs, c.controller.intervalMs], [ms, ms]);
    });
  }
});

Deno.test("DemoConfigSchema names every problem with its path", async (t) => {
  const v = (fields: Record<string, unknown>) => ({
    name: "a",
    accelerator: "A100",
    cost: 1,
    ...fields,
  });
  const cases: ReadonlyArray<[string, unknown, RegExp]> = [
    ["duplicate names", { variants: [v({}), v({})] }, /variants\[1\]\.name: duplicate/],
    ["bad name", { variants: [v({ name: "A_100" })] }, /variants\[0\]\.name: use lower-case/],
    [
      "accelerator not in the inventory",
      { variants: [v({ accelerator: "H200" })] },
      /variants\[0\]\.accelerator: not in the inventory \(A100, H100\)/,
    ],
    [
      "min above max",
      { variants: [v({ minReplicas: 3, maxReplicas: 2, initialReplicas: 2 })] },
      /minReplicas: exceeds maxReplicas/,
    ],
    [
      "initial outside bounds",
      { variants: [v({ minReplicas: 1, initialReplicas: 0 })] },
      /initialReplicas: must be within \[minReplicas, maxReplicas\] = \[1, 8\]/,
    ],
    [
      "initial replicas beyond the GPUs",
      { variants: [v({ initialReplicas: 3 })] },
      /inventory: initial replicas need 3 A100 GPUs, the inventory has 2/,
    ],
    [
      "emulator settings checked",
      { variants: [v({ emulator: { maxNumSeqs: 0 } })] },
      /variants\[0\]\.emulator\.maxNumSeqs/,
    ],
    ["unknown analyzer", { controller: { analyzer: "magic" } }, /controller\.analyzer/],
    [
      "bad duration",
      { controller: { intervalMs: "soon" } },
      /controller\.intervalMs: expected a duration/,
    ],
    ["interval too short", { controller: { intervalMs: "50ms" } }, /controller\.intervalMs/],
    ["unknown key", { variantz: [] }, /variantz/],
  ];
  for (const [name, input, want] of cases) {
    await t.step(name, () => {
      const got = problems(input);
      assert.ok(got.some((p) => want.test(p)), got.join("\n"));
      assert.ok(got.every((p) => p.startsWith("demo.yaml: ")));
    });
  }
});

Deno.test("poolVariants() turns the emulator settings into the controller's model of a variant", () => {
  const [a100, h100] = poolVariants(DemoConfigSchema.parse({}));
  assert.deepEqual(a100!.perf, {
    alphaMs: 20.58,
    betaMs: 0.41,
    gammaMs: 5.2,
    deltaMs: 0.1,
    maxBatchSize: 16,
  });
  assert.equal(a100!.kvCapacityTokens, 160 * 16);
  assert.equal(h100!.perf!.alphaMs, 12, "the H100 preset");
  assert.equal(a100!.modelId, "meta-llama/Llama-3.1-8B-Instruct");
});

Deno.test("resolveSchedule() knows the profiles and reads stage lists", () => {
  const quick = resolveSchedule("quick");
  const total = quick.stages.reduce((a, s) => a + s.durationMs, 0);
  assert.equal(total, 90_000, "the quick profile lasts 90 s");
  const peak = Math.max(...quick.stages.map((s) => s.toRatePerSec));
  assert.ok(peak <= 40, "tens of requests/s at most");
  const standard = resolveSchedule("standard");
  assert.ok(standard.stages.reduce((a, s) => a + s.durationMs, 0) >= 180_000);
  const custom = resolveSchedule("10s@1rps,5s@1..3rps");
  assert.deepEqual([custom.name, custom.stages.length], ["custom", 2]);
  assert.throws(() => resolveSchedule("constructor"), /constructor/);
});
